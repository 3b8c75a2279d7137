import type { Clock } from './clock.js';
import type { MailboxRegistry } from './registry.js';
import type { ChunkStore } from './store/chunk-store.js';
import type { MessageStore, StoredMessage } from './store/message-store.js';
import type { TokenLedger } from './token-ledger.js';
import type { FakeReportOptions } from './types.js';

/** Options after defaults. */
export interface ResolvedOptions {
  sharedKey: string;
  defaultPageSize: number;
  maxRequestBytes: number;
  maxMessageBytes: number;
  minNonFinalChunkBytes: number;
  tokenWindowMs: number;
  requireOsArchitecture: boolean;
  inboxExpiryDays: number;
  messageExpiryDays: number;
  reportChunkRange: '1:0' | '1:1';
  sandboxCompressedFlag: boolean;
  compressDownloads: boolean;
}

/** Everything the route handlers share. */
export interface ServerState {
  readonly options: ResolvedOptions;
  readonly clock: Clock;
  readonly registry: MailboxRegistry;
  readonly store: MessageStore;
  readonly chunks: ChunkStore;
  readonly tokens: TokenLedger;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** MESH's wording for the codes a fake REPORT can carry. */
export const STATUS_DESCRIPTIONS: Record<string, string> = {
  '02': 'Data file is missing or inaccessible',
  '06': 'Malformed control file',
  '07': 'Invalid From Address',
  '08': 'Missing Mex-To header',
  '11': 'Invalid Message Type for the transfer',
  '12': 'Unregistered to address',
  '14': 'Message not collected by recipient',
  '15': "Bad 'Child Protection - Information Sharing' (CP-IS) file",
  '16': 'Sender is not allowed to send messages of this type',
  '17': 'Workflow ID not registered for mailbox',
};

/**
 * Fails a message and, when it has a sender, puts a REPORT in the sender's inbox (SPEC "Asynchronous error
 * reporting"): empty body, `mex-messagetype: REPORT`, `mex-linkedmsgid` = the failed message.
 */
export function createReport(
  state: ServerState,
  original: StoredMessage,
  options: FakeReportOptions = {},
): string {
  const now = state.clock.now();
  const code = options.code ?? '14';
  const event = options.event ?? 'TRANSFER';
  const description = options.description ?? STATUS_DESCRIPTIONS[code] ?? 'Undelivered message';
  original.status = 'error';
  original.statusCode = code;
  original.statusEvent = event;
  original.statusDescription = description;
  original.statusTimestamp = now;
  const to = original.sender ?? original.recipient;
  const report = state.store.add({
    id: state.store.newId(now),
    type: 'REPORT',
    recipient: to,
    intendedRecipient: original.recipient,
    workflowId: original.workflowId,
    status: 'accepted',
    totalChunks: state.options.reportChunkRange === '1:0' ? 0 : 1,
    chunks: [],
    meta: {
      ...(original.meta.localId !== undefined ? { localId: original.meta.localId } : {}),
      ...(original.meta.subject !== undefined ? { subject: original.meta.subject } : {}),
    },
    linkedMessageId: original.id,
    statusCode: code,
    statusEvent: event,
    statusDescription: description,
    statusTimestamp: now,
    uploadedAt: now,
  });
  state.store.deliver(report, now);
  return report.id;
}

/**
 * Applies MESH's retention rules at the fake clock's time: a message left in an inbox for `inboxExpiryDays`
 * fails with code 14 and its sender gets a REPORT; after `messageExpiryDays` it is deleted.
 */
export function runExpiry(state: ServerState): void {
  const now = state.clock.now().getTime();
  const { inboxExpiryDays, messageExpiryDays } = state.options;
  for (const m of state.store.all()) {
    const since = (m.deliveredAt ?? m.uploadedAt).getTime();
    if (now - since >= messageExpiryDays * DAY_MS) {
      state.store.delete(m.id);
      continue;
    }
    if (
      m.status === 'accepted' &&
      m.deliveredAt &&
      now - m.deliveredAt.getTime() >= inboxExpiryDays * DAY_MS
    ) {
      if (m.type === 'REPORT') {
        m.status = 'undeliverable';
        continue;
      }
      createReport(state, m, {
        code: '14',
        event: 'TRANSFER',
        description: `Message not collected by recipient after ${inboxExpiryDays} days`,
      });
    }
  }
}
