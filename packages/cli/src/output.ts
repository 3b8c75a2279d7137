import type { CliIo } from './io.js';

const STYLES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const;
export type Style = keyof typeof STYLES;

/**
 * Colour on a stream only when it is a terminal, `NO_COLOR` is unset or empty (no-color.org), `TERM` is not
 * `dumb` and `--no-color` was not given. `FORCE_COLOR` (non-empty, not `0`) turns it on regardless.
 */
export function colourEnabled(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
  flag = true,
): boolean {
  if (!flag) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** The runs that have printed their JSON document already (one document per run). */
const documented = new WeakSet<CliIo>();

/** Writes results to stdout and messages to stderr, with colour only where {@link colourEnabled} allows it. */
export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly #io: CliIo;
  readonly #colourOut: boolean;
  readonly #colourErr: boolean;

  constructor(io: CliIo, options: { json: boolean; quiet: boolean; colour: boolean }) {
    this.#io = io;
    this.json = options.json;
    this.quiet = options.quiet;
    this.#colourOut = colourEnabled(io.stdout, io.env, options.colour);
    this.#colourErr = colourEnabled(io.stderr, io.env, options.colour);
  }

  get io(): CliIo {
    return this.#io;
  }

  /** Styles text for stdout (`err` for stderr). */
  style(style: Style, text: string, err = false): string {
    if (!(err ? this.#colourErr : this.#colourOut)) return text;
    const [open, close] = STYLES[style];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  }

  /** A result line on stdout (not in `--json` mode, where {@link result} prints the document). */
  line(text = ''): void {
    if (!this.json) this.#io.stdout.write(`${text}\n`);
  }

  /** A progress or status message on stderr; silent with `--quiet` and `--json`. */
  info(text: string): void {
    if (!this.quiet && !this.json) this.#io.stderr.write(`${text}\n`);
  }

  /** A warning on stderr; silent with `--quiet`. */
  warn(text: string): void {
    if (!this.quiet) this.#io.stderr.write(`${this.style('yellow', 'warning:', true)} ${text}\n`);
  }

  /** An error on stderr, always. */
  error(text: string): void {
    this.#io.stderr.write(`${this.style('red', 'error:', true)} ${text}\n`);
  }

  /** The JSON document of a command, in `--json` mode only. */
  result(value: unknown): void {
    if (!this.json || documented.has(this.#io)) return;
    documented.add(this.#io);
    this.#io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }
}

/** Formats rows as aligned columns; `right` lists the columns to right-align (numbers). */
export function table(header: readonly string[], rows: readonly (readonly string[])[], right: number[] = []) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: readonly string[]) =>
    cells
      .map((c, i) => (right.includes(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [fmt(header), ...rows.map(fmt)].join('\n');
}

/** 1536 → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
