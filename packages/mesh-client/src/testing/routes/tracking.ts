import { authenticate } from '../http/authenticate.js';
import { type Exchange, sendError, sendJson, sendValidationError } from '../http/exchange.js';
import type { ServerState } from '../state.js';
import { meshTimestamp, type StoredMessage } from '../store/message-store.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Naive ISO 8601 (no zone), as mesh-sandbox emits: clients must assume UTC. */
const iso = (d: Date | undefined) => (d ? d.toISOString().slice(0, -1) : undefined);

const title = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}

function expiry(state: ServerState, m: StoredMessage): Date {
  const from = (m.deliveredAt ?? m.uploadedAt).getTime();
  return new Date(from + state.options.inboxExpiryDays * DAY_MS);
}

function v2Body(state: ServerState, m: StoredMessage): Record<string, unknown> {
  const recipient = state.registry.record(m.recipient);
  const sender = m.sender ? state.registry.record(m.sender) : undefined;
  const failed = m.status === 'error' || m.status === 'undeliverable';
  return withoutUndefined({
    message_id: m.id,
    local_id: m.meta.localId,
    workflow_id: m.workflowId,
    filename: m.meta.fileName ?? `${m.id}.dat`,
    message_type: m.type,
    sender: m.sender,
    sender_name: sender?.name,
    sender_ods_code: sender?.odsCode,
    recipient: m.recipient,
    recipient_name: recipient?.name,
    recipient_ods_code: recipient?.odsCode,
    recipient_org_code: recipient?.odsCode,
    recipient_org_name: recipient ? '' : undefined,
    chunk_count: m.totalChunks,
    file_size: m.chunks.reduce((n, c) => n + c.size, 0),
    checksum: m.meta.checksum,
    expiry_time: iso(expiry(state, m)),
    upload_timestamp: iso(m.uploadedAt),
    status_success: !failed,
    status: m.status,
    status_event: m.statusEvent,
    status_timestamp: iso(m.statusTimestamp ?? m.acknowledgedAt),
    status_description: m.statusDescription,
    status_code: m.statusCode,
  });
}

function v1Body(state: ServerState, m: StoredMessage): Record<string, unknown> {
  const recipient = state.registry.record(m.recipient);
  const sender = m.sender ? state.registry.record(m.sender) : undefined;
  const failed = m.status === 'error' || m.status === 'undeliverable';
  const ts = (d: Date | undefined) => (d ? meshTimestamp(d) : undefined);
  return withoutUndefined({
    addressType: 'ALL',
    checksum: m.meta.checksum,
    chunkCount: m.totalChunks,
    compressFlag: m.meta.compressed,
    contentEncoding: m.contentEncoding,
    downloadTimestamp: ts(m.acknowledgedAt),
    dtsId: m.id,
    encryptedFlag: m.meta.encrypted,
    expiryTime: ts(expiry(state, m)),
    failureDate: failed ? ts(m.statusTimestamp) : undefined,
    failureDiagnostic: failed ? m.statusDescription : undefined,
    fileName: m.meta.fileName ?? `${m.id}.dat`,
    fileSize: m.chunks.reduce((n, c) => n + c.size, 0),
    isCompressed: m.contentEncoding === 'gzip' ? 'Y' : 'N',
    linkedMsgId: m.linkedMessageId,
    localId: m.meta.localId,
    meshRecipientOdsCode: recipient?.odsCode,
    messageId: m.id,
    messageType: m.type === 'DATA' ? 'Data' : 'Report',
    partnerId: m.meta.partnerId,
    recipient: m.recipient,
    recipientName: recipient?.name,
    recipientOrgCode: recipient?.odsCode,
    recipientOrgName: '',
    sender: m.sender,
    senderName: sender?.name,
    senderOdsCode: sender?.odsCode,
    senderOrgCode: sender?.odsCode,
    senderOrgName: sender ? '' : undefined,
    status: title(m.status),
    statusCode: m.statusCode,
    statusDescription: m.statusDescription,
    statusEvent: m.statusEvent,
    statusSuccess: failed ? 'ERROR' : 'SUCCESS',
    statusTimestamp: ts(m.statusTimestamp ?? m.acknowledgedAt),
    subject: m.meta.subject,
    uploadTimestamp: ts(m.uploadedAt),
    version: '1.0',
    workflowId: m.workflowId,
  });
}

function notFound(ex: Exchange): void {
  sendError(ex, 404, { event: 'TRACK', code: '20', msg: 'Message does not exist' });
}

/**
 * `GET /messageexchange/{mailbox}/outbox/tracking?messageID=…`. Only the sender may track; anyone else gets
 * 404, not 403, as Spine does.
 */
export function trackById(ex: Exchange, state: ServerState, mailboxId: string) {
  const mailbox = authenticate(ex, state, mailboxId);
  if (!mailbox) return;
  const id = ex.url.searchParams.get('messageID');
  if (!id) return sendValidationError(ex, 'query', 'messageID', 'field required');
  const message = state.store.get(id);
  if (!message || message.sender !== mailbox.id) return notFound(ex);
  sendJson(ex, 200, ex.version === 2 ? v2Body(state, message) : v1Body(state, message));
}

/** `GET /messageexchange/{mailbox}/outbox/tracking/{localId}` (deprecated): v1 body; 300 when ambiguous. */
export function trackByLocalId(ex: Exchange, state: ServerState, mailboxId: string, localId: string) {
  const mailbox = authenticate(ex, state, mailboxId);
  if (!mailbox) return;
  const found = state.store
    .all()
    .filter((m) => m.type === 'DATA' && m.sender === mailbox.id && m.meta.localId === localId);
  if (found.length === 0) return notFound(ex);
  if (found.length > 1) {
    return sendError(ex, 300, { event: 'TRACK', code: 'MultipleMatches', msg: 'Local id is not unique' });
  }
  sendJson(ex, 200, v1Body(state, found[0]!));
}
