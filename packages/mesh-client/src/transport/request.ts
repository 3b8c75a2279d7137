import { createMeshAuthorization } from '../auth.js';
import { MeshError } from '../errors.js';
import { MESH_ACCEPT_V2 } from '../headers.js';
import { type LevelLogger, redactHeaders } from '../logger.js';
import type { ResolvedOptions } from '../options.js';
import type { Transport } from './http.js';
import { backoffDelayMs, sleep } from './retry.js';

/**
 * @internal How a request may be retried:
 * - `retryable`: network errors, timeouts, 429 and 5xx are retried with backoff (GETs, acknowledgements, chunks 2..N).
 * - `first-send`: the first POST to the outbox. Only failures that prove MESH never saw the request (connection
 *   refused, 429) are retried; anything ambiguous becomes SEND_OUTCOME_UNKNOWN, because a retry could duplicate
 *   the message.
 * - `never`: no retries.
 */
export type RetryMode = 'retryable' | 'first-send' | 'never';

/** @internal */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'HEAD';
  /** Absolute URL. */
  url: string;
  /** `METHOD /route/{template}` for messages and logs: ids of mailboxes and local ids never appear. */
  route: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Sign with NHSMESH (a fresh token on every attempt). @default true */
  auth?: boolean;
  retry: RetryMode;
  /** Statuses treated as success. */
  ok: readonly number[];
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** Keep the attempt timer alive as an idle timer while the caller streams the body. */
  stream?: boolean;
  /** Read the (small, JSON) body inside the attempt, so that a body cut short is retried like any failure. */
  readText?: boolean;
  /** Set on SEND_OUTCOME_UNKNOWN. */
  localId?: string;
  messageId?: string;
}

/** @internal A successful response; for streams, `touch()` re-arms the idle timer and `release()` clears it. */
export interface RequestResult {
  response: Response;
  /** The body, when the spec asked for `readText`. */
  text?: string;
  touch(): void;
  release(): void;
  /** Why the attempt's signal aborted, if it did: the caller's reason or our TIMEOUT error. */
  abortReason(): unknown;
  timedOut(): boolean;
}

