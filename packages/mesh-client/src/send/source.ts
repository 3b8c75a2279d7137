import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { invalidArgument, MeshError } from '../errors.js';
import { CHUNK_LIMITS } from '../options.js';

/**
 * What `sendMessage` accepts as the payload: bytes, text (UTF-8), a file, a Node Readable or any async iterable of
 * bytes. Streams of unknown length are spooled to a temporary file first, because MESH needs the chunk count on
 * the first request.
 */
export type MeshMessageSource =
  | Buffer
  | Uint8Array
  | string
  | { path: string }
  | Readable
  | AsyncIterable<Uint8Array>;

/** @internal A payload whose length is known, readable as fixed-size chunks with bounded memory. */
export interface PlannedSource {
  totalBytes: number;
  /**
   * Yields chunks of exactly `chunkSize` bytes (the last may be shorter). A chunk may be overwritten once the chunk
   * after the next one is requested (two buffers in turn), so memory stays at two chunks.
   */
  chunks(chunkSize: number): AsyncGenerator<Buffer>;
  cleanup(): Promise<void>;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

function toBuffer(piece: unknown): Buffer {
  if (Buffer.isBuffer(piece)) return piece;
  if (piece instanceof Uint8Array) return Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
  if (typeof piece === 'string') return Buffer.from(piece, 'utf8');
  throw invalidArgument('The message source must yield Uint8Array chunks');
}

/**
 * @internal Re-cuts a byte stream into pieces of exactly `size` bytes (the last may be shorter). With `reuse`, the
 * pieces are views of two buffers used in turn: a piece stays valid until the piece after the next one is
 * requested. That lets sendMessage read chunk n+1 while chunk n uploads, with memory bounded by two chunks.
 */
export async function* rechunk(
  source: AsyncIterable<unknown>,
  size: number,
  reuse = false,
): AsyncGenerator<Buffer> {
  const pair = reuse ? [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)] : [];
  let turn = 0;
  let target = reuse ? (pair[0] as Buffer) : Buffer.allocUnsafe(size);
  let held = 0;
  for await (const raw of source) {
    let piece = toBuffer(raw);
    while (piece.length > 0) {
      const take = Math.min(size - held, piece.length);
      piece.copy(target, held, 0, take);
      held += take;
      piece = piece.subarray(take);
      if (held === size) {
        yield target;
        turn = 1 - turn;
        target = reuse ? (pair[turn] as Buffer) : Buffer.allocUnsafe(size);
        held = 0;
      }
    }
  }
  if (held > 0) yield target.subarray(0, held);
}

function bufferSource(bytes: Buffer): PlannedSource {
  return {
    totalBytes: bytes.length,
    async *chunks(size) {
      for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
    },
    async cleanup() {},
  };
}

function fileSource(path: string, totalBytes: number, onCleanup?: () => Promise<void>): PlannedSource {
  return {
    totalBytes,
    async *chunks(size) {
      const handle = await open(path, 'r');
      try {
        let position = 0;
        // Two buffers used in turn for the whole file (see rechunk): read-ahead of one chunk, no per-chunk garbage.
        const pair = [
          Buffer.allocUnsafe(Math.min(size, totalBytes)),
          Buffer.allocUnsafe(Math.min(size, totalBytes)),
        ];
        let turn = 0;
        while (position < totalBytes) {
          const length = Math.min(size, totalBytes - position);
          const buffer = (pair[turn] as Buffer).subarray(0, length);
          turn = 1 - turn;
          let filled = 0;
          while (filled < length) {
            const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
            if (bytesRead === 0) throw invalidArgument('The file became shorter while it was being sent');
            filled += bytesRead;
          }
          position += length;
          yield buffer;
        }
      } finally {
        await handle.close();
      }
    },
    async cleanup() {
      await onCleanup?.();
    },
  };
}

