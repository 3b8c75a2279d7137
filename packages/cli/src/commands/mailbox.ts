import { randomUUID, X509Certificate } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isMeshError, MeshClient, type MeshClientOptions, type MeshTrackingInfo } from '@gpes/mesh-client';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type ConnectionFlags, type MeshConfig, resolveMeshConfig } from '../config.js';
import { type CommandContext, contextOf } from '../context.js';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';
import { formatBytes, table } from '../output.js';
import { createProgress } from '../progress.js';

const DAY_MS = 86_400_000;
/** A client certificate closer to expiry than this is reported as a warning. */
const CERT_WARNING_DAYS = 30;
/** A clock further from the server's than this is reported as a warning. */
const SKEW_WARNING_SECONDS = 60;

async function withClient<T>(
  io: CliIo,
  command: Command,
  action: (client: MeshClient, config: MeshConfig, ctx: CommandContext) => Promise<T>,
): Promise<T> {
  const ctx = contextOf(io, command);
  const config = resolveMeshConfig(command.optsWithGlobals<ConnectionFlags>(), io.env, io.cwd);
  const client = new MeshClient(config.options);
  try {
    return await action(client, config, ctx);
  } finally {
    await client.close();
  }
}

/** The signal of the run, for operations Ctrl-C should cancel. */
const signalOf = (io: CliIo) => (io.signal ? { signal: io.signal } : {});

function integerOption(min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    return n;
  };
}

/** The server's clock against ours, from the Date header of `GET /_ping` (1 s resolution). */
async function measureSkew(options: MeshClientOptions): Promise<number> {
  const url = new URL('/_ping', options.baseUrl);
  const before = Date.now();
  const date = await new Promise<string | undefined>((done, fail) => {
    const tls = options.tls;
    const req =
      url.protocol === 'https:'
        ? httpsRequest(url, {
            method: 'GET',
            ...(tls?.cert !== undefined && { cert: tls.cert }),
            ...(tls?.key !== undefined && { key: tls.key }),
            ...(tls?.passphrase !== undefined && { passphrase: tls.passphrase }),
            ...(tls?.ca !== undefined && { ca: tls.ca }),
          })
        : httpRequest(url, { method: 'GET' });
    req.setTimeout(10_000, () => req.destroy(new Error('timed out')));
    req.on('response', (res) => {
      res.resume();
      done(res.headers.date);
    });
    req.on('error', fail);
    req.end();
  });
  const after = Date.now();
  if (!date) throw new Error('no Date header');
  const server = Date.parse(date);
  if (Number.isNaN(server)) throw new Error('unreadable Date header');
  // The header is truncated to the second: compare with the middle of the exchange, rounded.
  return Math.round((server + 500 - (before + after) / 2) / 1000);
}

function certificateOf(options: MeshClientOptions) {
  const pem = options.tls?.cert;
  if (pem === undefined) return undefined;
  const cert = new X509Certificate(pem);
  const validTo = new Date(cert.validTo);
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
  return {
    subject: cn ?? cert.subject.replace(/\n/g, ', '),
    validTo: validTo.toISOString(),
    daysLeft: Math.floor((validTo.getTime() - Date.now()) / DAY_MS),
  };
}

const countPem = (pem: string | Buffer | readonly (string | Buffer)[] | undefined): number =>
  pem === undefined
    ? 0
    : Array.isArray(pem)
      ? pem.reduce((n: number, p) => n + countPem(p), 0)
      : (String(pem).match(/-----BEGIN CERTIFICATE-----/g) ?? []).length;

