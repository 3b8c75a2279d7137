import { authenticate } from '../http/authenticate.js';
import { readBody } from '../http/body.js';
import { type Exchange, sendError, sendJson, sendValidationError } from '../http/exchange.js';
import { header, validateMexHeaders } from '../http/mex-headers.js';
import type { ServerState } from '../state.js';
import type { StoredChunk } from '../store/chunk-store.js';
import type { MessageMetadata } from '../store/message-store.js';

const MAX_CHUNKS = 100_000;

function invalidChunks(ex: Exchange, messageId?: string): void {
  sendError(ex, 417, {
    event: 'SEND',
    code: 'InvalidHeaderChunks',
    msg: 'Invalid chunk values sent in mex-Chunk-Range header',
    ...(messageId ? { messageId } : {}),
  });
}

/** Parses `n:N`; undefined when malformed or out of range. */
function parseRange(value: string): { n: number; total: number } | undefined {
  const m = /^(\d{1,6}):(\d{1,6})$/.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const total = Number(m[2]);
  return n >= 1 && total >= 1 && n <= total && total <= MAX_CHUNKS ? { n, total } : undefined;
}

/** `gzip` or none; anything else is refused as MESH does. */
function contentEncoding(ex: Exchange): 'gzip' | 'none' | 'unsupported' {
  const v = header(ex, 'content-encoding').trim().toLowerCase();
  if (v === '' || v === 'identity') return 'none';
  return v === 'gzip' ? 'gzip' : 'unsupported';
}

function emptyBody(ex: Exchange, messageId?: string): void {
  sendError(ex, 417, {
    event: 'COLLECT',
    code: '02',
    msg: 'Data file is missing or inaccessible.',
    ...(messageId ? { messageId } : {}),
  });
}

function tooSmall(ex: Exchange, state: ServerState, chunk: StoredChunk, messageId?: string): boolean {
  const min = state.options.minNonFinalChunkBytes;
  if (min <= 0 || chunk.size >= min) return false;
  chunk.discard();
  sendError(ex, 417, {
    event: 'SEND',
    code: 'InvalidHeaderChunks',
    msg: `Chunks other than the last must be at least ${min} bytes`,
    ...(messageId ? { messageId } : {}),
  });
  return true;
}

function optional(ex: Exchange, name: string): string | undefined {
  return header(ex, name) || undefined;
}

/** `POST /messageexchange/{mailbox}/outbox`: a whole message, or chunk 1 of N. */
export async function sendMessage(ex: Exchange, state: ServerState, mailboxId: string): Promise<void> {
  const sender = authenticate(ex, state, mailboxId);
  if (!sender || !validateMexHeaders(ex)) return;
  const to = header(ex, 'mex-to').trim().toUpperCase();
  const workflowId = header(ex, 'mex-workflowid').trim();
  if (!to) return sendValidationError(ex, 'header', 'mex-to', 'field required');
  if (!workflowId) return sendValidationError(ex, 'header', 'mex-workflowid', 'field required');
  const encoding = contentEncoding(ex);
  if (encoding === 'unsupported') {
    return sendError(ex, 422, {
      event: 'SEND',
      code: 'UnsupportedContentEncoding',
      msg: 'Only gzip content encoding is supported',
    });
  }
  // Neither header is needed any more, but when a client sends them they must be right.
  const from = header(ex, 'mex-from').trim();
  if (from && from.toUpperCase() !== sender.id) {
    return sendError(ex, 417, {
      event: 'SEND',
      code: '07',
      msg: 'Invalid From Address, the mailbox does not match the authorization header',
    });
  }
  const messageType = header(ex, 'mex-messagetype').trim();
  if (messageType && messageType.toUpperCase() !== 'DATA') {
    return sendError(ex, 417, { event: 'SEND', code: '11', msg: 'Invalid Message Type for the transfer' });
  }
  const rangeHeader = header(ex, 'mex-chunk-range');
  const range = rangeHeader ? parseRange(rangeHeader) : { n: 1, total: 1 };
  if (range?.n !== 1) return invalidChunks(ex);
  if (!state.registry.record(to)) {
    return sendError(ex, 417, { event: 'SEND', code: '12', msg: 'Unregistered to address' });
  }
  if (
    !state.registry.allows(sender.id, workflowId, 'send') ||
    !state.registry.allows(to, workflowId, 'receive')
  ) {
    return sendError(ex, 417, { event: 'SEND', code: '17', msg: 'Workflow ID not registered for mailbox' });
  }
  const limit = Math.min(state.options.maxRequestBytes, state.options.maxMessageBytes);
  const chunk = await readBody(ex, state.chunks, limit, { gzip: encoding === 'gzip' });
  if (!chunk) return;
  if (chunk.size === 0) {
    chunk.discard();
    return emptyBody(ex);
  }
  if (range.total > 1 && tooSmall(ex, state, chunk)) return;
  const now = state.clock.now();
  const meta: MessageMetadata = {};
  const set = (key: keyof MessageMetadata, name: string) => {
    const v = optional(ex, name);
    if (v !== undefined) meta[key] = v;
  };
  set('localId', 'mex-localid');
  set('subject', 'mex-subject');
  set('fileName', 'mex-filename');
  set('partnerId', 'mex-partnerid');
  set('contentType', 'mex-content-type');
  set('checksum', 'mex-content-checksum');
  set('encrypted', 'mex-content-encrypted');
  set('compressed', 'mex-content-compressed');
  // SPEC: for single-chunk messages the request Content-Type stands in when mex-content-type is absent.
  if (!meta.contentType && range.total === 1) {
    const ct = optional(ex, 'content-type');
    if (ct && ct !== 'application/octet-stream') meta.contentType = ct;
  }
  const message = state.store.add({
    id: state.store.newId(now),
    type: 'DATA',
    sender: sender.id,
    recipient: to,
    workflowId,
    status: 'uploading',
    totalChunks: range.total,
    chunks: [chunk],
    ...(encoding === 'gzip' ? { contentEncoding: 'gzip' as const } : {}),
    meta,
    uploadedAt: now,
  });
  if (range.total === 1) state.store.deliver(message, now);
  sendJson(ex, 202, ex.version === 2 ? { message_id: message.id } : { messageID: message.id });
}

