import { MeshError, type MeshOptionIssue } from './errors.js';
import { hasControlCharacters } from './headers.js';
import { HOOK_NAMES, type MeshClientHooks } from './hooks.js';
import type { MeshLogger, MeshLogLevel } from './logger.js';

/** Mutual TLS material. Certificate verification is always on; there is deliberately no option to disable it. */
export interface MeshTlsOptions {
  /** Client certificate chain (PEM) issued for your MESH endpoint. */
  cert?: string | Buffer;
  /** Private key (PEM) of the client certificate. */
  key?: string | Buffer;
  /** Passphrase of `key`, if encrypted. */
  passphrase?: string;
  /** CA bundle (PEM) to trust for the MESH server, e.g. the NHS INT/DEP/LIVE bundle. @default Node's trusted roots */
  ca?: string | Buffer | Array<string | Buffer>;
  /** TLS server name, if it differs from the URL's host. */
  servername?: string;
}

/** Retry policy for retryable operations (GETs, acknowledgements, chunks 2..N). */
export interface MeshRetryOptions {
  /** Retries after the first attempt. @default 3 */
  limit?: number;
  /** Base of the exponential backoff. @default 500 */
  delayMs?: number;
  /** Upper bound of one backoff delay (Retry-After may ask for longer, within `totalTimeoutMs`). @default 10000 */
  backoffLimitMs?: number;
  /** Full jitter: each delay is uniform in [0, backoff]. @default true */
  jitter?: boolean;
}

/** A fetch-compatible function, for tests or instrumentation. */
export type MeshFetch = (url: string, init: RequestInit & { duplex?: 'half' }) => Promise<Response>;

/** Options of {@link MeshClient}; fixed at construction (use `withOptions` for a variant). */
export interface MeshClientOptions {
  /** Base URL of the MESH environment, e.g. `https://msg.intspineservices.nhs.uk` (see `MESH_ENVIRONMENTS`). */
  baseUrl: string;
  /** Your mailbox id; upper-cased for paths and tokens. */
  mailboxId: string;
  /** Mailbox password. Never logged. */
  mailboxPassword: string;
  /** The environment's shared secret (HMAC key). Never logged. */
  sharedKey: string;
  /** Client certificate, key and CA for mutual TLS. */
  tls?: MeshTlsOptions;
  /** HTTP(S) proxy URL (`http://proxy:3128`); TLS to MESH is tunnelled through it with the same `tls` material. */
  proxy?: string;
  /** Per-attempt timeout (for streamed downloads: maximum idle time between body reads). @default 120000 */
  timeoutMs?: number;
  /** Bound on one request and all its retries. @default 600000 */
  totalTimeoutMs?: number;
  /**
   * How long after an uncertain send attempt was torn down `reconcileSend` waits before it may answer "not sent"
   * (MESH may still be storing a request it received in full). @default 60000
   */
  reconcileGraceMs?: number;
  /** Retry policy. @default { limit: 3, delayMs: 500, backoffLimitMs: 10000, jitter: true } */
  retry?: MeshRetryOptions;
  /** Uncompressed bytes per chunk when sending. Between 5 MiB and 95 MiB. @default 19922944 (19 MiB) */
  chunkSizeBytes?: number;
  /** gzip each chunk on its own (`Content-Encoding: gzip`) when sending. @default false */
  compress?: boolean;
  /** Application name prefixed to `mex-ClientVersion`, e.g. `my-gp-system;1.2.3`. */
  applicationName?: string;
  /** pino-compatible logger. @default none (silent) */
  logger?: MeshLogger;
  /** @default 'info' when a logger is given, else 'none' */
  logLevel?: MeshLogLevel;
  /** Directory for spooling sources of unknown length before a chunked send. @default os.tmpdir() */
  spoolDirectory?: string;
  /** Replaces the HTTP transport (tests). TLS and proxy options are then ignored. */
  fetch?: MeshFetch;
  /**
   * Observers of each HTTP attempt, response and retry (method, route template, status, timing, attempt, byte
   * counts; never secrets or payloads), e.g. for metrics. See {@link MeshClientHooks}. @default {}
   */
  hooks?: MeshClientHooks;
  /**
   * Allow a plain `http:` `baseUrl` to a host that is not loopback. Without it, `http:` is accepted only for
   * 127.0.0.0/8, `::1` and `localhost` (the fake server, a local TLS-terminating proxy). Credentials and
   * payloads would cross the network unencrypted: use only inside a network you trust. @default false
   */
  allowInsecureHttp?: boolean;
}

