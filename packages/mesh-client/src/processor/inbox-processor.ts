import type { MeshClient } from '../client.js';
import { invalidArgument, isMeshError, type MeshErrorCode } from '../errors.js';
import type { MeshRetrievedMessage } from '../messages.js';
import { integer, keysOf, OptionIssues, optionsError } from '../options.js';
import { sleep } from '../transport/retry.js';

const PROCESSOR_OPTION_KEYS = keysOf<InboxProcessorOptions>()([
  'client',
  'handler',
  'concurrency',
  'pollIntervalMs',
  'workflowIds',
  'signal',
  'onError',
  'failureBackoffMs',
  'onMessageHandled',
  'onMessageFailed',
  'onPassFinished',
  'handshake',
  'handshakeIntervalMs',
]);

/** What the handler receives besides the message. */
export interface InboxHandlerContext {
  /** Aborts when the processor is stopped; pass it to your own I/O so shutdown is prompt. */
  signal: AbortSignal;
  /** How many earlier attempts of this message failed in this processor (0 on the first attempt). */
  attempt: number;
}

/**
 * Handles one message. Resolve only once the message is stored durably: the processor acknowledges it right
 * after. Throw to leave it in the inbox for a later attempt. Delivery is at-least-once: de-duplicate on
 * `message.messageId`.
 */
export type InboxHandler = (message: MeshRetrievedMessage, context: InboxHandlerContext) => Promise<void>;

/** Options of {@link createInboxProcessor}. */
export interface InboxProcessorOptions {
  client: MeshClient;
  handler: InboxHandler;
  /** Messages handled at the same time. @default 1 */
  concurrency?: number;
  /**
   * Wait between polls when the inbox had nothing to process. MESH asks for at most one poll every 5 minutes
   * (unless more messages are waiting) and at least one a day. @default 300000
   */
  pollIntervalMs?: number;
  /** Only messages of these workflow ids (one `workflow_filter` listing each). @default all */
  workflowIds?: readonly string[];
  /** Stops `start()`; in-flight handlers get it through their context and are awaited. */
  signal?: AbortSignal;
  /** Told about each failure (listing, download, handler or acknowledgement). Never throws into the loop. */
  onError?: (error: unknown, context: { messageId?: string; stage: InboxStage }) => void;
  /** First delay before a failed message is tried again; doubles per failure up to `pollIntervalMs * 4`. @default 30000 */
  failureBackoffMs?: number;
  /** Told after each message was handled and acknowledged. Never throws into the loop. */
  onMessageHandled?: (event: InboxMessageHandledEvent) => void;
  /** Told after each message whose download, handler or acknowledgement failed (it stays in the inbox). */
  onMessageFailed?: (event: InboxMessageFailedEvent) => void;
  /** Told at the end of every pass, with its counts. */
  onPassFinished?: (event: InboxPassFinishedEvent) => void;
  /**
   * Perform MESH's handshake (`client.handshake()`) before the first pass and then every `handshakeIntervalMs`
   * (MESH asks for one at start-up and then daily). A failed handshake is reported (stage `handshake`) and tried
   * again before the next pass; the pass itself goes ahead. @default false
   */
  handshake?: boolean;
  /** Interval between handshakes when `handshake` is on. @default 86400000 (24 hours) */
  handshakeIntervalMs?: number;
}

/** Where a failure happened. */
export type InboxStage = 'handshake' | 'list' | 'retrieve' | 'handler' | 'acknowledge';

/** A message was handled and acknowledged. */
export interface InboxMessageHandledEvent {
  readonly messageId: string;
  readonly messageType: 'DATA' | 'REPORT';
  /** `mex-WorkflowID`, when MESH gave one. */
  readonly workflowId?: string;
  /** Earlier failed attempts of this message in this processor. */
  readonly attempt: number;
  /** From the start of the download to the end of the acknowledgement. */
  readonly durationMs: number;
}

/** A message could not be handled; it stays in the inbox and is tried again after `retryAt`. */
export interface InboxMessageFailedEvent {
  readonly messageId: string;
  readonly stage: Exclude<InboxStage, 'handshake' | 'list'>;
  /** The error as thrown (a `MeshError`, or whatever the handler threw). Do not log it wholesale. */
  readonly error: unknown;
  /** Failures of this message so far, including this one. */
  readonly failures: number;
  /** Not retried before this time. */
  readonly retryAt: Date;
}

/** A pass over the inbox finished. */
export interface InboxPassFinishedEvent extends InboxRunSummary {
  readonly startedAt: Date;
  readonly durationMs: number;
  /** Whether the inbox listing completed (false when it failed or the processor was stopped mid-listing). */
  readonly polled: boolean;
}

