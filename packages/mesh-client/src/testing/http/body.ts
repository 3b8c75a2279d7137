import { PassThrough } from 'node:stream';
import { type ChunkStore, type StoredChunk, TOO_LARGE } from '../store/chunk-store.js';
import { ConnectionDropped, type Exchange, sendError } from './exchange.js';

/** Answers 413 for a body over the limit; the connection is closed because the rest of the body is not read. */
export function sendTooLarge(ex: Exchange, limit: number, messageId?: string): void {
  ex.res.setHeader('connection', 'close');
  sendError(ex, 413, {
    event: 'SEND',
    code: 'RequestTooLarge',
    msg: `Request body exceeds the maximum of ${limit} bytes`,
    ...(messageId ? { messageId } : {}),
  });
}

/**
 * Reads the request body into the chunk store, up to `limit` bytes. Returns undefined when a response has
 * already been sent (413), and throws {@link ConnectionDropped} for the request-reset fault or a client abort.
 */
export async function readBody(
  ex: Exchange,
  store: ChunkStore,
  limit: number,
  options: { messageId?: string; gzip?: boolean } = {},
): Promise<StoredChunk | undefined> {
  const { messageId } = options;
  const { req } = ex;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    sendTooLarge(ex, limit, messageId);
    return undefined;
  }
  if (ex.requestReset) {
    // Let some of the body arrive first, so the client is genuinely mid-upload when the connection dies.
    await new Promise<void>((resolve) => {
      req.once('data', () => resolve());
      req.once('end', () => resolve());
      req.once('close', () => resolve());
    });
    req.socket.resetAndDestroy();
    throw new ConnectionDropped();
  }
  // A PassThrough between the request and the store, so that giving up on an oversized body does not destroy
  // the request (and with it the socket we still need for the 413).
  const pass = new PassThrough({ highWaterMark: 1024 * 1024 });
  const onClose = () => {
    if (!req.complete) pass.destroy(new ConnectionDropped());
  };
  req.on('close', onClose);
  req.pipe(pass);
  let head = Buffer.alloc(0);
  const counted = async function* (): AsyncGenerator<Buffer> {
    for await (const part of pass) {
      ex.requestBytes += (part as Buffer).length;
      if (head.length < 2) head = Buffer.concat([head, (part as Buffer).subarray(0, 2)]);
      yield part as Buffer;
    }
  };
  try {
    const result = await store.put(counted(), limit);
    if (result === TOO_LARGE) {
      req.unpipe(pass);
      req.resume();
      sendTooLarge(ex, limit, messageId);
      return undefined;
    }
    // Only the gzip magic number is checked (not the whole stream): cheap, and it catches a client that labels
    // an uncompressed body `Content-Encoding: gzip`, which would break every download of the message.
    if (options.gzip && result.size > 0 && !(head[0] === 0x1f && head[1] === 0x8b)) {
      result.discard();
      sendError(ex, 400, {
        event: 'SEND',
        code: 'InvalidContentEncoding',
        msg: 'Content-Encoding is gzip but the body is not gzip data',
        ...(messageId ? { messageId } : {}),
      });
      return undefined;
    }
    return result;
  } catch {
    throw new ConnectionDropped();
  } finally {
    req.off('close', onClose);
  }
}