/** Options every operation accepts. */
export interface OperationOptions {
  /** Aborts the operation; the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Overrides the client's per-attempt timeout for this call. */
  timeoutMs?: number;
}

/** Base URLs of the MESH environments (mesh-api.md §1.1). */
export const MESH_ENVIRONMENTS = {
  /** Path to Live integration, over the internet. */
  integration: 'https://msg.intspineservices.nhs.uk',
  /** Path to Live deployment, over the internet. */
  deployment: 'https://msg.depspineservices.nhs.uk',
  /** Live. */
  production: 'https://mesh-sync.spineservices.nhs.uk',
} as const;

const MiB = 1024 * 1024;
/** Limits on chunk sizes (mesh-api.md §6). */
export const CHUNK_LIMITS = {
  /** Non-final chunks should be at least 5 MB. */
  minBytes: 5 * MiB,
  /** Each request must stay under 100 MB after compression; 95 MiB leaves room for gzip overhead. */
  maxBytes: 95 * MiB,
  defaultBytes: 19 * MiB,
  /** The interoperable ceiling on a whole chunked message (20 GB). */
  maxMessageBytes: 20_000_000_000,
} as const;

/** @internal Options with defaults applied and validated. */
export interface ResolvedOptions {
  baseUrl: string;
  mailboxId: string;
  mailboxPassword: string;
  sharedKey: string;
  tls: MeshTlsOptions | undefined;
  proxy: string | undefined;
  timeoutMs: number;
  totalTimeoutMs: number;
  reconcileGraceMs: number;
  retry: Required<MeshRetryOptions>;
  chunkSizeBytes: number;
  compress: boolean;
  applicationName: string | undefined;
  logger: MeshLogger | undefined;
  logLevel: MeshLogLevel;
  spoolDirectory: string | undefined;
  fetch: MeshFetch | undefined;
  hooks: MeshClientHooks;
}

/** @internal True for hosts that never leave the machine: 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  const octets = host.split('.');
  return (
    octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)
  );
}

/**
 * @internal The names of every key of `T`, checked at compile time: a key added to the interface but not to the
 * list is a type error (so that a new option is never rejected as unknown).
 */
export function keysOf<T>() {
  return <const K extends readonly (keyof T)[]>(
    keys: K &
      ([Exclude<keyof T, K[number]>] extends [never] ? unknown : { missing: Exclude<keyof T, K[number]> }),
  ): readonly string[] => keys as readonly string[];
}

const OPTION_KEYS: Record<string, readonly string[]> = {
  '': keysOf<MeshClientOptions>()([
    'baseUrl',
    'mailboxId',
    'mailboxPassword',
    'sharedKey',
    'tls',
    'proxy',
    'timeoutMs',
    'totalTimeoutMs',
    'reconcileGraceMs',
    'retry',
    'chunkSizeBytes',
    'compress',
    'applicationName',
    'logger',
    'logLevel',
    'spoolDirectory',
    'fetch',
    'hooks',
    'allowInsecureHttp',
  ]),
  tls: keysOf<MeshTlsOptions>()(['cert', 'key', 'passphrase', 'ca', 'servername']),
  retry: keysOf<MeshRetryOptions>()(['limit', 'delayMs', 'backoffLimitMs', 'jitter']),
  hooks: HOOK_NAMES,
};

/** Edit distance, for "did you mean" suggestions (names are short). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}

/** @internal The closest known name, if one is close enough to be a likely typo. */
export function suggestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const score = distance(name.toLowerCase(), candidate.toLowerCase());
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** @internal Collects option problems so that all are reported at once. */
export class OptionIssues {
  readonly list: MeshOptionIssue[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
  /** Reports every key of `value` not in `known` (or, by default, the client's option names of `section`). */
  unknownKeys(value: object, section: string, known: readonly string[] = OPTION_KEYS[section] ?? []): void {
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const path = section === '' ? key : `${section}.${key}`;
      const suggestion = suggestName(key, known);
      this.add(
        path,
        `unknown option${suggestion ? ` (did you mean ${section === '' ? '' : `${section}.`}${suggestion}?)` : ''}`,
      );
    }
  }
}