/** The last error the processor met, for health checks. */
export interface InboxProcessorError {
  readonly at: Date;
  readonly stage: InboxStage;
  readonly messageId?: string;
  /** The `MeshError` code, when it was one. */
  readonly code?: MeshErrorCode;
  /** The error as thrown. Do not expose it wholesale (a handler's error may carry anything). */
  readonly error: unknown;
}

/** What a health check needs: is the processor polling, and when did it last succeed? */
export interface InboxProcessorHealth {
  /** Whether `start()` is running. */
  readonly running: boolean;
  /** When an inbox listing last completed. Alert if this is older than a few poll intervals. */
  readonly lastSuccessfulPollAt?: Date;
  /** When the last pass finished, and its counts. */
  readonly lastPass?: InboxPassFinishedEvent;
  /** The most recent failure of any stage (kept after later successes; compare `at`). */
  readonly lastError?: InboxProcessorError;
  /** When the last successful handshake happened (with `handshake: true`). */
  readonly lastHandshakeAt?: Date;
}

/** Outcome of one pass over the inbox. */
export interface InboxRunSummary {
  /** Messages handled and acknowledged. */
  processed: number;
  /** Messages whose download, handler or acknowledgement failed (left in the inbox). */
  failed: number;
  /** Messages skipped because an earlier failure is still backing off. */
  deferred: number;
}

/** A running or runnable inbox processor. */
export interface InboxProcessor {
  /** One pass: list the inbox, handle every eligible message, acknowledge successes. */
  runOnce(): Promise<InboxRunSummary>;
  /** Passes until one finds nothing eligible (for scripts and examples). Failures back off as usual. */
  drain(): Promise<InboxRunSummary>;
  /** Polls until the signal aborts; resolves after in-flight handlers finish. */
  start(): Promise<void>;
  /** A snapshot for health checks: last successful poll, last pass, last error. */
  health(): InboxProcessorHealth;
}

interface FailureState {
  failures: number;
  retryAt: number;
}

/**
 * Creates an at-least-once inbox processor: poll → download → `handler` → acknowledge. A message is acknowledged
 * only after its handler resolves, so a handler error or a crash leaves it in the inbox for the next run.
 * @throws {MeshError} `INVALID_ARGUMENT` for bad or unknown options, listing every problem in `issues`.
 */
