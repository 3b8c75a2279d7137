import type { FileStateStore } from '../state/store.js';
import type { OutgoingMessage, SendAttempt, ServiceState } from '../state/types.js';
import type { ServiceEvent } from './hooks.js';

/** What the outbox needs from MESH: a send, and a lookup by local id for reconciliation. */
export interface MeshPort {
  send(request: {
    readonly to: string;
    readonly workflowId: string;
    readonly localId: string;
    readonly subject: string;
    readonly fileName: string;
    readonly contentType: string;
    readonly compressed: boolean;
    readonly path: string;
    readonly onChunk: (chunk: number, totalChunks: number) => void;
    readonly signal: AbortSignal;
  }): Promise<{ readonly messageId: string; readonly chunks: number }>;
  /**
   * The message sent with this local id, or undefined when MESH has none. Throws when MESH cannot say. Must not
   * answer undefined while an earlier attempt could still be stored: `attemptClosedAt` is when the last attempt
   * was torn down, if known (else the adapter counts its grace period from now).
   */
  findByLocalId(
    localId: string,
    signal: AbortSignal,
    attemptClosedAt?: Date,
  ): Promise<{ readonly messageId: string; readonly status: string } | undefined>;
  /** When a failed send's last attempt was torn down, if the error says. */
  attemptClosedAt?(error: unknown): Date | undefined;
}

/** How a failed send is classified by the caller's MESH adapter. */
export type SendFailure = 'rejected' | 'unknown';

export interface OutboxOptions {
  readonly store: FileStateStore;
  readonly mesh: MeshPort;
  /** Classifies a send error: `rejected` = MESH refused it (no retry helps), `unknown` = reconcile later. */
  readonly classify: (error: unknown) => SendFailure;
  readonly emit: (event: ServiceEvent) => void;
  /** Called after a chunk is uploaded; may throw to simulate a crash (see FaultPoint `mid-upload`). */
  readonly onChunk: (message: OutgoingMessage, chunk: number, totalChunks: number) => void;
  /** Called once MESH has accepted a message, before its id is recorded; may throw (`after-send`). */
  readonly afterSend: (message: OutgoingMessage) => void;
  /** Applies the consequences of a delivered message to the rest of the state (e.g. practice → sent). */
  readonly onSent: (draft: ServiceState, message: OutgoingMessage) => void;
  /** Applies the consequences of a message MESH refused. */
  readonly onRejected: (draft: ServiceState, message: OutgoingMessage, error: unknown) => void;
  readonly now: () => Date;
}

/** Local id of attempt `n` (0-based): the message's own UUID first, then `<UUID>-<n+1>` so tracking stays unique. */
export function attemptLocalId(messageId: string, attempt: number): string {
  return attempt === 0 ? messageId : `${messageId}-${attempt + 1}`;
}

/**
 * Sends queued messages so that a crash at any moment never loses one and never duplicates one:
 * the intent ("sending, local id X") is durable before the first POST, and after a restart or an ambiguous failure
 * the outbox asks MESH whether X arrived before it sends again (a blind retry of the first POST would duplicate).
 */
export class DurableOutbox {
  readonly #options: OutboxOptions;

  constructor(options: OutboxOptions) {
    this.#options = options;
  }