/** `POST /messageexchange/{mailbox}/outbox/{id}/{n}`: chunk n (2..N) of a message still uploading. */
export async function uploadChunk(
  ex: Exchange,
  state: ServerState,
  mailboxId: string,
  messageId: string,
  chunkText: string,
): Promise<void> {
  const sender = authenticate(ex, state, mailboxId);
  if (!sender || !validateMexHeaders(ex)) return;
  if (!/^\d{1,6}$/.test(chunkText))
    return sendValidationError(ex, 'path', 'chunk_number', 'must be an integer');
  const n = Number(chunkText);
  const message = state.store.get(messageId);
  if (!message) return sendError(ex, 404, { event: 'SEND', code: '20', msg: 'Message does not exist' });
  const id = message.id;
  if (message.sender !== sender.id) {
    return sendError(ex, 403, { event: 'SEND', code: '07', msg: 'Invalid From Address', messageId: id });
  }
  if (message.type !== 'DATA') {
    return sendError(ex, 406, { event: 'SEND', code: '11', msg: 'Invalid Message Type', messageId: id });
  }
  if (message.status !== 'uploading') {
    return sendError(ex, 423, {
      event: 'SEND',
      code: 'MessageFinalised',
      msg: 'Messages has been finalised; no more chunks can be uploaded',
      messageId: id,
    });
  }
  if (n < 1 || n > message.totalChunks) {
    return sendError(ex, 406, {
      event: 'SEND',
      code: 'InvalidHeaderChunks',
      msg: `Chunk ${n} is outside 1..${message.totalChunks}`,
      messageId: id,
    });
  }
  const range = parseRange(header(ex, 'mex-chunk-range'));
  if (!range || range.n !== n || range.total !== message.totalChunks) return invalidChunks(ex, id);
  const encoding = contentEncoding(ex);
  if (encoding === 'unsupported') {
    return sendError(ex, 422, {
      event: 'SEND',
      code: 'UnsupportedContentEncoding',
      msg: 'Only gzip content encoding is supported',
      messageId: id,
    });
  }
  if ((encoding === 'gzip') !== (message.contentEncoding === 'gzip')) {
    return sendError(ex, 417, {
      event: 'SEND',
      code: 'InvalidContentEncoding',
      msg: 'cannot change content encoding',
      messageId: id,
    });
  }
  const received = message.chunks.length;
  if (n > received + 1) {
    return sendError(ex, 417, {
      event: 'SEND',
      code: 'InvalidHeaderChunks',
      msg: `Chunk ${n} sent before chunk ${received + 1}`,
      messageId: id,
    });
  }
  const storedSoFar = message.chunks.reduce((sum, c, i) => (i === n - 1 ? sum : sum + c.size), 0);
  const limit = Math.min(state.options.maxRequestBytes, state.options.maxMessageBytes - storedSoFar);
  const chunk = await readBody(ex, state.chunks, Math.max(0, limit), {
    messageId: id,
    gzip: encoding === 'gzip',
  });
  if (!chunk) return;
  if (chunk.size === 0) {
    chunk.discard();
    return emptyBody(ex, id);
  }
  if (n < message.totalChunks && tooSmall(ex, state, chunk, id)) return;
  // The message may have been finalised or expired while this body was arriving.
  if (message.status !== 'uploading' || state.store.get(id) !== message) {
    chunk.discard();
    return sendError(ex, 423, {
      event: 'SEND',
      code: 'MessageFinalised',
      msg: 'Messages has been finalised; no more chunks can be uploaded',
      messageId: id,
    });
  }
  if (n <= message.chunks.length) {
    // A retried chunk replaces the earlier copy (MESH accepts re-uploads while the message is uploading).
    message.chunks[n - 1]?.discard();
    message.chunks[n - 1] = chunk;
  } else {
    message.chunks.push(chunk);
  }
  if (message.chunks.length === message.totalChunks) state.store.deliver(message, state.clock.now());
  sendJson(ex, 202, ex.version === 2 ? { message_id: id } : { messageID: id, blockID: n });
}
