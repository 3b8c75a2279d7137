import { createMeshAuthorization } from '../auth.js';
import { MeshError } from '../errors.js';
import { MESH_ACCEPT_V2 } from '../headers.js';
import { type MeshClientHooks, routeTemplate, runHooks } from '../hooks.js';
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
 * - `upload`: chunks 2..N. Retried like `retryable`; but when the attempts end in an ambiguous failure (or in a
 *   refusal after an ambiguous attempt) the outcome is SEND_OUTCOME_UNKNOWN, never a plain failure.
 * - `never`: no retries.
 */
export type RetryMode = 'retryable' | 'first-send' | 'upload' | 'never';

/** When an upload attempt's connection was destroyed, and whether its socket's close was confirmed. */
interface AttemptClosed {
  at: Date;
  confirmed: boolean;
}

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
  /** Called when an upload attempt that may have reached MESH has been torn down (its connection closed). */
  onAttemptClosed?: (closedAt: Date) => void;
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
    // An earlier attempt of this upload may have reached MESH: decides how a later failure is reported.
    let ambiguousBefore = false;
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
      // An upload runs on a connection of its own, destroyed (and confirmed closed) before the attempt ends, so no
      // byte of a failed attempt can reach MESH after the caller hears about the failure.
      const exclusive = spec.body !== undefined ? this.transport.exclusive() : undefined;
      let closed: AttemptClosed | undefined;
      const teardown = async (): Promise<AttemptClosed | undefined> => {
        if (!exclusive) return undefined;
        const confirmed = await exclusive.destroy();
        closed ??= { at: new Date(), confirmed };
        return closed;
      };
      const started = Date.now();
      const observed = { ...routeTemplate(spec.route), attempt, requestBytes: spec.body?.length ?? 0 };
      this.hook('beforeRequest', observed);
      let error: MeshError;
      let connectFailure = false;
      try {
        const response = await (exclusive ?? this.transport).send({
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
            responseHeaders: redactHeaders(response.headers),
          },
          'MESH request',
        );
        const ok = spec.ok.includes(response.status);
        // A HEAD answer's Content-Length describes the body a GET would get; none came.
        const length =
          spec.method === 'HEAD' ? 0 : Number(response.headers.get('content-length') ?? Number.NaN);
        // An upload's answer is read inside the attempt: the exchange is complete before its connection goes.
        const text = ok && (spec.readText || exclusive) ? await response.text() : undefined;
        this.hook('afterResponse', {
          ...observed,
          status: response.status,
          ok,
          durationMs: Date.now() - started,
          ...(text !== undefined
            ? { responseBytes: Buffer.byteLength(text) }
            : Number.isFinite(length) && { responseBytes: length }),
        });
        if (ok) {
          await teardown();
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
        await teardown();
        error = MeshError.fromResponse(response.status, body, response.headers, spec.route);
        if (spec.messageId && !error.messageId) {
          error = new MeshError(error.message, { ...fieldsOf(error), messageId: spec.messageId });
        }
      } catch (cause) {
        release();
        await teardown();
        if (userSignal?.aborted) {
          // The caller's abort wins, but the upload may still have landed: the send must be reconciled.
          if (closed) spec.onAttemptClosed?.(closed.at);
          throw userSignal.reason;
        }
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
        if (error.status === undefined) {
          this.hook('afterError', { ...observed, code: error.code, durationMs: Date.now() - started });
        }
      }
      const provablyUnsent = connectFailure || error.status === 429;
      const ambiguous =
        !provablyUnsent && (error.retryable || error.code === 'NETWORK' || error.code === 'TIMEOUT');
      if (closed && ambiguous) spec.onAttemptClosed?.(closed.at);
      if (spec.retry === 'first-send') {
        if (ambiguous) throw this.#outcomeUnknown(spec, error, closed);
        if (!provablyUnsent) throw error;
      } else if (!error.retryable) {
        // A chunk refused after an earlier attempt of it may have landed (423: already finalised) is ambiguous too.
        if (spec.retry === 'upload' && ambiguousBefore) throw this.#outcomeUnknown(spec, error, closed);
        this.log.error(
          { request: spec.route, code: error.code, status: error.status },
          'MESH request failed',
        );
        throw error;
      }
      ambiguousBefore ||= ambiguous;
      const giveUp = (message: string) => {
        this.log.warn({ request: spec.route, code: error.code, attempts: attempt + 1 }, message);
        return spec.retry === 'upload' && ambiguous ? this.#outcomeUnknown(spec, error, closed) : error;
      };
      if (attempt >= limit) throw giveUp('MESH request failed, retries exhausted');
      const delay = error.retryAfterMs ?? backoffDelayMs(attempt, options.retry, this.random);
      if (Date.now() + delay >= deadline) throw giveUp('MESH request failed, total timeout reached');
      this.log.info(
        { request: spec.route, code: error.code, status: error.status, attempt: attempt + 1, delayMs: delay },
        'MESH request retry',
      );
      this.hook('beforeRetry', {
        ...observed,
        code: error.code,
        ...(error.status !== undefined && { status: error.status }),
        delayMs: delay,
      });
      await sleep(delay, userSignal);
    }
  }

  /** SEND_OUTCOME_UNKNOWN for an upload whose last attempt may or may not have been stored. */
  #outcomeUnknown(spec: RequestSpec, error: MeshError, closed: AttemptClosed | undefined): MeshError {
    this.log.warn(
      { request: spec.route, cause: error.code, status: error.status },
      'MESH send outcome unknown',
    );
    const torn = closed
      ? closed.confirmed
        ? `; the attempt's connection was closed at ${closed.at.toISOString()}`
        : `; the attempt was abandoned at ${closed.at.toISOString()} (a custom fetch cannot confirm its connection closed)`
      : '';
    return new MeshError(
      `MESH send outcome unknown (${error.code}${error.status ? ` ${error.status}` : ''}): the message may or may not have been accepted${torn}; reconcile with reconcileSend(localId)`,
      {
        code: 'SEND_OUTCOME_UNKNOWN',
        retryable: false,
        ...(error.status !== undefined && { status: error.status }),
        ...(spec.localId !== undefined && { localId: spec.localId }),
        ...(spec.messageId !== undefined && { messageId: spec.messageId }),
        ...(closed !== undefined && { attemptClosedAt: closed.at }),
        request: spec.route,
        cause: error,
      },
    );
  }

  /** Sleeps between body-level retries with the same backoff policy. */
  async backoff(attempt: number, error: MeshError, signal?: AbortSignal): Promise<void> {
    const delay = error.retryAfterMs ?? backoffDelayMs(attempt, this.options.retry, this.random);
    this.log.info(
      { request: error.request, code: error.code, attempt: attempt + 1, delayMs: delay },
      'MESH retry',
    );
    if (error.request !== undefined) {
      this.hook('beforeRetry', {
        ...routeTemplate(error.request),
        attempt,
        requestBytes: 0,
        code: error.code,
        ...(error.status !== undefined && { status: error.status }),
        delayMs: delay,
      });
    }
    await sleep(delay, signal);
  }

  /** Runs the caller's observers; a throwing hook is logged and otherwise ignored. */
  private hook<K extends keyof MeshClientHooks>(
    name: K,
    event: Parameters<NonNullable<MeshClientHooks[K]>[number]>[0],
  ): void {
    const list = this.options.hooks[name] as ReadonlyArray<(e: typeof event) => void> | undefined;
    runHooks(list, event, (error) =>
      this.log.warn(
        { hook: name, error: error instanceof Error ? error.name : typeof error },
        'MESH client hook threw',
      ),
    );
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
