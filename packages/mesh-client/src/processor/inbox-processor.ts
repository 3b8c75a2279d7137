import type { MeshClient } from '../client.js';
import { invalidArgument } from '../errors.js';
import type { MeshRetrievedMessage } from '../messages.js';
import { sleep } from '../transport/retry.js';

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
}

/** Where a failure happened. */
export type InboxStage = 'list' | 'retrieve' | 'handler' | 'acknowledge';

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
}

interface FailureState {
  failures: number;
  retryAt: number;
}

/**
 * Creates an at-least-once inbox processor: poll → download → `handler` → acknowledge. A message is acknowledged
 * only after its handler resolves, so a handler error or a crash leaves it in the inbox for the next run.
 * @throws {MeshError} `INVALID_ARGUMENT` for bad options.
 */
export function createInboxProcessor(options: InboxProcessorOptions): InboxProcessor {
  const { client, handler, signal, onError } = options;
  if (!client || typeof client.listMessages !== 'function') throw invalidArgument('client is required');
  if (typeof handler !== 'function') throw invalidArgument('handler must be a function');
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw invalidArgument('concurrency must be an integer between 1 and 64');
  }
  const pollIntervalMs = options.pollIntervalMs ?? 300_000;
  if (!Number.isInteger(pollIntervalMs) || pollIntervalMs < 0) {
    throw invalidArgument('pollIntervalMs must be a non-negative integer');
  }
  const failureBackoffMs = options.failureBackoffMs ?? 30_000;
  if (!Number.isInteger(failureBackoffMs) || failureBackoffMs < 0) {
    throw invalidArgument('failureBackoffMs must be a non-negative integer');
  }
  const workflowIds = options.workflowIds;
  if (workflowIds !== undefined && (!Array.isArray(workflowIds) || workflowIds.length === 0)) {
    throw invalidArgument('workflowIds must be a non-empty array when given');
  }
  const stopSignal = signal ?? new AbortController().signal;
  // Per processor, not per module: backoff state for messages whose handling failed.
  const failures = new Map<string, FailureState>();
  const report = (error: unknown, context: { messageId?: string; stage: InboxStage }) => {
    try {
      onError?.(error, context);
    } catch {
      // A faulty onError must not stop message processing.
    }
  };

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
    let stage: InboxStage = 'retrieve';
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
    } catch (error) {
      summary.failed++;
      const count = (state?.failures ?? 0) + 1;
      const delay = Math.min(
        failureBackoffMs * 2 ** (count - 1),
        Math.max(failureBackoffMs, pollIntervalMs * 4),
      );
      failures.set(messageId, { failures: count, retryAt: Date.now() + delay });
      report(error, { messageId, stage });
    }
  }

  async function runOnce(): Promise<InboxRunSummary> {
    const summary: InboxRunSummary = { processed: 0, failed: 0, deferred: 0 };
    if (stopSignal.aborted) return summary;
    const running = new Set<Promise<void>>();
    try {
      for await (const id of messageIds()) {
        if (stopSignal.aborted) break;
        const state = failures.get(id);
        if (state && state.retryAt > Date.now()) {
          summary.deferred++;
          continue;
        }
        const task: Promise<void> = handleOne(id, summary).finally(() => running.delete(task));
        running.add(task);
        if (running.size >= concurrency) await Promise.race(running);
      }
    } catch (error) {
      if (!stopSignal.aborted) report(error, { stage: 'list' });
    } finally {
      await Promise.allSettled(running);
    }
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

  return { runOnce, drain, start };
}
