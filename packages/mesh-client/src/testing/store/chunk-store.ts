import { randomUUID } from 'node:crypto';
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

/** Result of storing a body that went over the size limit. */
export const TOO_LARGE = Symbol('too-large');

/** Where chunk bodies live: memory for tests, a directory for large payloads (benchmarks). */
export interface ChunkStore {
  /** Consumes `source`; gives up (and discards what it wrote) once more than `limit` bytes arrive. */
  put(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    limit: number,
  ): Promise<StoredChunk | typeof TOO_LARGE>;
  fromBuffer(data: Buffer): Promise<StoredChunk>;
  clear(): void;
  /** Releases everything (the directory, for the file store). */
  dispose(): void;
}

class MemoryChunk implements StoredChunk {
  constructor(private readonly data: Buffer) {}
  get size(): number {
    return this.data.length;
  }
  open(limit?: number): Readable {
    return Readable.from([limit === undefined ? this.data : this.data.subarray(0, limit)]);
  }
  async readAll(): Promise<Buffer> {
    return this.data;
  }
  discard(): void {}
}

/** Keeps chunks as Buffers. */
export function memoryChunkStore(): ChunkStore {
  return {
    async put(source, limit) {
      const parts: Buffer[] = [];
      let size = 0;
      for await (const part of source) {
        size += part.length;
        if (size > limit) return TOO_LARGE;
        parts.push(Buffer.from(part.buffer, part.byteOffset, part.length));
      }
      return new MemoryChunk(Buffer.concat(parts, size));
    },
    async fromBuffer(data) {
      return new MemoryChunk(data);
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
  const newPath = () => join(dir, randomUUID());
  return {
    async put(source, limit) {
      const path = newPath();
      const out = createWriteStream(path, { highWaterMark: 1024 * 1024 });
      let size = 0;
      try {
        for await (const part of source) {
          size += part.length;
          if (size > limit) {
            out.destroy();
            rmSync(path, { force: true });
            return TOO_LARGE;
          }
          if (!out.write(part)) await new Promise<void>((r) => out.once('drain', r));
        }
        out.end();
        await finished(out);
      } catch (error) {
        out.destroy();
        rmSync(path, { force: true });
        throw error;
      }
      return new FileChunk(path, size);
    },
    async fromBuffer(data) {
      return this.put([data], Number.POSITIVE_INFINITY) as Promise<StoredChunk>;
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
