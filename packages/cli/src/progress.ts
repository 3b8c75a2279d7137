import { SingleBar } from 'cli-progress';
import { formatBytes, type Output } from './output.js';

/** Reports the progress of a transfer or a run. */
export interface Progress {
  /** `done` so far, of `total` when known. */
  update(done: number, total?: number): void;
  /** Ends the report (the bar stays on screen at its last value). */
  stop(): void;
}

export interface ProgressOptions {
  /** Words before the bar: `sending out.xml`. */
  label: string;
  total?: number;
  /** `bytes`: sizes, rate in bytes per second; `items`: plain counts. */
  unit: 'bytes' | 'items';
  /** Item name for plain lines, e.g. `patients`. */
  itemName?: string;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const NONE: Progress = { update() {}, stop() {} };

/**
 * A progress bar (cli-progress) on stderr when it is a terminal; otherwise plain lines, at most one per tenth of
 * the total (or per update when the total is unknown); nothing with `--quiet` or `--json`.
 */
export function createProgress(out: Output, options: ProgressOptions): Progress {
  if (out.quiet || out.json) return NONE;
  const stream = out.io.stderr;
  const started = Date.now();
  const show = (n: number) => (options.unit === 'bytes' ? formatBytes(n) : n.toLocaleString('en-GB'));
  const rate = (done: number) => {
    const seconds = (Date.now() - started) / 1000;
    if (seconds <= 0) return '--';
    const perSecond = done / seconds;
    return options.unit === 'bytes' ? `${formatBytes(perSecond)}/s` : `${Math.round(perSecond)}/s`;
  };
  if (stream.isTTY === true) {
    const bar = new SingleBar({
      stream: stream as NodeJS.WriteStream,
      format: `${options.label} ${out.style('cyan', '{bar}', true)} {percentage}% | {done} of {all} | {rate} | ETA {eta_formatted}`,
      barsize: 24,
      barCompleteChar: '\u2588',
      barIncompleteChar: '\u2591',
      hideCursor: true,
      etaBuffer: 5,
      fps: 10,
      // Never take over a stream that is not a terminal (cli-progress would still draw on it otherwise).
      noTTYOutput: false,
    });
    let total = options.total ?? 0;
    bar.start(total, 0, { done: show(0), all: options.total === undefined ? '?' : show(total), rate: '--' });
    return {
      update(done, newTotal) {
        if (newTotal !== undefined && newTotal !== total) {
          total = newTotal;
          bar.setTotal(total);
        }
        bar.update(done, { done: show(done), all: total ? show(total) : '?', rate: rate(done) });
      },
      stop() {
        bar.stop();
      },
    };
  }
  let lastTenth = -1;
  let last = -1;
  let lastAt = 0;
  let total = options.total;
  return {
    update(done, newTotal) {
      if (newTotal !== undefined) total = newTotal;
      if (done === last) return;
      if (total) {
        const tenth = Math.floor((done / total) * 10);
        if (tenth === lastTenth) return;
        lastTenth = tenth;
      } else {
        // Unknown total: at most one line a second.
        const now = Date.now();
        if (now - lastAt < 1000) return;
        lastAt = now;
      }
      last = done;
      const of = total ? ` of ${show(total)} (${Math.floor((done / total) * 100)}%)` : '';
      const name = options.itemName ? ` ${options.itemName}` : '';
      const elapsed = formatDuration((Date.now() - started) / 1000);
      stream.write(`${options.label}: ${show(done)}${name}${of}, ${rate(done)}, ${elapsed}\n`);
    },
    stop() {},
  };
}