/** @internal An optional integer option >= `min`, or `fallback` when absent. */
export function integer(
  issues: OptionIssues,
  path: string,
  value: unknown,
  fallback: number,
  min = 1,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    issues.add(path, `must be an integer >= ${min}`);
    return fallback;
  }
  return value;
}

function requiredString(issues: OptionIssues, path: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    issues.add(path, 'is required and must be a non-empty string');
    return '';
  }
  return value;
}

function optionalString(issues: OptionIssues, path: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    issues.add(path, 'must be a string');
    return undefined;
  }
  return value;
}

function isPem(value: unknown): boolean {
  return typeof value === 'string' || Buffer.isBuffer(value);
}

function checkTls(issues: OptionIssues, tls: unknown): MeshTlsOptions | undefined {
  if (tls === undefined) return undefined;
  if (typeof tls !== 'object' || tls === null || Array.isArray(tls)) {
    issues.add('tls', 'must be an object');
    return undefined;
  }
  issues.unknownKeys(tls, 'tls');
  const t = tls as MeshTlsOptions;
  if ((t.cert === undefined) !== (t.key === undefined)) {
    issues.add(t.cert === undefined ? 'tls.cert' : 'tls.key', 'tls.cert and tls.key must be given together');
  }
  for (const key of ['cert', 'key'] as const) {
    if (t[key] !== undefined && !isPem(t[key])) issues.add(`tls.${key}`, 'must be a string or Buffer (PEM)');
  }
  if (t.ca !== undefined && !(isPem(t.ca) || (Array.isArray(t.ca) && t.ca.every(isPem)))) {
    issues.add('tls.ca', 'must be a string, a Buffer or an array of them (PEM)');
  }
  optionalString(issues, 'tls.passphrase', t.passphrase);
  optionalString(issues, 'tls.servername', t.servername);
  return t;
}

function checkHooks(issues: OptionIssues, hooks: unknown): MeshClientHooks | undefined {
  if (hooks === undefined) return undefined;
  if (typeof hooks !== 'object' || hooks === null || Array.isArray(hooks)) {
    issues.add('hooks', 'must be an object of hook lists');
    return undefined;
  }
  issues.unknownKeys(hooks, 'hooks');
  for (const name of HOOK_NAMES) {
    const list = (hooks as Record<string, unknown>)[name];
    if (list === undefined) continue;
    if (!Array.isArray(list)) issues.add(`hooks.${name}`, 'must be an array of functions');
    else
      list.forEach((fn, i) => {
        if (typeof fn !== 'function') issues.add(`hooks.${name}[${i}]`, 'must be a function');
      });
  }
  return hooks as MeshClientHooks;
}