/** @internal A stream of known length: chunks are cut as the stream is read; the length is checked. */
function streamSource(iterable: AsyncIterable<unknown>, totalBytes: number): PlannedSource {
  let used = false;
  return {
    totalBytes,
    async *chunks(size) {
      if (used) throw invalidArgument('A stream source can be sent only once');
      used = true;
      let seen = 0;
      for await (const chunk of rechunk(iterable, size, true)) {
        seen += chunk.length;
        if (seen > totalBytes) throw invalidArgument('The stream is longer than the declared contentLength');
        yield chunk;
      }
      if (seen !== totalBytes) throw invalidArgument('The stream is shorter than the declared contentLength');
    },
    async cleanup() {},
  };
}

/**
 * @internal Turns any accepted source into a {@link PlannedSource}. Streams of unknown length longer than one
 * chunk are spooled to a temporary file (deleted by `cleanup`), so memory stays bounded by two chunks.
 */
export async function planSource(
  source: MeshMessageSource,
  options: {
    chunkSizeBytes: number;
    contentLength?: number | undefined;
    spoolDirectory?: string | undefined;
  },
): Promise<PlannedSource> {
  const planned = await plan(source, options);
  if (planned.totalBytes === 0) {
    await planned.cleanup();
    throw invalidArgument('A MESH message must not be empty');
  }
  if (planned.totalBytes > CHUNK_LIMITS.maxMessageBytes) {
    await planned.cleanup();
    throw new MeshError(`The message is larger than the ${CHUNK_LIMITS.maxMessageBytes}-byte MESH limit`, {
      code: 'PAYLOAD_TOO_LARGE',
    });
  }
  return planned;
}

async function plan(
  source: MeshMessageSource,
  options: {
    chunkSizeBytes: number;
    contentLength?: number | undefined;
    spoolDirectory?: string | undefined;
  },
): Promise<PlannedSource> {
  if (typeof source === 'string') return bufferSource(Buffer.from(source, 'utf8'));
  if (Buffer.isBuffer(source) || source instanceof Uint8Array) return bufferSource(toBuffer(source));
  if (typeof source === 'object' && source !== null && 'path' in source && typeof source.path === 'string') {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(source.path);
    } catch (cause) {
      throw invalidArgument('The message file cannot be read', cause);
    }
    if (!info.isFile()) throw invalidArgument('The message path is not a regular file');
    return fileSource(source.path, info.size);
  }
  if (!isAsyncIterable(source)) {
    throw invalidArgument(
      'The message source must be a Buffer, string, { path }, Readable or async iterable',
    );
  }
  const { contentLength } = options;
  if (contentLength !== undefined) {
    if (!Number.isSafeInteger(contentLength) || contentLength < 0) {
      throw invalidArgument('contentLength must be a non-negative integer');
    }
    return streamSource(source, contentLength);
  }
  // Unknown length: read one chunk ahead. If the stream ends within it, send from memory; otherwise spool.
  const iterator = rechunk(source, options.chunkSizeBytes)[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return bufferSource(Buffer.alloc(0));
  const second = await iterator.next();
  if (second.done) return bufferSource(first.value);
  const dir = await mkdtemp(join(options.spoolDirectory ?? tmpdir(), 'gpes-mesh-spool-'));
  const path = join(dir, 'payload');
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    let total = 0;
    async function* rest() {
      yield first.value as Buffer;
      total += (first.value as Buffer).length;
      yield second.value as Buffer;
      total += (second.value as Buffer).length;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        total += next.value.length;
        if (total > CHUNK_LIMITS.maxMessageBytes) {
          throw new MeshError('The message is larger than the MESH limit', { code: 'PAYLOAD_TOO_LARGE' });
        }
        yield next.value;
      }
    }
    await pipeline(Readable.from(rest()), createWriteStream(path, { mode: 0o600 }));
    return fileSource(path, total, cleanup);
  } catch (error) {
    await cleanup();
    throw error;
  }
}
