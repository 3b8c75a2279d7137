import { inspect } from 'node:util';

/**
 * What went wrong, as a closed set the caller can switch on. The package README lists each code with what to do.
 */
export const MeshErrorCode = {
  /** 403: credentials, shared key, clock or client certificate rejected. Check configuration; do not retry. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** 403 with MESH code EPL-151: the mailbox in the URL or token does not exist. Check `mailboxId`. */
  MAILBOX_NOT_FOUND: 'MAILBOX_NOT_FOUND',
  /** 400 or 422: MESH refused the request as malformed (headers, encoding, parameters). Fix the request. */
  INVALID_REQUEST: 'INVALID_REQUEST',
  /** 404: unknown message or chunk, or not yours. Do not retry. */
  MESSAGE_NOT_FOUND: 'MESSAGE_NOT_FOUND',
  /** 410: the message expired, was undeliverable or errored. Nothing to download. */
  MESSAGE_GONE: 'MESSAGE_GONE',
  /** 417 on send: a business rejection (unregistered recipient 12, workflow not registered 17, …). See `meshErrorCode`. */
  SEND_REJECTED: 'SEND_REJECTED',
  /** 406 or 423 on a chunk upload: chunk out of range or the message is already finalised. */
  CHUNK_REJECTED: 'CHUNK_REJECTED',
  /** 300 from tracking by local id: several messages share the local id. Track by message id. */
  AMBIGUOUS_LOCAL_ID: 'AMBIGUOUS_LOCAL_ID',
  /** 429 or 503: slow down. Safe to retry after `retryAfterMs`. */
  THROTTLED: 'THROTTLED',
  /** Other 5xx. Retryable, except for the first request of a send (see SEND_OUTCOME_UNKNOWN). */
  SERVER_ERROR: 'SERVER_ERROR',
  /** Any other unexpected HTTP status. */
  HTTP_ERROR: 'HTTP_ERROR',
  /** The server answered with something the client cannot parse (bad JSON, missing id, bad gzip). */
  BAD_RESPONSE: 'BAD_RESPONSE',
  /** The connection failed, was reset or the body was cut short. Retryable. */
  NETWORK: 'NETWORK',
  /** A per-attempt or total timeout expired (not the caller's AbortSignal, which rethrows its reason). */
  TIMEOUT: 'TIMEOUT',
  /** A caller argument or option is invalid; nothing was sent. */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** The payload or a chunk is over MESH's size limits (client-side check, or 413). */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** A testing helper needs an optional peer dependency that is not installed (`selfsigned` for test certificates). */
  MISSING_DEPENDENCY: 'MISSING_DEPENDENCY',
  /**
   * A request of a send (the first, or a later chunk once its retries are spent) failed in a way that leaves it
   * unknown whether MESH accepted it. Raised only after the attempt's connection was destroyed and closed
   * (`attemptClosedAt`). Never retried automatically (a retry could duplicate the message). Call
   * `client.reconcileSend(error.localId)`.
   */
  SEND_OUTCOME_UNKNOWN: 'SEND_OUTCOME_UNKNOWN',
} as const;
export type MeshErrorCode = (typeof MeshErrorCode)[keyof typeof MeshErrorCode];

/** One problem with the client's options (or the environment read by `meshClientOptionsFromEnv`). */
export interface MeshOptionIssue {
  /** Where: an option path (`retry.limit`, `tls.key`) or an environment variable name (`MESH_URL`). */
  readonly path: string;
  /** What is wrong. Never contains the value of a password, key or certificate. */
  readonly message: string;
}

/** Fields of a {@link MeshError}. */
export interface MeshErrorOptions {
  code: MeshErrorCode;
  /** HTTP status, when there was a response. */
  status?: number;
  /** MESH's own error code, e.g. `12`, `17`, `EPL-151`. */
  meshErrorCode?: string;
  /** MESH's error event, e.g. `SEND`, `RECEIVE`. */
  meshErrorEvent?: string;
  /** MESH's error description (server text; not included in `message`). */
  meshErrorDescription?: string;
  messageId?: string;
  /** The send's local id; set on SEND_OUTCOME_UNKNOWN so the caller can reconcile. */
  localId?: string;
  /**
   * SEND_OUTCOME_UNKNOWN: when the last attempt was torn down (its connection destroyed and closed). Pass it to
   * `reconcileSend` if you reconcile from another process.
   */
  attemptClosedAt?: Date;
  retryable?: boolean;
  retryAfterMs?: number;
  /** `METHOD /route/{template}`; ids of mailboxes are replaced by placeholders. */
  request?: string;
  /** Every problem found, on `INVALID_ARGUMENT` from option validation. */
  issues?: readonly MeshOptionIssue[];
  cause?: unknown;
}

