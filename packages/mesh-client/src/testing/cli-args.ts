import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { FakeMailboxConfig, FakeMeshOptions } from './types.js';

export const USAGE = `Usage: gpes-fake-mesh [options]

Starts a fake MESH server for integration tests and prints its URL.

  --port <n>             port to listen on (default: a free port)
  --host <addr>          address to listen on (default: 127.0.0.1)
  --mailbox <spec>       ID:PASSWORD[:ODS[:WORKFLOW,WORKFLOW...]], repeatable; a workflow is
                         registered to send and receive, ">WF" to send only, "<WF" to receive only
                         (default: X26ABC1, X26ABC2, X26ABC3 with password "password")
  --shared-key <key>     HMAC shared secret (default: TestKey)
  --page-size <n>        inbox page size when max_results is absent (default: 500)
  --storage-dir <dir>    keep message bodies in files under <dir> instead of memory
  --tls-cert <file>      serve HTTPS with this certificate (PEM) ...
  --tls-key <file>       ... and this key (PEM)
  --tls-ca <file>        require client certificates signed by this CA (PEM)
  --config <file>        JSON file with any startFakeMesh options (command-line flags win)
  --help                 show this help
`;

/** A command-line problem; the CLI prints the message and exits with status 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CliUsageError(`--${name} must be a non-negative integer`);
  return Number(value);
}

/** Parses `ID:PASSWORD[:ODS[:WF,WF]]`; the password may not contain ':'. */
export function parseMailboxSpec(spec: string): FakeMailboxConfig {
  const [id, password, ods, workflows, ...rest] = spec.split(':');
  if (!id || !password || rest.length > 0) {
    throw new CliUsageError('--mailbox must look like ID:PASSWORD[:ODS[:WORKFLOW,...]]');
  }
  const mailbox: FakeMailboxConfig = { id, password };
  if (ods) mailbox.odsCode = ods;
  if (workflows) {
    // `WF` = send and receive, `>WF` = send only, `<WF` = receive only.
    const entries = workflows.split(',').filter(Boolean);
    const both = entries.filter((w) => !w.startsWith('>') && !w.startsWith('<'));
    const sends = entries.filter((w) => w.startsWith('>')).map((w) => w.slice(1));
    const receives = entries.filter((w) => w.startsWith('<')).map((w) => w.slice(1));
    if (both.length > 0) mailbox.workflows = both;
    if (sends.length > 0) mailbox.sends = sends;
    if (receives.length > 0) mailbox.receives = receives;
  }
  return mailbox;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new CliUsageError(`cannot read ${what} file ${path}`);
  }
}

/** Turns command-line arguments into server options; `help` when --help was given. */
export function parseCliArgs(argv: readonly string[]): FakeMeshOptions | 'help' {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        mailbox: { type: 'string', multiple: true },
        'shared-key': { type: 'string' },
        'page-size': { type: 'string' },
        'storage-dir': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-ca': { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : 'invalid arguments');
  }
  if (values.help) return 'help';
  const str = (k: string) => values[k] as string | undefined;
  let options: FakeMeshOptions = {};
  const config = str('config');
  if (config) {
    try {
      options = JSON.parse(readText(config, 'config')) as FakeMeshOptions;
    } catch (error) {
      if (error instanceof CliUsageError) throw error;
      throw new CliUsageError(`config file ${config} is not valid JSON`);
    }
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new CliUsageError(`config file ${config} must hold a JSON object`);
    }
    // JSON has no dates: a start time arrives as an ISO string.
    const now: unknown = options.now;
    if (now !== undefined) {
      const date = typeof now === 'string' ? new Date(now) : undefined;
      if (!date || Number.isNaN(date.getTime()))
        throw new CliUsageError('config "now" must be an ISO 8601 date');
      options.now = date;
    }
  }
  const port = integer('port', str('port'));
  if (port !== undefined) {
    if (port > 65535) throw new CliUsageError('--port must be at most 65535');
    options.port = port;
  }
  if (str('host')) options.host = str('host');
  const mailboxes = values.mailbox as string[] | undefined;
  if (mailboxes?.length) options.mailboxes = mailboxes.map(parseMailboxSpec);
  if (str('shared-key')) options.sharedKey = str('shared-key');
  const pageSize = integer('page-size', str('page-size'));
  if (pageSize !== undefined) options.defaultPageSize = pageSize;
  if (str('storage-dir')) options.storageDirectory = str('storage-dir');
  const cert = str('tls-cert');
  const key = str('tls-key');
  if ((cert === undefined) !== (key === undefined)) {
    throw new CliUsageError('--tls-cert and --tls-key go together');
  }
  if (cert && key) {
    const ca = str('tls-ca');
    options.tls = {
      cert: readText(cert, 'certificate'),
      key: readText(key, 'key'),
      ...(ca ? { ca: readText(ca, 'CA') } : {}),
    };
  } else if (str('tls-ca')) {
    throw new CliUsageError('--tls-ca needs --tls-cert and --tls-key');
  }
  return options;
}