export function createInboxProcessor(options: InboxProcessorOptions): InboxProcessor {
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('Inbox processor options are required');
  const { client, handler, signal, onError } = options;
  const issues = new OptionIssues();
  issues.unknownKeys(options, '', PROCESSOR_OPTION_KEYS);
  if (!client || typeof client.listMessages !== 'function')
    issues.add('client', 'is required (a MeshClient)');
  if (typeof handler !== 'function') issues.add('handler', 'must be a function');
  const concurrency = integer(issues, 'concurrency', options.concurrency, 1);
  if (concurrency > 64) issues.add('concurrency', 'must be an integer between 1 and 64');
  const pollIntervalMs = integer(issues, 'pollIntervalMs', options.pollIntervalMs, 300_000, 0);
  const failureBackoffMs = integer(issues, 'failureBackoffMs', options.failureBackoffMs, 30_000, 0);
  const handshakeIntervalMs = integer(issues, 'handshakeIntervalMs', options.handshakeIntervalMs, 86_400_000);
  if (options.handshake !== undefined && typeof options.handshake !== 'boolean') {
    issues.add('handshake', 'must be a boolean');
  }
  const workflowIds = options.workflowIds;
  if (workflowIds !== undefined && (!Array.isArray(workflowIds) || workflowIds.length === 0)) {
    issues.add('workflowIds', 'must be a non-empty array when given');
  }
  for (const name of ['onError', 'onMessageHandled', 'onMessageFailed', 'onPassFinished'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function')
      issues.add(name, 'must be a function');
  }
  if (signal !== undefined && !(signal instanceof AbortSignal))
    issues.add('signal', 'must be an AbortSignal');
  if (issues.list.length > 0) throw optionsError(issues.list, 'inbox processor options');
  const stopSignal = signal ?? new AbortController().signal;
  // Per processor, not per module: backoff state for messages whose handling failed.
  const failures = new Map<string, FailureState>();
  let running = false;
  let lastSuccessfulPollAt: Date | undefined;
  let lastPass: InboxPassFinishedEvent | undefined;
  let lastError: InboxProcessorError | undefined;
  let lastHandshakeAt: Date | undefined;
  /** Calls a caller's callback; a faulty one must not stop message processing. */
  const notify = <E>(callback: ((event: E) => void) | undefined, event: E) => {
    try {
      callback?.(event);
    } catch {
      // Ignored on purpose.
    }
  };
  const report = (error: unknown, context: { messageId?: string; stage: InboxStage }) => {
    lastError = {
      at: new Date(),
      stage: context.stage,
      ...(context.messageId !== undefined && { messageId: context.messageId }),
      ...(isMeshError(error) && { code: error.code }),
      error,
    };
    try {
      onError?.(error, context);
    } catch {
      // A faulty onError must not stop message processing.
    }
  };

  async function handshakeIfDue(): Promise<void> {
    if (options.handshake !== true) return;
    if (lastHandshakeAt && Date.now() - lastHandshakeAt.getTime() < handshakeIntervalMs) return;
    try {
      await client.handshake({ signal: stopSignal });
      lastHandshakeAt = new Date();
    } catch (error) {
      if (!stopSignal.aborted) report(error, { stage: 'handshake' });
    }
  }

  async function* messageIds(): AsyncGenerator<string> {
    const seen = new Set<string>();
    const filters = workflowIds ?? [undefined];
    for (const workflowId of filters) {
      for await (const id of client.listMessages({
        ...(workflowId !== undefined && { workflowFilter: workflowId }),
        signal: stopSignal,
      })) {
        if (!seen.has(id)) {
          seen.add(id);
          yield id;
        }
      }
    }
  }

  async function handleOne(messageId: string, summary: InboxRunSummary): Promise<void> {
    const state = failures.get(messageId);
    const started = Date.now();
    let stage: InboxMessageFailedEvent['stage'] = 'retrieve';
    try {
      const message = await client.retrieveMessage(messageId, { signal: stopSignal });
      stage = 'handler';
      try {
        await handler(message, { signal: stopSignal, attempt: state?.failures ?? 0 });
      } finally {
        // Whatever the handler left unread must not hold the connection open.
        message.body.destroy();
      }
      stage = 'acknowledge';
      await client.acknowledgeMessage(messageId, { signal: stopSignal });
      failures.delete(messageId);
      summary.processed++;
      notify(options.onMessageHandled, {
        messageId,
        messageType: message.messageType,
        ...(message.workflowId !== undefined && { workflowId: message.workflowId }),
        attempt: state?.failures ?? 0,
        durationMs: Date.now() - started,
      });
    } catch (error) {
      summary.failed++;
      const count = (state?.failures ?? 0) + 1;
      const delay = Math.min(
        failureBackoffMs * 2 ** (count - 1),
        Math.max(failureBackoffMs, pollIntervalMs * 4),
      );
      const retryAt = Date.now() + delay;
      failures.set(messageId, { failures: count, retryAt });
      report(error, { messageId, stage });
      notify(options.onMessageFailed, {
        messageId,
        stage,
        error,
        failures: count,
        retryAt: new Date(retryAt),
      });
    }
  }

  async function runOnce(): Promise<InboxRunSummary> {
    const summary: InboxRunSummary = { processed: 0, failed: 0, deferred: 0 };
    if (stopSignal.aborted) return summary;
    const startedAt = new Date();
    await handshakeIfDue();
    const inFlight = new Set<Promise<void>>();
    let polled = false;
    try {
      for await (const id of messageIds()) {
        if (stopSignal.aborted) break;
        const state = failures.get(id);
        if (state && state.retryAt > Date.now()) {
          summary.deferred++;
          continue;
        }
        const task: Promise<void> = handleOne(id, summary).finally(() => inFlight.delete(task));
        inFlight.add(task);
        if (inFlight.size >= concurrency) await Promise.race(inFlight);
      }
      if (!stopSignal.aborted) {
        polled = true;
        lastSuccessfulPollAt = new Date();
      }
    } catch (error) {
      if (!stopSignal.aborted) report(error, { stage: 'list' });
    } finally {
      await Promise.allSettled(inFlight);
    }
    lastPass = { ...summary, startedAt, durationMs: Date.now() - startedAt.getTime(), polled };
    notify(options.onPassFinished, lastPass);
    return summary;
  }

  async function drain(): Promise<InboxRunSummary> {
    const total: InboxRunSummary = { processed: 0, failed: 0, deferred: 0 };
    for (;;) {
      const run = await runOnce();
      total.processed += run.processed;
      total.failed += run.failed;
      total.deferred = run.deferred;
      if (run.processed === 0 || stopSignal.aborted) return total;
    }
  }

  async function start(): Promise<void> {
    running = true;
    try {
      await loop();
    } finally {
      running = false;
    }
  }

  async function loop(): Promise<void> {
    while (!stopSignal.aborted) {
      const run = await runOnce();
      if (stopSignal.aborted) break;
      // More may be waiting after a productive pass (MESH allows polling again at once in that case).
      if (run.processed > 0) continue;
      try {
        await sleep(pollIntervalMs, stopSignal);
      } catch {
        break;
      }
    }
  }

  function health(): InboxProcessorHealth {
    return {
      running,
      ...(lastSuccessfulPollAt !== undefined && { lastSuccessfulPollAt }),
      ...(lastPass !== undefined && { lastPass }),
      ...(lastError !== undefined && { lastError }),
      ...(lastHandshakeAt !== undefined && { lastHandshakeAt }),
    };
  }

  return { runOnce, drain, start, health };
}