/** Removes user:password from a proxy URL before showing it. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '[not a URL]';
  }
}

function meshFailure(error: unknown, what: string): never {
  if (!isMeshError(error)) throw error;
  if (error.code === 'INVALID_ARGUMENT') throw new CliError('USAGE', error.message, { cause: error });
  const hints: Record<string, string> = {
    UNAUTHORIZED:
      'Check the mailbox id, password and shared key of this environment, the client certificate, and the clock (`gpes mailbox check`).',
    MAILBOX_NOT_FOUND: 'Check MESH_MAILBOX_ID (or --mailbox): MESH does not know this mailbox.',
    MESSAGE_NOT_FOUND: 'No such message in this mailbox (already acknowledged, expired, or not yours).',
    MESSAGE_GONE: 'The message expired or was undeliverable: there is nothing to download.',
    SEND_REJECTED:
      'MESH refused the message (code 12: unregistered recipient; 17: workflow not registered for the sender or recipient). Check with `gpes mailbox lookup` / `gpes mailbox search`.',
    NETWORK: 'Check the URL, the proxy (MESH_PROXY) and the network; the request can be repeated.',
    TIMEOUT: 'MESH did not answer in time; the request can be repeated.',
    THROTTLED: 'MESH asks to slow down; wait and try again.',
  };
  const hint = hints[error.code];
  throw new CliError('MESH_FAILED', `${what}: ${error.message}`, {
    cause: error,
    ...(hint && { hints: [hint] }),
    details: {
      meshCode: error.code,
      ...(error.status !== undefined && { status: error.status }),
      ...(error.meshErrorCode !== undefined && { meshErrorCode: error.meshErrorCode }),
      ...(error.messageId !== undefined && { messageId: error.messageId }),
    },
  });
}

async function check(io: CliIo, command: Command): Promise<void> {
  await withClient(io, command, async (client, config, { out }) => {
    const o = config.options;
    const warnings: string[] = [];
    const failures: string[] = [];
    let certificate: ReturnType<typeof certificateOf>;
    try {
      certificate = certificateOf(o);
    } catch {
      failures.push('the client certificate cannot be read as an X.509 certificate');
    }
    if (certificate && certificate.daysLeft < 0) failures.push('the client certificate has expired');
    else if (certificate && certificate.daysLeft < CERT_WARNING_DAYS)
      warnings.push(`the client certificate expires in ${certificate.daysLeft} day(s)`);

    let skew: number | undefined;
    let skewNote: string | undefined;
    if (o.proxy !== undefined) skewNote = 'not measured through a proxy';
    else {
      try {
        skew = await measureSkew(o);
        if (Math.abs(skew) > SKEW_WARNING_SECONDS)
          warnings.push(
            `this computer's clock is ${Math.abs(skew)} s ${skew > 0 ? 'behind' : 'ahead of'} MESH's`,
          );
      } catch (error) {
        skewNote = `not measured (${error instanceof Error ? error.message : 'error'})`;
      }
    }

    let handshake: { ok: true; ms: number } | { ok: false; code: string; message: string };
    let handshakeError: unknown;
    const started = Date.now();
    try {
      await client.handshake(signalOf(io));
      handshake = { ok: true, ms: Date.now() - started };
    } catch (error) {
      if (!isMeshError(error)) throw error;
      handshakeError = error;
      handshake = { ok: false, code: error.code, message: error.message };
    }

    const ca =
      o.tls?.ca === undefined
        ? 'system (Node.js default)'
        : `${countPem(o.tls.ca)} certificate(s) from ${config.sources.MESH_CA_CERT ?? 'configuration'}`;
    const proxy = o.proxy === undefined ? 'none' : safeUrl(o.proxy);
    out.result({
      ok: handshake.ok && failures.length === 0,
      mailboxId: o.mailboxId.toUpperCase(),
      url: o.baseUrl,
      configFile: config.configFile ?? null,
      handshake,
      clockSkewSeconds: skew ?? null,
      certificate: certificate ?? null,
      ca,
      proxy,
      warnings,
      failures,
    });
    const ok = (text: string) => out.style('green', text);
    const bad = (text: string) => out.style('red', text);
    const rows: [string, string][] = [
      ['mailbox', `${o.mailboxId.toUpperCase()} at ${o.baseUrl}`],
      ['config', config.configFile ?? 'flags and environment'],
      [
        'handshake',
        handshake.ok
          ? ok(`ok (${handshake.ms} ms)`)
          : bad(`FAILED: ${handshake.message} [${handshake.code}]`),
      ],
      [
        'clock',
        skew === undefined
          ? (skewNote ?? 'not measured')
          : skew === 0
            ? 'in step with MESH (±1 s)'
            : `${Math.abs(skew)} s ${skew > 0 ? 'behind' : 'ahead of'} MESH (±1 s)`,
      ],
      [
        'certificate',
        certificate === undefined
          ? 'none (no client certificate configured)'
          : `${certificate.subject}, expires ${certificate.validTo.slice(0, 10)} (${certificate.daysLeft < 0 ? bad('expired') : `in ${certificate.daysLeft} days`})`,
      ],
      ['CA', ca],
      ['proxy', proxy],
    ];
    for (const [k, v] of rows) out.line(`${k.padEnd(12)} ${v}`);
    for (const w of warnings) out.warn(w);
    if (!handshake.ok) meshFailure(handshakeError, 'handshake failed');
    if (failures.length > 0)
      throw new CliError('CHECK_FAILED', 'mailbox check failed', { problems: failures });
  });
}

async function inbox(
  io: CliIo,
  command: Command,
  opts: { workflow?: string; limit: number; details?: boolean },
) {
  await withClient(io, command, async (client, _config, { out }) => {
    const ids: string[] = [];
    let more = false;
    try {
      for await (const id of client.listMessages({
        ...(opts.workflow !== undefined && { workflowFilter: opts.workflow }),
        ...signalOf(io),
      })) {
        if (ids.length >= opts.limit) {
          more = true;
          break;
        }
        ids.push(id);
      }
    } catch (error) {
      meshFailure(error, 'cannot list the inbox');
    }
    const rows: Record<string, unknown>[] = [];
    for (const id of ids) {
      if (!opts.details) {
        rows.push({ messageId: id });
        continue;
      }
      try {
        const m = await client.getMessageMetadata(id, signalOf(io));
        rows.push({
          messageId: id,
          messageType: m.messageType,
          workflowId: m.workflowId ?? '',
          from: m.from ?? '',
          fileName: m.fileName ?? '',
          chunks: m.totalChunks,
        });
      } catch (error) {
        meshFailure(error, `cannot read message ${id}`);
      }
    }
    out.result({ count: ids.length, more, messages: rows });
    if (ids.length === 0) {
      out.line(`inbox empty${opts.workflow ? ` (workflow ${opts.workflow})` : ''}`);
      return;
    }
    const header = opts.details
      ? ['#', 'message id', 'type', 'workflow', 'from', 'file name', 'chunks']
      : ['#', 'message id'];
    out.line(
      table(
        header,
        rows.map((r, i) =>
          opts.details
            ? [
                String(i + 1),
                ...['messageId', 'messageType', 'workflowId', 'from', 'fileName', 'chunks'].map((k) =>
                  String(r[k]),
                ),
              ]
            : [String(i + 1), String(r.messageId)],
        ),
        opts.details ? [0, 6] : [0],
      ),
    );
    out.line(
      `${ids.length}${more ? '+' : ''} message(s) waiting${opts.workflow ? ` (workflow ${opts.workflow})` : ''}`,
    );
  });
}

interface SendOptions {
  to?: string;
  workflow: string;
  subject?: string;
  localId?: string;
  fileName?: string;
  contentType?: string;
  compress?: boolean;
  chunkSize?: number;
}

function trackCommandFor(localId: string, closedAt?: Date) {
  return `gpes mailbox track --local-id ${localId}${closedAt ? ` --closed-at ${closedAt.toISOString()}` : ''}`;
}

async function send(io: CliIo, command: Command, file: string, opts: SendOptions) {
  await withClient(io, command, async (client, config, { out }) => {
    const path = resolve(io.cwd, file);
    let size: number;
    try {
      const s = await stat(path);
      if (!s.isFile()) throw new Error('not a file');
      size = s.size;
    } catch {
      throw new CliError('INPUT_INVALID', `cannot read ${file}`);
    }
    const to = opts.to ?? config.gpesMailboxId;
    if (to === undefined) {
      throw new CliError(
        'USAGE',
        'no recipient: give --to, or set GPES_MAILBOX_ID (or gpesMailboxId in the config file)',
      );
    }
    // Chosen here, not by the client, so that it is known (and shown) before anything is sent.
    const localId = opts.localId ?? randomUUID();
    out.info(
      `sending ${basename(path)} (${formatBytes(size)}) to ${to.toUpperCase()}, workflow ${opts.workflow}, local id ${localId}`,
    );
    const progress = createProgress(out, { label: `sending ${basename(path)}`, total: size, unit: 'bytes' });
    let result: Awaited<ReturnType<MeshClient['sendMessage']>>;
    try {
      result = await client.sendMessage({
        to,
        workflowId: opts.workflow,
        body: { path },
        localId,
        ...(opts.subject !== undefined && { subject: opts.subject }),
        fileName: opts.fileName ?? basename(path),
        ...(opts.contentType !== undefined && { contentType: opts.contentType }),
        ...(opts.compress !== undefined && { compress: opts.compress }),
        ...(opts.chunkSize !== undefined && { chunkSizeBytes: opts.chunkSize * 1024 * 1024 }),
        onUploadProgress: (p) => progress.update(p.transferredBytes, p.totalBytes),
        ...signalOf(io),
      });
    } catch (error) {
      progress.stop();
      if (io.signal?.aborted) {
        throw new CliError('INTERRUPTED', 'the send was interrupted', {
          hints: [
            `MESH may hold the message or an incomplete upload of it (an incomplete upload is never delivered).`,
            `Before sending again, find out: ${trackCommandFor(localId)}`,
          ],
          details: { localId },
        });
      }
      if (isMeshError(error) && error.code === 'SEND_OUTCOME_UNKNOWN') {
        throw new CliError(
          'SEND_OUTCOME_UNKNOWN',
          'the outcome of the send is unknown: MESH may or may not have accepted the message',
          {
            cause: error,
            hints: [
              'Do NOT send it again blindly: a second send could deliver the message twice.',
              `Reconcile first: ${trackCommandFor(localId, error.attemptClosedAt)}`,
              'It says whether MESH holds the message (do not resend) or not (safe to send again with the same local id).',
            ],
            details: {
              localId,
              ...(error.attemptClosedAt && { attemptClosedAt: error.attemptClosedAt.toISOString() }),
            },
          },
        );
      }
      meshFailure(error, 'send failed');
    }
    progress.stop();
    out.result({ ok: true, ...result });
    out.line(
      `sent ${out.style('bold', result.messageId)} (local id ${result.localId}, ${result.totalChunks} chunk(s), ${formatBytes(result.totalBytes)})`,
    );
    out.info(`track it with: gpes mailbox track ${result.messageId}`);
  });
}

async function get(io: CliIo, command: Command, id: string, opts: { output?: string; ack?: boolean }) {
  await withClient(io, command, async (client, _config, { out }) => {
    if (out.json && opts.output === undefined) {
      throw new CliError('USAGE', '--json needs --output FILE (the body cannot share stdout with the JSON)');
    }
    let progress: ReturnType<typeof createProgress> | undefined;
    try {
      const m = await client.retrieveMessage(id, {
        onDownloadProgress: (p) => progress?.update(p.transferredBytes, p.totalBytes),
        ...signalOf(io),
      });
      const summary =
        m.messageType === 'REPORT'
          ? `REPORT about ${m.linkedMessageId ?? '?'}: ${m.statusDescription ?? ''} (code ${m.statusCode ?? '?'})`
          : `DATA from ${m.from ?? '?'}, workflow ${m.workflowId ?? '?'}, ${m.totalChunks} chunk(s)`;
      out.info(`message ${id}: ${summary}`);
      if (opts.output !== undefined) {
        progress = createProgress(out, { label: `receiving ${id}`, unit: 'bytes' });
        // Written beside the target and renamed when complete: a cut download never looks like a whole one.
        const target = resolve(io.cwd, opts.output);
        const part = `${target}.part`;
        try {
          await pipeline(m.body, createWriteStream(part), signalOf(io));
        } catch (error) {
          await rm(part, { force: true });
          throw error;
        }
        await rename(part, target);
      } else {
        await pipeline(m.body, io.stdout, { end: false, ...signalOf(io) });
      }
      progress?.stop();
      if (opts.ack) await client.acknowledgeMessage(id, signalOf(io));
      const { mexHeaders: _headers, body: _body, buffer: _buffer, ...meta } = m;
      out.result({ ok: true, ...meta, output: opts.output, acknowledged: opts.ack === true });
      if (opts.output !== undefined)
        out.line(`saved ${id} to ${opts.output}${opts.ack ? ' and acknowledged it' : ''}`);
      else if (opts.ack) out.info(`acknowledged ${id}`);
    } catch (error) {
      progress?.stop();
      if (io.signal?.aborted)
        throw new CliError('INTERRUPTED', 'the download was interrupted (nothing acknowledged)');
      meshFailure(error, `cannot download ${id}`);
    }
  });
}

function trackingRows(info: MeshTrackingInfo): [string, string][] {
  const d = (v: Date | undefined) => v?.toISOString();
  const rows: [string, string | undefined][] = [
    ['message id', info.messageId],
    ['status', info.status],
    ['status code', info.statusCode],
    ['status event', info.statusEvent],
    ['description', info.statusDescription],
    [
      'recipient',
      info.recipient && `${info.recipient}${info.recipientName ? ` (${info.recipientName})` : ''}`,
    ],
    ['workflow', info.workflowId],
    ['file name', info.fileName],
    ['local id', info.localId],
    ['uploaded', d(info.uploadTimestamp)],
    ['status at', d(info.statusTimestamp)],
    ['expires', d(info.expiryTime)],
  ];
  return rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
}

async function track(
  io: CliIo,
  command: Command,
  id: string | undefined,
  opts: { localId?: string; closedAt?: Date },
) {
  if ((id === undefined) === (opts.localId === undefined)) {
    throw new CliError('USAGE', 'give a message id, or --local-id to reconcile a send');
  }
  await withClient(io, command, async (client, _config, { out }) => {
    if (id !== undefined) {
      let info: MeshTrackingInfo;
      try {
        info = await client.trackMessage({ messageId: id }, signalOf(io));
      } catch (error) {
        meshFailure(error, `cannot track ${id}`);
      }
      out.result(info);
      const colour =
        info.status === 'acknowledged' || info.status === 'accepted'
          ? 'green'
          : info.status === 'uploading' || info.status === 'unknown'
            ? 'yellow'
            : 'red';
      for (const [k, v] of trackingRows(info))
        out.line(`${k.padEnd(12)} ${k === 'status' ? out.style(colour, v) : v}`);
      return;
    }
    const localId = opts.localId as string;
    out.info(`reconciling local id ${localId} (may wait for MESH to settle after an interrupted send)`);
    let found: Awaited<ReturnType<MeshClient['reconcileSend']>>;
    try {
      found = await client.reconcileSend(localId, {
        ...(opts.closedAt && { attemptClosedAt: opts.closedAt }),
        ...signalOf(io),
      });
    } catch (error) {
      if (io.signal?.aborted) throw new CliError('INTERRUPTED', 'reconciliation interrupted');
      meshFailure(error, `cannot reconcile ${localId}`);
    }
    out.result({ localId, found: found ?? null, safeToResend: found === undefined || !found.complete });
    if (found?.complete) {
      out.line(
        `MESH holds message ${out.style('bold', found.messageId)} for local id ${localId} (status ${found.status}): do not send it again`,
      );
      return;
    }
    if (found) {
      out.line(
        `MESH holds only an incomplete upload ${found.messageId} for local id ${localId}: it will never be delivered; send again with a new local id`,
      );
    } else {
      out.line(`MESH holds no message with local id ${localId}: safe to send again, with the same local id`);
    }
    throw new CliError('CHECK_FAILED', 'no complete message for this local id', { details: { localId } });
  });
}

async function lookup(
  io: CliIo,
  command: Command,
  run: (client: MeshClient) => Promise<{ mailboxId: string; mailboxName?: string }[]>,
  what: string,
) {
  await withClient(io, command, async (client, _config, { out }) => {
    let matches: { mailboxId: string; mailboxName?: string }[];
    try {
      matches = await run(client);
    } catch (error) {
      meshFailure(error, `${what} failed`);
    }
    out.result({ count: matches.length, mailboxes: matches });
    if (matches.length === 0) {
      out.line('no mailbox found');
      return;
    }
    out.line(
      table(
        ['mailbox', 'name'],
        matches.map((m) => [m.mailboxId, m.mailboxName ?? '']),
      ),
    );
  });
}

const CONNECTION_HELP = `
Configuration (flags win over environment variables, which win over the config file):
  MESH_URL, MESH_MAILBOX_ID, MESH_PASSWORD or MESH_PASSWORD_FILE, MESH_SHARED_KEY or MESH_SHARED_KEY_FILE,
  MESH_CLIENT_CERT, MESH_CLIENT_KEY, MESH_CLIENT_KEY_PASSPHRASE(_FILE), MESH_CA_CERT, MESH_PROXY,
  GPES_MAILBOX_ID (default recipient of send), GPES_CONFIG_FILE (the extraction service's JSON config file).
  Secrets are read only from the environment or from files, and never printed.`;

/** `gpes mailbox …`: the MESH commands. */
export function mailboxCommand(program: Command, io: CliIo): void {
  const mailbox = program
    .command('mailbox')
    .description('work with a MESH mailbox: check, inbox, send, get, ack, track, lookup, search')
    .option('--config <file>', 'the extraction service config file (JSON; default $GPES_CONFIG_FILE)')
    .option('--url <url>', 'MESH base URL (default $MESH_URL)')
    .option('--mailbox <id>', 'your mailbox id (default $MESH_MAILBOX_ID)')
    .option('--password-file <file>', 'file holding the mailbox password (default $MESH_PASSWORD[_FILE])')
    .option('--shared-key-file <file>', 'file holding the shared key (default $MESH_SHARED_KEY[_FILE])')
    .option('--client-cert <file>', 'client certificate, PEM (default $MESH_CLIENT_CERT)')
    .option('--client-key <file>', 'client private key, PEM (default $MESH_CLIENT_KEY)')
    .option('--ca-cert <file>', 'CA bundle, PEM (default $MESH_CA_CERT)')
    .option('--proxy <url>', 'HTTP(S) proxy (default $MESH_PROXY)')
    .addHelpText('after', CONNECTION_HELP);

  mailbox
    .command('check')
    .description('handshake, certificate expiry, clock skew against MESH, CA and proxy in use')
    .action(async (_opts, cmd: Command) => check(io, cmd));

  mailbox
    .command('inbox')
    .description('list the messages waiting in the inbox, and count them')
    .option('--workflow <filter>', 'workflow filter: WF, !WF, WF*, *X* …')
    .option('--limit <n>', 'list at most n messages', integerOption(1, 100_000), 500)
    .option('--details', 'show type, workflow, sender and file name of each (a HEAD request per message)')
    .action(async (opts, cmd: Command) => inbox(io, cmd, opts));

  mailbox
    .command('send')
    .description('send a file, in chunks, with progress')
    .argument('<file>', 'the file to send')
    .option(
      '--to <mailbox>',
      'recipient mailbox (default $GPES_MAILBOX_ID or gpesMailboxId in the config file)',
    )
    .requiredOption('--workflow <id>', 'MESH workflow id, e.g. GPDC_QUERY_RESULTS')
    .option('--subject <text>', 'mex-Subject')
    .option('--local-id <id>', 'mex-LocalID (default: a new UUID, printed before sending)')
    .option('--file-name <name>', 'mex-FileName (default: the file’s name)')
    .option('--content-type <type>', 'mex-Content-Type')
    .option('--compress', 'gzip each chunk in transit')
    .option('--chunk-size <MiB>', 'chunk size in MiB, 5 to 95 (default 19)', integerOption(5, 95))
    .action(async (file: string, opts: SendOptions, cmd: Command) => send(io, cmd, file, opts));

  mailbox
    .command('get')
    .description('download a message to a file or to stdout')
    .argument('<message-id>')
    .option('-o, --output <file>', 'write the body to this file (default: stdout)')
    .option('--ack', 'acknowledge the message once its body is written')
    .action(async (id: string, opts, cmd: Command) => get(io, cmd, id, opts));

  mailbox
    .command('ack')
    .description('acknowledge a message (removes it from the inbox)')
    .argument('<message-id>')
    .action(async (id: string, _opts, cmd: Command) =>
      withClient(io, cmd, async (client, _config, { out }) => {
        try {
          await client.acknowledgeMessage(id, signalOf(io));
        } catch (error) {
          meshFailure(error, `cannot acknowledge ${id}`);
        }
        out.result({ ok: true, messageId: id, acknowledged: true });
        out.line(`acknowledged ${id}`);
      }),
    );

  mailbox
    .command('track')
    .description('track a message you sent; with --local-id, reconcile a send whose outcome is unknown')
    .argument('[message-id]')
    .option('--local-id <id>', 'reconcile by local id: does MESH hold this send? (exit 1 when not)')
    .addOption(
      new Option('--closed-at <time>', 'when the failed send ended (ISO 8601, printed by send)').argParser(
        (v) => {
          const d = new Date(v);
          if (Number.isNaN(d.getTime())) throw new InvalidArgumentError('must be an ISO 8601 time');
          return d;
        },
      ),
    )
    .action(async (id: string | undefined, opts, cmd: Command) => track(io, cmd, id, opts));

  mailbox
    .command('lookup')
    .description('find the mailboxes of an ODS code for a workflow')
    .argument('<ods-code>')
    .argument('<workflow-id>')
    .action(async (ods: string, workflow: string, _opts, cmd: Command) =>
      lookup(io, cmd, (c) => c.lookupEndpoint(ods, workflow, signalOf(io)), 'endpoint lookup'),
    );

  mailbox
    .command('search')
    .description('find the mailboxes registered to receive a workflow')
    .argument('<workflow-id>')
    .action(async (workflow: string, _opts, cmd: Command) =>
      lookup(io, cmd, (c) => c.searchWorkflow(workflow, signalOf(io)), 'workflow search'),
    );
}
