import type { MeshErrorCode } from './errors.js';

/**
 * What every hook sees about one HTTP attempt. It carries no header values, credentials, ids of messages or
 * mailboxes, subjects, local ids or payload bytes: only what a metrics counter or a trace span needs.
 */
export interface MeshRequestEvent {
  /** HTTP method. */
  readonly method: 'GET' | 'POST' | 'PUT' | 'HEAD';
  /**
   * The route template, with every id replaced by a placeholder, e.g.
   * `/messageexchange/{mailbox}/inbox/{messageId}` or `/messageexchange/{mailbox}/outbox/{messageId}/{chunk}`.
   * Safe as a metric label (bounded cardinality).
   */
  readonly route: string;
  /** 0 for the first attempt, 1 for the first retry, … */
  readonly attempt: number;
  /** Bytes of the request body as sent (after gzip when `compress` is on); 0 without a body. */
  readonly requestBytes: number;
}

/** An attempt that got an HTTP response (any status). */
export interface MeshResponseEvent extends MeshRequestEvent {
  /** HTTP status. */
  readonly status: number;
  /** Whether the status is a success for this operation. */
  readonly ok: boolean;
  /** Milliseconds from sending the request to receiving the response headers. */
  readonly durationMs: number;
  /**
   * Bytes of the response body: the `Content-Length` header, or the length read for small JSON bodies. Absent
   * when unknown (a streamed download without `Content-Length`).
   */
  readonly responseBytes?: number;
}

/** An attempt that failed without an HTTP response (connection error, timeout). */
export interface MeshErrorEvent extends MeshRequestEvent {
  /** `NETWORK` or `TIMEOUT`. */
  readonly code: MeshErrorCode;
  /** Milliseconds from sending the request to the failure. */
  readonly durationMs: number;
}

/** The client is about to wait and try again; `attempt` is the attempt that failed (the next is `attempt + 1`). */
export interface MeshRetryEvent extends MeshRequestEvent {
  /** Why the previous attempt failed. */
  readonly code: MeshErrorCode;
  /** HTTP status of the failed attempt, if it got a response. */
  readonly status?: number;
  /** How long the client waits before the next attempt (Retry-After or backoff). */
  readonly delayMs: number;
}

/**
 * Observers of the client's HTTP traffic, for metrics, tracing and audit. Each entry is a list of functions,
 * called synchronously in order. They observe only: they cannot change a request, and an exception thrown by
 * a hook is caught (and logged at `warn`) without affecting the request. A returned promise is not awaited.
 *
 * Retries are the client's own (see ADR "retries stay in the client's executor"); the token is signed afresh
 * for every attempt, so `beforeRequest` fires once per attempt.
 */
export interface MeshClientHooks {
  /** Before each attempt is sent. */
  beforeRequest?: ReadonlyArray<(event: MeshRequestEvent) => void>;
  /** After each attempt that received a response, successful or not. */
  afterResponse?: ReadonlyArray<(event: MeshResponseEvent) => void>;
  /** After each attempt that failed without a response (network error or timeout). */
  afterError?: ReadonlyArray<(event: MeshErrorEvent) => void>;
  /** Before the client sleeps and retries. */
  beforeRetry?: ReadonlyArray<(event: MeshRetryEvent) => void>;
}

/** @internal The names of the hook lists, for option validation. */
export const HOOK_NAMES = ['beforeRequest', 'afterResponse', 'afterError', 'beforeRetry'] as const;

/**
 * @internal Turns the client's `METHOD /path` description into a bounded-cardinality path template: message
 * ids and chunk numbers become `{messageId}` and `{chunk}` (mailbox, ODS code, workflow id and local id are
 * placeholders already).
 */
export function routeTemplate(route: string): { method: MeshRequestEvent['method']; route: string } {
  const space = route.indexOf(' ');
  const method = (space > 0 ? route.slice(0, space) : 'GET') as MeshRequestEvent['method'];
  const full = space > 0 ? route.slice(space + 1) : route;
  const query = full.indexOf('?');
  const path = query >= 0 ? full.slice(0, query) : full;
  const rest = query >= 0 ? full.slice(query) : '';
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    const box = parts[i - 1];
    if ((box === 'inbox' || box === 'outbox') && parts[i] !== 'tracking' && !isPlaceholder(parts[i])) {
      parts[i] = '{messageId}';
      const next = parts[i + 1];
      if (next !== undefined && /^\d+$/.test(next)) parts[i + 1] = '{chunk}';
    }
  }
  return { method, route: parts.join('/') + rest };
}

function isPlaceholder(segment: string | undefined): boolean {
  return segment === undefined || segment === '' || segment.startsWith('{');
}

/** @internal Calls each hook of a list, isolating the caller from a hook's exception. */
export function runHooks<E>(
  hooks: ReadonlyArray<(event: E) => void> | undefined,
  event: E,
  onHookError: (error: unknown) => void,
): void {
  if (!hooks) return;
  for (const hook of hooks) {
    try {
      hook(event);
    } catch (error) {
      onHookError(error);
    }
  }
}
