import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ChunkStore,
  fileChunkStore,
  memoryChunkStore,
  type StoredChunk,
  TOO_LARGE,
} from './chunk-store.js';

/** Feeds parts to a writer the way readBody does: waits whenever the writer asks the source to pause. */
async function feed(
  store: ChunkStore,
  parts: Buffer[],
  limit: number,
): Promise<{ result: StoredChunk | typeof TOO_LARGE; paused: number }> {
  const writer = store.create(limit);
  let paused = 0;
  for (const part of parts) {
    const outcome = writer.write(part);
    if (outcome === TOO_LARGE) return { result: TOO_LARGE, paused };
    if (outcome) {
      paused += 1;
      await outcome;
    }
  }
  return { result: await writer.end(), paused };
}

/** The stored chunk, failing the test when the writer gave up. */
function stored(result: StoredChunk | typeof TOO_LARGE): StoredChunk {
  if (result === TOO_LARGE) throw new Error('expected a stored chunk, got TOO_LARGE');
  return result;
}

const parts = (count: number, size: number) =>
  Array.from({ length: count }, (_, i) => Buffer.alloc(size, i % 251));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chunk-store-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const files = () => readdirSync(join(dir, readdirSync(dir)[0] as string));

describe.each([
  ['memory', () => memoryChunkStore()],
  ['file', () => fileChunkStore(dir)],
])('%s chunk store', (_name, make) => {
  it('stores the parts in order, byte for byte', async () => {
    const store = make();
    const input = parts(5, 1000);
    const { result } = await feed(store, input, 5000);
    const chunk = stored(result);
    expect(chunk.size).toBe(5000);
    expect((await chunk.readAll()).equals(Buffer.concat(input))).toBe(true);
    const firstHalf: Buffer[] = [];
    for await (const p of chunk.open(1500)) firstHalf.push(p as Buffer);
    expect(Buffer.concat(firstHalf).equals(Buffer.concat(input).subarray(0, 1500))).toBe(true);
    store.dispose();
  });

  it('gives up one byte over the limit', async () => {
    const store = make();
    expect((await feed(store, parts(5, 1000), 4999)).result).toBe(TOO_LARGE);
    store.dispose();
  });

  it('stores an empty body as an empty chunk', async () => {
    const store = make();
    const { result } = await feed(store, [], 10);
    expect(stored(result).size).toBe(0);
    store.dispose();
  });
});

describe('file chunk store', () => {
  it('asks the source to pause when the file falls behind, and still stores everything', async () => {
    const store = fileChunkStore(dir);
    // 8 MiB in 1 MiB parts: the write stream's 1 MiB buffer fills at once.
    const input = parts(8, 1024 * 1024);
    const { result, paused } = await feed(store, input, Number.POSITIVE_INFINITY);
    expect(paused).toBeGreaterThan(0);
    const chunk = stored(result);
    expect((await chunk.readAll()).equals(Buffer.concat(input))).toBe(true);
    expect(files()).toHaveLength(1);
    chunk.discard();
    expect(files()).toHaveLength(0);
    store.dispose();
  });

  it('leaves no file behind for an oversized or aborted body', async () => {
    const store = fileChunkStore(dir);
    expect((await feed(store, parts(3, 1000), 2500)).result).toBe(TOO_LARGE);
    const writer = store.create(Number.POSITIVE_INFINITY);
    writer.write(Buffer.alloc(1000, 1));
    writer.abort();
    // The aborted stream may still be opening its file: it is removed again once the stream has closed.
    for (let i = 0; i < 100 && files().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(files()).toHaveLength(0);
    store.dispose();
  });
});