/** @internal Validates every option and reports all problems at once. */
export function resolveOptions(options: MeshClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new MeshError('MeshClient options are required', {
      code: 'INVALID_ARGUMENT',
      issues: [{ path: '', message: 'options are required' }],
    });
  }
  const issues = new OptionIssues();
  issues.unknownKeys(options, '');
  const o = options as MeshClientOptions & Record<string, unknown>;

  const allowInsecureHttp = o.allowInsecureHttp ?? false;
  if (typeof allowInsecureHttp !== 'boolean') issues.add('allowInsecureHttp', 'must be a boolean');
  const baseUrl = requiredString(issues, 'baseUrl', o.baseUrl).replace(/\/+$/, '');
  if (baseUrl !== '') {
    let url: URL | undefined;
    try {
      url = new URL(baseUrl);
    } catch {
      issues.add('baseUrl', 'is not a valid URL');
    }
    if (url && url.protocol !== 'https:' && url.protocol !== 'http:') {
      issues.add('baseUrl', 'must be an https: URL');
    } else if (url?.protocol === 'http:' && !isLoopbackHost(url.hostname) && allowInsecureHttp !== true) {
      issues.add(
        'baseUrl',
        'must be https: (plain http is allowed only to a loopback host, or with allowInsecureHttp: true)',
      );
    }
  }
  const mailboxId = requiredString(issues, 'mailboxId', o.mailboxId).toUpperCase();
  if (mailboxId !== '' && !/^[A-Z0-9_-]{1,100}$/.test(mailboxId)) {
    issues.add('mailboxId', 'must contain only letters, digits, "-" or "_"');
  }
  const mailboxPassword = requiredString(issues, 'mailboxPassword', o.mailboxPassword);
  if (mailboxPassword.includes(':')) issues.add('mailboxPassword', 'must not contain ":"');
  const sharedKey = requiredString(issues, 'sharedKey', o.sharedKey);

  const chunkSizeBytes = integer(issues, 'chunkSizeBytes', o.chunkSizeBytes, CHUNK_LIMITS.defaultBytes);
  if (chunkSizeBytes < CHUNK_LIMITS.minBytes || chunkSizeBytes > CHUNK_LIMITS.maxBytes) {
    issues.add(
      'chunkSizeBytes',
      `must be between ${CHUNK_LIMITS.minBytes} and ${CHUNK_LIMITS.maxBytes} bytes`,
    );
  }
  let retry: MeshRetryOptions = {};
  if (o.retry !== undefined) {
    if (typeof o.retry !== 'object' || o.retry === null || Array.isArray(o.retry)) {
      issues.add('retry', 'must be an object');
    } else {
      issues.unknownKeys(o.retry, 'retry');
      retry = o.retry;
    }
  }
  if (retry.jitter !== undefined && typeof retry.jitter !== 'boolean') {
    issues.add('retry.jitter', 'must be a boolean');
  }
  const logLevel = o.logLevel ?? (o.logger ? 'info' : 'none');
  if (!['none', 'error', 'warn', 'info', 'debug'].includes(logLevel)) {
    issues.add('logLevel', 'must be one of none, error, warn, info, debug');
  }
  if (o.logger !== undefined) {
    const l = o.logger as unknown as Record<string, unknown> | null;
    if (
      typeof l !== 'object' ||
      l === null ||
      !['debug', 'info', 'warn', 'error'].every((m) => typeof l[m] === 'function')
    ) {
      issues.add('logger', 'must have debug, info, warn and error methods (pino-compatible)');
    }
  }
  const proxy = optionalString(issues, 'proxy', o.proxy);
  if (proxy !== undefined) {
    try {
      new URL(proxy);
    } catch {
      issues.add('proxy', 'is not a valid URL');
    }
  }
  const tls = checkTls(issues, o.tls);
  const hooks = checkHooks(issues, o.hooks);
  if (o.fetch !== undefined && typeof o.fetch !== 'function') issues.add('fetch', 'must be a function');
  const applicationName = optionalString(issues, 'applicationName', o.applicationName);
  if (applicationName !== undefined && hasControlCharacters(applicationName)) {
    issues.add('applicationName', 'must not contain control characters');
  }
  if (o.compress !== undefined && typeof o.compress !== 'boolean')
    issues.add('compress', 'must be a boolean');
  const spoolDirectory = optionalString(issues, 'spoolDirectory', o.spoolDirectory);
  const timeoutMs = integer(issues, 'timeoutMs', o.timeoutMs, 120_000);
  const totalTimeoutMs = integer(issues, 'totalTimeoutMs', o.totalTimeoutMs, 600_000);
  const reconcileGraceMs = integer(issues, 'reconcileGraceMs', o.reconcileGraceMs, 60_000, 0);
  const resolvedRetry = {
    limit: integer(issues, 'retry.limit', retry.limit, 3, 0),
    delayMs: integer(issues, 'retry.delayMs', retry.delayMs, 500, 0),
    backoffLimitMs: integer(issues, 'retry.backoffLimitMs', retry.backoffLimitMs, 10_000, 0),
    jitter: retry.jitter ?? true,
  };
  if (issues.list.length > 0) throw optionsError(issues.list);
  return {
    baseUrl,
    mailboxId,
    mailboxPassword,
    sharedKey,
    tls,
    proxy,
    timeoutMs,
    totalTimeoutMs,
    reconcileGraceMs,
    retry: resolvedRetry,
    chunkSizeBytes,
    compress: o.compress ?? false,
    applicationName,
    logger: o.logger,
    logLevel,
    spoolDirectory,
    fetch: o.fetch,
    hooks: hooks ?? {},
  };
}

/** @internal One INVALID_ARGUMENT error listing every problem, one per line, each with its path. */
export function optionsError(issues: readonly MeshOptionIssue[], subject = 'MeshClient options'): MeshError {
  const lines = issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n');
  return new MeshError(
    `Invalid ${subject} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines}`,
    { code: 'INVALID_ARGUMENT', issues: [...issues] },
  );
}