const BRAND = Symbol.for('@gpes/mesh-client.MeshError');

/**
 * The one error type of `@gpes/mesh-client`. Messages never contain credentials, tokens, message bodies or the
 * values of `mex-subject` / `mex-localid`. Use {@link isMeshError} rather than `instanceof`.
 */
export class MeshError extends Error {
  override readonly name = 'MeshError';
  readonly code: MeshErrorCode;
  readonly status?: number;
  readonly meshErrorCode?: string;
  readonly meshErrorEvent?: string;
  readonly meshErrorDescription?: string;
  readonly messageId?: string;
  readonly localId?: string;
  readonly attemptClosedAt?: Date;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly request?: string;
  /** Every problem found, on `INVALID_ARGUMENT` from option validation (all of them, not just the first). */
  readonly issues?: readonly MeshOptionIssue[];

  constructor(message: string, options: MeshErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.retryable = options.retryable ?? defaultRetryable(options.code);
    if (options.status !== undefined) this.status = options.status;
    if (options.meshErrorCode !== undefined) this.meshErrorCode = options.meshErrorCode;
    if (options.meshErrorEvent !== undefined) this.meshErrorEvent = options.meshErrorEvent;
    if (options.meshErrorDescription !== undefined) this.meshErrorDescription = options.meshErrorDescription;
    if (options.messageId !== undefined) this.messageId = options.messageId;
    if (options.localId !== undefined) this.localId = options.localId;
    if (options.attemptClosedAt !== undefined) this.attemptClosedAt = options.attemptClosedAt;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.request !== undefined) this.request = options.request;
    if (options.issues !== undefined) this.issues = options.issues;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Brand for {@link isMeshError}; survives duplicate ESM/CJS copies of the package. */
  get isMeshError(): true {
    return true;
  }

  /**
   * Builds the error for a non-success MESH response. Understands v2 (`detail[]`), v1 (`errorCode`) and
   * validation bodies; tolerates non-JSON (XML on 5xx) and empty bodies.
   * @param status HTTP status.
   * @param body The parsed JSON body, the raw text, or undefined.
   * @param headers Response headers (for Retry-After).
   * @param request `METHOD /route/{template}` for the message.
   */
  static fromResponse(
    status: number,
    body: unknown,
    headers?: { get(name: string): string | null },
    request?: string,
  ): MeshError {
    const parsed = parseErrorBody(body);
    const retryAfterMs = parseRetryAfter(headers?.get('retry-after') ?? null);
    const code = codeForStatus(status, parsed.code);
    const meshPart = parsed.code ? ` (MESH ${parsed.event ? `${parsed.event}/` : ''}${parsed.code})` : '';
    // MESH's 403 is opaque; say what to check (pain point: wrong key, local time instead of UTC, lower-case mailbox).
    const hint =
      code === 'UNAUTHORIZED'
        ? ` (check the mailbox password, the environment's shared key, the host clock (±2 h) and the client certificate${parsed.description ? `; MESH says: ${parsed.description}` : ''})`
        : '';
    const message = `MESH request failed with status ${status}${meshPart}${request ? `: ${request}` : ''}${hint}`;
    return new MeshError(message, {
      code,
      status,
      ...(parsed.code !== undefined && { meshErrorCode: parsed.code }),
      ...(parsed.event !== undefined && { meshErrorEvent: parsed.event }),
      ...(parsed.description !== undefined && { meshErrorDescription: parsed.description }),
      ...(parsed.messageId !== undefined && { messageId: parsed.messageId }),
      ...(retryAfterMs !== undefined && { retryAfterMs }),
      ...(request !== undefined && { request }),
    });
  }

