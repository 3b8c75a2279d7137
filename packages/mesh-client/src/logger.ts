/** A pino-compatible logger: `logger.info({ ...fields }, 'message')`. `console` is not compatible (argument order). */
export interface MeshLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/**
 * How much the client logs. Whatever the level, the client never logs credentials, tokens, message bodies or the
 * values of headers outside {@link SAFE_LOG_HEADERS}.
 * - `none`: nothing.
 * - `error`: failed operations (code, status, route).
 * - `warn`: plus retries given up and ambiguous sends.
 * - `info`: plus each retry and each sent or acknowledged message id.
 * - `debug`: plus every request (method, route template, status, duration, request and response headers with
 *   the values of those outside {@link SAFE_LOG_HEADERS} redacted).
 */
export type MeshLogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug';

const RANK: Record<MeshLogLevel, number> = { none: 0, error: 1, warn: 2, info: 3, debug: 4 };

/**
 * Header names whose values are logged (lower case): routing and protocol headers, which an operator needs to
 * diagnose delivery and which carry no credentials, patient data or free text. Every other header — among them
 * `authorization`, `proxy-authorization`, `cookie`, `mex-subject`, `mex-localid`, `mex-filename` and
 * `mex-partnerid` — is logged as `[REDACTED]`.
 */
export const SAFE_LOG_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'accept-encoding',
  'content-encoding',
  'content-length',
  'content-type',
  'mex-to',
  'mex-from',
  'mex-linkedmsgid',
  'mex-content-type',
  'mex-content-compressed',
  'mex-content-encrypted',
  'mex-chunk-range',
  'mex-total-chunks',
  'mex-messagetype',
  'mex-messageid',
  'mex-workflowid',
  'mex-statuscode',
  'mex-statusevent',
  'mex-statussuccess',
  'mex-clientversion',
  'mex-osname',
  'mex-osarchitecture',
  'retry-after',
]);

/** @internal Replaces every header value not in the allow-list by `[REDACTED]`. */
export function redactHeaders(
  headers: Iterable<[string, string]> | Record<string, string>,
): Record<string, string> {
  const entries = Symbol.iterator in headers ? [...headers] : Object.entries(headers);
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    out[lower] = SAFE_LOG_HEADERS.has(lower) ? value : '[REDACTED]';
  }
  return out;
}

/** @internal A level-filtered facade over the caller's logger; a no-op by default. */
export class LevelLogger {
  readonly #logger: MeshLogger | undefined;
  readonly #rank: number;

  constructor(logger: MeshLogger | undefined, level: MeshLogLevel) {
    this.#logger = logger;
    this.#rank = logger ? RANK[level] : 0;
  }

  enabled(level: Exclude<MeshLogLevel, 'none'>): boolean {
    return this.#rank >= RANK[level];
  }

  debug(obj: Record<string, unknown>, msg: string): void {
    if (this.#rank >= RANK.debug) this.#logger?.debug(obj, msg);
  }
  info(obj: Record<string, unknown>, msg: string): void {
    if (this.#rank >= RANK.info) this.#logger?.info(obj, msg);
  }
  warn(obj: Record<string, unknown>, msg: string): void {
    if (this.#rank >= RANK.warn) this.#logger?.warn(obj, msg);
  }
  error(obj: Record<string, unknown>, msg: string): void {
    if (this.#rank >= RANK.error) this.#logger?.error(obj, msg);
  }
}
