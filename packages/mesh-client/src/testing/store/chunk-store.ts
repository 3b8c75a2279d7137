import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** The stored bytes of one chunk, exactly as uploaded (gzip stays gzip). */
export interface StoredChunk {
  readonly size: number;
  /** Streams the bytes; `limit` stops after that many bytes (used by the reset/truncate faults). */
  open(limit?: number): Readable;
  readAll(): Promise<Buffer>;
  discard(): void;
}

/** Result of writing more bytes than the writer's limit. */
export const TOO_LARGE = Symbol('too-large');

/**
 * Receives one chunk body as it arrives. `write` is synchronous so that a request's 'data' events can feed it
 * directly: it returns {@link TOO_LARGE} once the limit is passed (what was written is discarded and the writer
 * is finished), a promise when the source should pause until it settles (file back-pressure), or undefined.
 */
export interface ChunkWriter {
  write(part: Uint8Array): typeof TOO_LARGE | Promise<void> | undefined;
  /** All bytes given: the stored chunk. Rejects when the storage failed. */
  end(): Promise<StoredChunk>;
  /** Gives up (the upload was dropped): discards what was written. */
  abort(): void;
}

/** Where chunk bodies live: memory for tests, a directory for large payloads (benchmarks). */
export interface ChunkStore {
  /** A writer that gives up once more than `limit` bytes arrive. */
  create(limit: number): ChunkWriter;
  fromBuffer(data: Buffer): Promise<StoredChunk>;
  clear(): void;
  /** Releases everything (the directory, for the file store). */
  dispose(): void;
}

/**
 * The parts exactly as they arrived (views of the socket's reads), not joined: joining would copy every chunk
 * once more and allocate chunk-sized buffers, which made the fake server the slowest party of a large transfer.
 */
class MemoryChunk implements StoredChunk {
  readonly size: number;
  constructor(private readonly parts: readonly Buffer[]) {
    this.size = parts.reduce((n, p) => n + p.length, 0);
  }
  open(limit?: number): Readable {
    if (limit === undefined) return Readable.from(this.parts);
    const out: Buffer[] = [];
    let left = limit;
    for (const part of this.parts) {
      if (left <= 0) break;
      out.push(part.length > left ? part.subarray(0, left) : part);
      left -= part.length;
    }
    return Readable.from(out);
  }
  async readAll(): Promise<Buffer> {
    return Buffer.concat(this.parts, this.size);
  }
  discard(): void {}
}

/** Keeps chunks as Buffers. */
export function memoryChunkStore(): ChunkStore {
  return {
    create(limit) {
      let parts: Buffer[] = [];
      let size = 0;
      return {
        write(part) {
          size += part.length;
          if (size > limit) {
            parts = [];
            return TOO_LARGE;
          }
          // A view, not a copy (see MemoryChunk).
          parts.push(Buffer.from(part.buffer, part.byteOffset, part.length));
          return undefined;
        },
        async end() {
          const chunk = new MemoryChunk(parts);
          parts = [];
          return chunk;
        },
        abort() {
          parts = [];
        },
      };
    },
    async fromBuffer(data) {
      return new MemoryChunk([data]);
    },
    clear() {},
    dispose() {},
  };
}

class FileChunk implements StoredChunk {
  constructor(
    private readonly path: string,
    readonly size: number,
  ) {}
  open(limit?: number): Readable {
    if (this.size === 0 || limit === 0) return Readable.from([]);
    return createReadStream(this.path, {
      end: limit === undefined ? undefined : limit - 1,
      highWaterMark: 1024 * 1024,
    });
  }
  async readAll(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const p of this.open()) parts.push(p as Buffer);
    return Buffer.concat(parts);
  }
  discard(): void {
    rmSync(this.path, { force: true });
  }
}

/** Streams chunks to files under `directory`, so memory stays flat whatever the message size. */
export function fileChunkStore(directory: string): ChunkStore {
  const dir = join(directory, `fake-mesh-${randomUUID()}`);
  mkdirSync(dir, { recursive: true });
  const create = (limit: number): ChunkWriter => {
    const path = join(dir, randomUUID());
    const out = createWriteStream(path, { highWaterMark: 1024 * 1024 });
    let failure: unknown;
    // Kept so that a disk error never goes unhandled; `end` reports it.
    out.on('error', (error) => {
      failure ??= error;
    });
    let size = 0;
    const remove = () => {
      out.destroy();
      rmSync(path, { force: true });
      // The file may still be being opened when the writer gives up: remove it again once the stream is closed.
      out.once('close', () => rmSync(path, { force: true }));
    };
    return {
      write(part) {
        size += part.length;
        if (size > limit) {
          remove();
          return TOO_LARGE;
        }
        if (out.write(part)) return undefined;
        return once(out, 'drain').then(() => undefined);
      },
      async end() {
        try {
          if (failure) throw failure;
          out.end();
          await finished(out);
        } catch (error) {
          remove();
          throw error;
        }
        return new FileChunk(path, size);
      },
      abort: remove,
    };
  };
  return {
    create,
    async fromBuffer(data) {
      const writer = create(Number.POSITIVE_INFINITY);
      await writer.write(data);
      return writer.end();
    },
    clear() {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
