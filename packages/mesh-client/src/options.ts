import { invalidArgument } from './errors.js';
import { hasControlCharacters } from './headers.js';
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
}

function positiveInt(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw invalidArgument(`Option ${name} must be an integer >= ${min}`);
  }
  return value;
}

function requiredString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalidArgument(`Option ${name} is required and must be a non-empty string`);
  }
  return value;
}

/** @internal */
export function resolveOptions(options: MeshClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('MeshClient options are required');
  const baseUrl = requiredString('baseUrl', options.baseUrl).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (cause) {
    throw invalidArgument('Option baseUrl is not a valid URL', cause);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidArgument('Option baseUrl must be an http: or https: URL');
  }
  const mailboxId = requiredString('mailboxId', options.mailboxId).toUpperCase();
  if (!/^[A-Z0-9_-]{1,100}$/.test(mailboxId)) {
    throw invalidArgument('Option mailboxId must contain only letters, digits, "-" or "_"');
  }
  const mailboxPassword = requiredString('mailboxPassword', options.mailboxPassword);
  const sharedKey = requiredString('sharedKey', options.sharedKey);
  if (mailboxPassword.includes(':')) throw invalidArgument('Option mailboxPassword must not contain ":"');
  const chunkSizeBytes = positiveInt('chunkSizeBytes', options.chunkSizeBytes, CHUNK_LIMITS.defaultBytes);
  if (chunkSizeBytes < CHUNK_LIMITS.minBytes || chunkSizeBytes > CHUNK_LIMITS.maxBytes) {
    throw invalidArgument(
      `Option chunkSizeBytes must be between ${CHUNK_LIMITS.minBytes} and ${CHUNK_LIMITS.maxBytes} bytes`,
    );
  }
  const retry = options.retry ?? {};
  const logLevel = options.logLevel ?? (options.logger ? 'info' : 'none');
  if (!['none', 'error', 'warn', 'info', 'debug'].includes(logLevel)) {
    throw invalidArgument('Option logLevel must be one of none, error, warn, info, debug');
  }
  if (options.proxy !== undefined) {
    try {
      new URL(options.proxy);
    } catch (cause) {
      throw invalidArgument('Option proxy is not a valid URL', cause);
    }
  }
  if (options.tls && typeof options.tls !== 'object') throw invalidArgument('Option tls must be an object');
  if (options.tls && (options.tls.cert === undefined) !== (options.tls.key === undefined)) {
    throw invalidArgument('Options tls.cert and tls.key must be given together');
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw invalidArgument('Option fetch must be a function');
  }
  if (options.applicationName !== undefined && hasControlCharacters(options.applicationName)) {
    throw invalidArgument('Option applicationName must not contain control characters');
  }
  return {
    baseUrl,
    mailboxId,
    mailboxPassword,
    sharedKey,
    tls: options.tls,
    proxy: options.proxy,
    timeoutMs: positiveInt('timeoutMs', options.timeoutMs, 120_000),
    totalTimeoutMs: positiveInt('totalTimeoutMs', options.totalTimeoutMs, 600_000),
    reconcileGraceMs: positiveInt('reconcileGraceMs', options.reconcileGraceMs, 60_000, 0),
    retry: {
      limit: positiveInt('retry.limit', retry.limit, 3, 0),
      delayMs: positiveInt('retry.delayMs', retry.delayMs, 500, 0),
      backoffLimitMs: positiveInt('retry.backoffLimitMs', retry.backoffLimitMs, 10_000, 0),
      jitter: retry.jitter ?? true,
    },
    chunkSizeBytes,
    compress: options.compress ?? false,
    applicationName: options.applicationName,
    logger: options.logger,
    logLevel,
    spoolDirectory: options.spoolDirectory,
    fetch: options.fetch,
  };
}
