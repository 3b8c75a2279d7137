import type { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { authenticate } from '../http/authenticate.js';
import { type Exchange, type HeaderMap, send, sendEmpty, sendError, sendJson } from '../http/exchange.js';
import { header } from '../http/mex-headers.js';
import type { ServerState } from '../state.js';
import { meshTimestamp, type StoredMessage } from '../store/message-store.js';

const yn = (v: string | undefined) =>
  v === undefined ? undefined : /^(y|yes|t|true|on|1)$/i.test(v) ? 'Y' : 'N';

function notFound(ex: Exchange, messageId?: string): void {
  sendError(ex, 404, {
    event: 'RECEIVE',
    code: '20',
    msg: 'Message does not exist',
    ...(messageId ? { messageId } : {}),
  });
}

function gone(ex: Exchange, messageId: string): void {
  sendError(ex, 410, {
    event: 'RECEIVE',
    code: 'MessageGone',
    msg: 'Message no longer available for download',
    messageId,
  });
}

/**
 * Finds a message the authenticated mailbox may download or acknowledge; answers 404/403/410 otherwise.
 * Messages still uploading are not in any inbox, so they are 404 like unknown ids.
 */
function findInboxMessage(ex: Exchange, state: ServerState, mailboxId: string, messageId: string) {
  const mailbox = authenticate(ex, state, mailboxId);
  if (!mailbox) return undefined;
  const message = state.store.get(messageId);
  if (!message || message.status === 'uploading') return notFound(ex, messageId);
  if (message.recipient !== mailbox.id) {
    return sendError(ex, 403, { event: 'RECEIVE', code: '07', msg: 'Not the recipient of this message' });
  }
  return message;
}

function acceptsGzip(ex: Exchange): boolean {
  return header(ex, 'accept-encoding')
    .split(',')
    .some((part) => {
      const [coding, ...params] = part.trim().toLowerCase().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return coding?.trim() === 'gzip' && (!q || Number(q.trim().slice(2)) > 0);
    });
}

function responseHeaders(ex: Exchange, m: StoredMessage, n: number): HeaderMap {
  const isReport = m.type === 'REPORT';
  const total = m.totalChunks;
  const statusTime = m.statusTimestamp ?? m.deliveredAt ?? m.uploadedAt;
  const contentType =
    ex.version === 2 && total === 1 && m.meta.contentType ? m.meta.contentType : 'application/octet-stream';
  return {
    'content-type': contentType,
    'mex-from': m.sender,
    'mex-to': isReport ? m.intendedRecipient : m.recipient,
    'mex-workflowid': m.workflowId,
    'mex-chunk-range': `${n}:${total}`,
    'mex-total-chunks': String(total),
    'mex-addresstype': 'ALL',
    'mex-localid': m.meta.localId,
    'mex-partnerid': m.meta.partnerId,
    'mex-filename': m.meta.fileName ?? `${m.id}.dat`,
    'mex-subject': m.meta.subject,
    'mex-version': '1.0',
    'mex-messagetype': m.type,
    'mex-messageid': m.id,
    'mex-linkedmsgid': m.linkedMessageId,
    'mex-statuscode': isReport ? m.statusCode : '00',
    'mex-statusevent': isReport ? m.statusEvent : 'TRANSFER',
    'mex-statusdescription': isReport ? m.statusDescription : 'Transferred to recipient mailbox',
    'mex-statussuccess': isReport ? 'ERROR' : 'SUCCESS',
    'mex-statustimestamp': meshTimestamp(statusTime),
    'mex-content-compressed': yn(m.meta.compressed),
    'mex-content-encrypted': yn(m.meta.encrypted),
    'mex-content-checksum': m.meta.checksum,
    'mex-content-type': m.meta.contentType,
    'last-modified': (m.deliveredAt ?? m.uploadedAt).toUTCString(),
    etag: `"${m.id}-${n}"`,
  };
}

/** `GET|HEAD /messageexchange/{mailbox}/inbox/{id}[/{n}]`: one chunk; 206 while more chunks follow. */
export function download(
  ex: Exchange,
  state: ServerState,
  mailboxId: string,
  messageId: string,
  chunkText?: string,
) {
  const message = findInboxMessage(ex, state, mailboxId, messageId);
  if (!message) return;
  if (message.status !== 'accepted') return gone(ex, message.id);
  const n = chunkText === undefined ? 1 : /^\d{1,6}$/.test(chunkText) ? Number(chunkText) : -1;
  const chunkCount = Math.max(1, message.totalChunks);
  if (n < 1 || n > chunkCount) return notFound(ex, message.id);
  const headers = responseHeaders(ex, message, n);
  const status = n < message.totalChunks ? 206 : 200;
  const chunk = message.chunks[n - 1];
  if (!chunk) {
    // REPORTs have no body.
    send(ex, status, headers);
    return;
  }
  const gzipOk = acceptsGzip(ex);
  if (message.contentEncoding === 'gzip' && gzipOk) {
    headers['content-encoding'] = 'gzip';
    if (state.options.sandboxCompressedFlag) headers['mex-content-compressed'] = 'Y';
    send(ex, status, headers, { open: (limit) => chunk.open(limit), declaredLength: chunk.size });
    return;
  }
  if (message.contentEncoding === 'gzip') {
    // The client cannot take gzip: decompress on the way out; the length is unknown, so no Content-Length.
    send(ex, status, headers, { open: (limit) => chunk.open(limit).pipe(createGunzip()) });
    return;
  }
  if (ex.version === 2 && gzipOk && state.options.compressDownloads) {
    headers['content-encoding'] = 'gzip';
    if (state.options.sandboxCompressedFlag) headers['mex-content-compressed'] = 'Y';
    send(ex, status, headers, { open: (limit) => chunk.open(limit).pipe(createGzip()) });
    return;
  }
  send(ex, status, headers, { open: (limit) => chunk.open(limit), declaredLength: chunk.size });
}

/** `PUT /messageexchange/{mailbox}/inbox/{id}/status/acknowledged`: removes the message from the inbox; idempotent. */
export function acknowledge(ex: Exchange, state: ServerState, mailboxId: string, messageId: string) {
  const message = findInboxMessage(ex, state, mailboxId, messageId);
  if (!message) return;
  if (message.status === 'accepted') {
    message.status = 'acknowledged';
    message.acknowledgedAt = state.clock.now();
  } else if (message.status !== 'acknowledged') {
    return gone(ex, message.id);
  }
  if (ex.version === 2) sendEmpty(ex, 200);
  else sendJson(ex, 200, { messageId: message.id });
}

/** @internal used by readMessageBody: the decoded body of every chunk, concatenated. */
export async function decodedBody(message: StoredMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const chunk of message.chunks) {
    const raw = chunk.open();
    const stream = message.contentEncoding === 'gzip' ? raw.pipe(createGunzip()) : raw;
    for await (const p of stream as Readable) parts.push(p as Buffer);
  }
  return Buffer.concat(parts);
}
