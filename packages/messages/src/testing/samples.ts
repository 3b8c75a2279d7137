import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MessageKind } from '../registry.js';

/** A synthetic or published document shipped with the package, valid for its message kind. */
export interface SampleMessage {
  /** Stable name to pass to {@link readSampleMessage}, e.g. `rtp`. */
  readonly name: string;
  readonly kind: MessageKind;
  /** Path inside the installed package. */
  readonly file: string;
  readonly description: string;
}

const sample = (name: string, kind: MessageKind, file: string, description: string): SampleMessage =>
  Object.freeze({ name, kind, file, description });

/**
 * One valid document per message kind (all synthetic), and the real GPES-I v6.0 Query Results test document that
 * NHS England published. They are the package's own golden fixtures, so every one decodes without issues.
 */
export const sampleMessages: readonly SampleMessage[] = Object.freeze([
  sample('q-e-nt', 'QE_NT', 'fixtures/q-e-notification/valid-stage1.xml', 'Stage 1 notification, GPES to GP'),
  sample(
    'e-q-nt',
    'EQ_NT',
    'fixtures/e-q-notification/valid-stage1-response.xml',
    'Stage 1 response, GP to GPES',
  ),
  sample('rtp', 'RTP', 'fixtures/run-time-parameters/valid-full.xml', 'Run-Time-Parameters'),
  sample(
    'rtpr',
    'RTPR',
    'fixtures/run-time-parameters-response/valid-accepted.xml',
    'RTP response, accepted',
  ),
  sample(
    'qr',
    'QR',
    'fixtures/query-results/valid-synthetic.xml',
    'Query Results with synthetic patient records',
  ),
  sample(
    'qr-v6.0-published',
    'QR',
    'fixtures/query-results/sample/qr-v6.0-cvdprevent.xml',
    'The GPES-I v6.0 Query Results test document published by NHS England (BSD 3-Clause, see NOTICE.md beside it)',
  ),
  sample(
    'qra',
    'QRA',
    'fixtures/query-results-acknowledgement/valid-accepted.xml',
    'QR acknowledgement, accepted',
  ),
  sample(
    'rtpc',
    'RTPC',
    'fixtures/rtp-cancellation/valid-some-practices.xml',
    'RTP cancellation for named practices',
  ),
  sample('report', 'REPORT', 'fixtures/report-csv/valid-daily.csv', 'Daily extraction status report (CSV)'),
]);

/** The installed package's root: found from this module, which sits at a different depth in `src/` and `dist/`. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('@gpes/messages: cannot find the package root of the sample messages');
    dir = parent;
  }
  return dir;
}

function find(name: string): SampleMessage {
  const found = sampleMessages.find((s) => s.name === name);
  if (!found) {
    const names = sampleMessages.map((s) => s.name).join(', ');
    throw new RangeError(`no sample message named ${JSON.stringify(name)}; the samples are: ${names}`);
  }
  return found;
}

/** Absolute path of a shipped sample message, for tools that want a file. */
export function sampleMessagePath(name: string): string {
  return join(packageRoot(), find(name).file);
}

/** A shipped sample message as text (UTF-8). */
export function readSampleMessage(name: string): string {
  return readFileSync(sampleMessagePath(name), 'utf8');
}