const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** @internal True when the error shows the connection was never made, so the server cannot have the request. */
export function isConnectFailure(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECT_FAILURES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

const MAX_ERROR_BODY = 64 * 1024;

async function readErrorBody(response: Response): Promise<string | undefined> {
  try {
    const text = await response.text();
    return text.length > MAX_ERROR_BODY ? text.slice(0, MAX_ERROR_BODY) : text;
  } catch {
    return undefined;
  }
}

/** @internal Executes MESH requests: auth, Accept, timeouts, retries, error mapping, redacted logging. */
export class RequestExecutor {
  constructor(
    private readonly options: ResolvedOptions,
    private readonly transport: Transport,
    private readonly log: LevelLogger,
    private readonly random: () => number = Math.random,
  ) {}

  async execute(spec: RequestSpec): Promise<RequestResult> {
    const { options } = this;
    const userSignal = spec.signal;
    const deadline = Date.now() + options.totalTimeoutMs;
    const timeoutMs = spec.timeoutMs ?? options.timeoutMs;
    const limit = spec.retry === 'never' ? 0 : options.retry.limit;
    for (let attempt = 0; ; attempt++) {
      if (userSignal?.aborted) throw userSignal.reason;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new MeshError(`MESH request timed out: ${spec.route}`, {
          code: 'TIMEOUT',
          request: spec.route,
        });
      }
      const controller = new AbortController();
      let timedOut = false;
      let timer: NodeJS.Timeout | undefined;
      const arm = (ms: number) => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          timedOut = true;
          controller.abort(
            new MeshError(`MESH request timed out: ${spec.route}`, { code: 'TIMEOUT', request: spec.route }),
          );
        }, ms);
      };
      const onUserAbort = () => controller.abort(userSignal?.reason);
      userSignal?.addEventListener('abort', onUserAbort, { once: true });
      const release = () => {
        if (timer) clearTimeout(timer);
        timer = undefined;
        userSignal?.removeEventListener('abort', onUserAbort);
      };
      arm(Math.min(timeoutMs, remaining));
      const headers: Record<string, string> = {
        accept: MESH_ACCEPT_V2,
        ...spec.headers,
      };
      // A token is single-use: a fresh one for every attempt of every request.
      if (spec.auth !== false) headers.authorization = createMeshAuthorization(options);
      const started = Date.now();
      let error: MeshError;
      let connectFailure = false;
      try {
        const response = await this.transport.send({
          url: spec.url,
          method: spec.method,
          headers,
          ...(spec.body !== undefined && { body: spec.body }),
          signal: controller.signal,
        });
        this.log.debug(
          {
            request: spec.route,
            status: response.status,
            attempt,
            durationMs: Date.now() - started,
            requestHeaders: redactHeaders(headers),
          },
          'MESH request',
        );
        if (spec.ok.includes(response.status)) {
          const text = spec.readText ? await response.text() : undefined;
          if (!spec.stream) release();
          return {
            response,
            ...(text !== undefined && { text }),
            touch: () => {
              if (timer) arm(timeoutMs);
            },
            release,
            abortReason: () => (controller.signal.aborted ? controller.signal.reason : undefined),
            timedOut: () => timedOut,
          };
        }
        const body = await readErrorBody(response);
        release();
        error = MeshError.fromResponse(response.status, body, response.headers, spec.route);
        if (spec.messageId && !error.messageId) {
          error = new MeshError(error.message, { ...fieldsOf(error), messageId: spec.messageId });
        }
      } catch (cause) {
        release();
        if (userSignal?.aborted) throw userSignal.reason;
        if (timedOut) {
          error = new MeshError(`MESH request timed out after ${timeoutMs} ms: ${spec.route}`, {
            code: 'TIMEOUT',
            request: spec.route,
            cause,
          });
        } else {
          connectFailure = isConnectFailure(cause);
          error = new MeshError(`MESH request failed (network error): ${spec.route}`, {
            code: 'NETWORK',
            request: spec.route,
            cause,
          });
        }
      }
      if (spec.retry === 'first-send') {
        const provablyUnsent = connectFailure || error.status === 429;
        if (!provablyUnsent && (error.retryable || error.code === 'NETWORK' || error.code === 'TIMEOUT')) {
          this.log.warn(
            { request: spec.route, cause: error.code, status: error.status },
            'MESH send outcome unknown',
          );
          throw new MeshError(
            `MESH send outcome unknown (${error.code}${error.status ? ` ${error.status}` : ''}): the message may or may not have been accepted; reconcile with reconcileSend(localId)`,
            {
              code: 'SEND_OUTCOME_UNKNOWN',
              retryable: false,
              ...(error.status !== undefined && { status: error.status }),
              ...(spec.localId !== undefined && { localId: spec.localId }),
              request: spec.route,
              cause: error,
            },
          );
        }
        if (!provablyUnsent) throw error;
      } else if (!error.retryable) {
        this.log.error(
          { request: spec.route, code: error.code, status: error.status },
          'MESH request failed',
        );
        throw error;
      }
      if (attempt >= limit) {
        this.log.warn(
          { request: spec.route, code: error.code, attempts: attempt + 1 },
          'MESH request failed, retries exhausted',
        );
        throw error;
      }
      const delay = error.retryAfterMs ?? backoffDelayMs(attempt, options.retry, this.random);
      if (Date.now() + delay >= deadline) {
        this.log.warn(
          { request: spec.route, code: error.code },
          'MESH request failed, total timeout reached',
        );
        throw error;
      }
      this.log.info(
        { request: spec.route, code: error.code, status: error.status, attempt: attempt + 1, delayMs: delay },
        'MESH request retry',
      );
      await sleep(delay, userSignal);
    }
  }

  /** Sleeps between body-level retries with the same backoff policy. */
  async backoff(attempt: number, error: MeshError, signal?: AbortSignal): Promise<void> {
    const delay = error.retryAfterMs ?? backoffDelayMs(attempt, this.options.retry, this.random);
    this.log.info(
      { request: error.request, code: error.code, attempt: attempt + 1, delayMs: delay },
      'MESH retry',
    );
    await sleep(delay, signal);
  }
}

function fieldsOf(e: MeshError) {
  return {
    code: e.code,
    retryable: e.retryable,
    ...(e.status !== undefined && { status: e.status }),
    ...(e.meshErrorCode !== undefined && { meshErrorCode: e.meshErrorCode }),
    ...(e.meshErrorEvent !== undefined && { meshErrorEvent: e.meshErrorEvent }),
    ...(e.meshErrorDescription !== undefined && { meshErrorDescription: e.meshErrorDescription }),
    ...(e.retryAfterMs !== undefined && { retryAfterMs: e.retryAfterMs }),
    ...(e.request !== undefined && { request: e.request }),
  };
}
