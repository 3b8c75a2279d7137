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
  // The body goes straight from the request's 'data' events into the store: no intermediate stream or async
  // iteration per part, which made the fake server the bottleneck of large transfers. Giving up on an oversized
  // body must not destroy the request, because its socket still carries the 413.
  return new Promise<StoredChunk | undefined>((resolve, reject) => {
    const writer = store.create(limit);
    let head = Buffer.alloc(0);
    let settled = false;
    const detach = () => {
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', dropped);
    };
    function dropped(): void {
      if (settled) return;
      detach();
      writer.abort();
      reject(new ConnectionDropped());
    }
    function onData(part: Buffer): void {
      ex.requestBytes += part.length;
      if (head.length < 2) head = Buffer.concat([head, part.subarray(0, 2 - head.length)]);
      const outcome = writer.write(part);
      if (outcome === TOO_LARGE) {
        detach();
        // The rest of the body is read and dropped while the 413 goes out.
        req.resume();
        sendTooLarge(ex, limit, messageId);
        resolve(undefined);
      } else if (outcome) {
        req.pause();
        outcome.then(() => {
          if (!settled) req.resume();
        }, dropped);
      }
    }
    function onEnd(): void {
      if (settled) return;
      detach();
      writer.end().then(
        (chunk) => resolve(checkGzip(ex, chunk, head, options)),
        () => reject(new ConnectionDropped()),
      );
    }
    function onClose(): void {
      if (!req.complete) dropped();
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.on('error', dropped);
  });
}

/**
 * Only the gzip magic number is checked (not the whole stream): cheap, and it catches a client that labels an
 * uncompressed body `Content-Encoding: gzip`, which would break every download of the message.
 */
function checkGzip(
  ex: Exchange,
  chunk: StoredChunk,
  head: Buffer,
  options: { messageId?: string; gzip?: boolean },
): StoredChunk | undefined {
  if (!options.gzip || chunk.size === 0 || (head[0] === 0x1f && head[1] === 0x8b)) return chunk;
  chunk.discard();
  sendError(ex, 400, {
    event: 'SEND',
    code: 'InvalidContentEncoding',
    msg: 'Content-Encoding is gzip but the body is not gzip data',
    ...(options.messageId ? { messageId: options.messageId } : {}),
  });
  return undefined;
}