  /** A sanitised view for `console.log` / `util.inspect`: fields only, no cause chain with request objects. */
  [inspect.custom](): string {
    const fields: Record<string, unknown> = { code: this.code };
    for (const key of [
      'status',
      'meshErrorEvent',
      'meshErrorCode',
      'messageId',
      'retryable',
      'retryAfterMs',
      'request',
      'issues',
    ] as const) {
      if (this[key] !== undefined) fields[key] = this[key];
    }
    if (this.localId !== undefined) fields.localId = '[set]';
    return `MeshError: ${this.message} ${JSON.stringify(fields)}`;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      status: this.status,
      meshErrorEvent: this.meshErrorEvent,
      meshErrorCode: this.meshErrorCode,
      messageId: this.messageId,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      request: this.request,
      issues: this.issues,
    };
  }
}

/** True for a {@link MeshError}, even one thrown by another copy (ESM vs CJS) of this package. */
export function isMeshError(error: unknown): error is MeshError {
  return (
    error instanceof MeshError ||
    (typeof error === 'object' &&
      error !== null &&
      ((error as Record<symbol, unknown>)[BRAND] === true ||
        (error as { isMeshError?: unknown }).isMeshError === true))
  );
}

function defaultRetryable(code: MeshErrorCode): boolean {
  return code === 'THROTTLED' || code === 'SERVER_ERROR' || code === 'NETWORK' || code === 'TIMEOUT';
}

function codeForStatus(status: number, meshCode: string | undefined): MeshErrorCode {
  if (status === 403) return meshCode === 'EPL-151' ? 'MAILBOX_NOT_FOUND' : 'UNAUTHORIZED';
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 400 || status === 422) return 'INVALID_REQUEST';
  if (status === 404) return 'MESSAGE_NOT_FOUND';
  if (status === 410) return 'MESSAGE_GONE';
  if (status === 417) return 'SEND_REJECTED';
  if (status === 406 || status === 423) return 'CHUNK_REJECTED';
  if (status === 300) return 'AMBIGUOUS_LOCAL_ID';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 429 || status === 503) return 'THROTTLED';
  if (status >= 500) return 'SERVER_ERROR';
  return 'HTTP_ERROR';
}

interface ParsedErrorBody {
  event?: string;
  code?: string;
  description?: string;
  messageId?: string;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value.slice(0, 500);
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** @internal Reads v2 `{detail:[{event,code,msg}]}`, v1 `{errorEvent,errorCode,errorDescription}` and others. */
export function parseErrorBody(body: unknown): ParsedErrorBody {
  if (typeof body === 'string') {
    const trimmed = body.trim();
    if (!trimmed.startsWith('{')) return {};
    try {
      return parseErrorBody(JSON.parse(trimmed));
    } catch {
      return {};
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const b = body as Record<string, unknown>;
  const out: ParsedErrorBody = {};
  const messageId = str(b.message_id) ?? str(b.messageID) ?? str(b.messageId);
  if (messageId) out.messageId = messageId;
  if (Array.isArray(b.detail)) {
    const first = b.detail[0] as Record<string, unknown> | undefined;
    if (first && typeof first === 'object') {
      const event = str(first.event);
      const code = str(first.code);
      // FastAPI validation bodies have `loc` + `msg`; keep only the field name, never the input value.
      const description =
        str(first.msg) && Array.isArray(first.loc)
          ? `${String(first.msg)} (${first.loc.map(String).join('.')})`
          : str(first.msg);
      if (event) out.event = event;
      if (code) out.code = code;
      if (description) out.description = description;
    }
    return out;
  }
  const event = str(b.errorEvent);
  const code = str(b.errorCode);
  const description = str(b.errorDescription) ?? str(b.message);
  if (event) out.event = event;
  if (code) out.code = code;
  if (description) out.description = description;
  return out;
}

/** @internal `Retry-After` as delta-seconds or an HTTP date; undefined when absent or invalid. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** @internal */
export function invalidArgument(message: string, cause?: unknown): MeshError {
  return new MeshError(message, { code: 'INVALID_ARGUMENT', cause });
}