  /**
   * Sends (or reconciles) every pending message, oldest first. A message whose outcome stays unknown (network
   * failure, MESH unavailable) is left for the next flush; the service stopping (`signal`) ends the flush at once.
   * @returns the errors of the messages left pending.
   */
  async flush(signal: AbortSignal): Promise<unknown[]> {
    const pending = Object.values(this.#options.store.state.outbox)
      .filter((m) => m.status === 'prepared' || m.status === 'sending')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const errors: unknown[] = [];
    for (const message of pending) {
      signal.throwIfAborted();
      try {
        await this.#deliver(message.id, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        errors.push(error);
      }
    }
    return errors;
  }

  async #deliver(id: string, signal: AbortSignal): Promise<void> {
    const { store, mesh, emit } = this.#options;
    let message = store.state.outbox[id];
    if (!message) return;

    if (message.status === 'sending') {
      const last = message.attempts.at(-1);
      if (last && last.outcome === undefined) {
        // The previous process (or call) stopped between recording the intent and recording the result.
        // Until the grace period after the attempt was torn down has passed, "not found" is not an answer: the
        // adapter waits it out (mesh-client's reconcileSend rule), so a late-stored first attempt is found.
        const found = await mesh.findByLocalId(
          last.localId,
          signal,
          last.closedAt === undefined ? undefined : new Date(last.closedAt),
        );
        if (
          found &&
          found.status !== 'uploading' &&
          found.status !== 'error' &&
          found.status !== 'undeliverable'
        ) {
          emit({ type: 'reconciled', localId: last.localId, outcome: 'already-sent' });
          await this.#recordSent(id, found.messageId);
          return;
        }
        emit({
          type: 'reconciled',
          localId: last.localId,
          outcome:
            found === undefined
              ? 'not-sent'
              : found.status === 'uploading'
                ? 'partial-upload'
                : 'undelivered',
        });
        // Not in MESH, or an upload that never completed (it will never be delivered): send again, new local id.
        await store.update((draft) => {
          const entry = draft.outbox[id];
          const attempt = entry?.attempts.at(-1);
          if (!attempt) return;
          // Keep MESH's id of an upload that will never complete, so a later REPORT about it is recognised.
          if (found) attempt.messageId = found.messageId;
          attempt.outcome = found && found.status !== 'uploading' ? 'undelivered' : 'not-sent';
        });
      }
    }

    const attemptNumber = message.attempts.length;
    const attempt: SendAttempt = {
      localId: attemptLocalId(message.id, attemptNumber),
      startedAt: this.#options.now().toISOString(),
    };
    await store.update((draft) => {
      const entry = draft.outbox[id];
      if (!entry) return;
      entry.status = 'sending';
      entry.attempts.push(attempt);
    });
    message = store.state.outbox[id];
    if (!message) return;

    let result: { messageId: string; chunks: number };
    try {
      const current = message;
      result = await mesh.send({
        to: current.to,
        workflowId: current.workflowId,
        localId: attempt.localId,
        subject: current.subject,
        fileName: current.fileName,
        contentType: current.contentType,
        compressed: current.compressed,
        path: store.spoolPath(current.file),
        onChunk: (chunk, totalChunks) => this.#options.onChunk(current, chunk, totalChunks),
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      if (this.#options.classify(error) === 'rejected') {
        await store.update((draft) => {
          const entry = draft.outbox[id];
          if (!entry) return;
          entry.status = 'failed';
          const last = entry.attempts.at(-1);
          if (last) last.outcome = 'not-sent';
          this.#options.onRejected(draft, entry, error);
        });
        return;
      }
      // Outcome unknown: leave the intent recorded (with when the attempt was torn down); the next flush
      // reconciles through tracking first.
      const closedAt = mesh.attemptClosedAt?.(error);
      if (closedAt) {
        await store.update((draft) => {
          const last = draft.outbox[id]?.attempts.at(-1);
          if (last && last.localId === attempt.localId) last.closedAt = closedAt.toISOString();
        });
      }
      throw error;
    }
    this.#options.afterSend(message);
    await this.#recordSent(id, result.messageId);
    emit({
      type: 'sent',
      kind: message.kind,
      workflowId: message.workflowId,
      messageId: result.messageId,
      localId: attempt.localId,
      bytes: message.bytes,
      chunks: result.chunks,
      summary: message.description ?? message.subject,
    });
  }

  async #recordSent(id: string, messageId: string): Promise<void> {
    await this.#options.store.update((draft) => {
      const entry = draft.outbox[id];
      if (!entry) return;
      entry.status = 'sent';
      const last = entry.attempts.at(-1);
      if (last) {
        last.messageId = messageId;
        last.outcome = 'sent';
      }
      this.#options.onSent(draft, entry);
    });
  }
}
