import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planSource, rechunk } from './source.js';

async function collect(gen: AsyncGenerator<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const b of gen) out.push(Buffer.from(b));
  return out;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesh-source-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('rechunk', () => {
  it('cuts arbitrary pieces into exact sizes', async () => {
    async function* pieces() {
      yield Buffer.from('abc');
      yield new Uint8Array([100, 101, 102, 103, 104]);
      yield Buffer.from('ij');
    }
    const chunks = await collect(rechunk(pieces(), 4));
    expect(chunks.map(String)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('refuses non-byte pieces', async () => {
    async function* bad() {
      yield 42 as unknown as Uint8Array;
    }
    await expect(collect(rechunk(bad(), 4))).rejects.toThrow(/Uint8Array/);
  });
});

describe('planSource', () => {
  it('plans strings, buffers and files with their lengths', async () => {
    expect((await planSource('h\u00e9', { chunkSizeBytes: 4 })).totalBytes).toBe(3);
    const file = join(dir, 'f.bin');
    await writeFile(file, Buffer.alloc(10, 1));
    const planned = await planSource({ path: file }, { chunkSizeBytes: 4 });
    expect(planned.totalBytes).toBe(10);
    expect((await collect(planned.chunks(4))).map((c) => c.length)).toEqual([4, 4, 2]);
  });

  it('keeps a short stream of unknown length in memory and spools a long one, then deletes the spool', async () => {
    const short = await planSource(Readable.from([Buffer.from('abc')]), {
      chunkSizeBytes: 4,
      spoolDirectory: dir,
    });
    expect(short.totalBytes).toBe(3);
    expect(await readdir(dir)).toEqual([]);
    const long = await planSource(Readable.from([Buffer.alloc(5), Buffer.alloc(6)]), {
      chunkSizeBytes: 4,
      spoolDirectory: dir,
    });
    expect(long.totalBytes).toBe(11);
    expect(await readdir(dir)).toHaveLength(1);
    expect((await collect(long.chunks(4))).map((c) => c.length)).toEqual([4, 4, 3]);
    await long.cleanup();
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects empty payloads, missing files and unsupported sources', async () => {
    await expect(planSource(Buffer.alloc(0), { chunkSizeBytes: 4 })).rejects.toThrow(/empty/);
    await expect(planSource({ path: join(dir, 'missing') }, { chunkSizeBytes: 4 })).rejects.toThrow(
      /cannot be read/,
    );
    await expect(planSource(42 as never, { chunkSizeBytes: 4 })).rejects.toThrow(/must be a Buffer/);
  });

  it('checks a declared contentLength against the stream', async () => {
    const planned = await planSource(Readable.from([Buffer.alloc(9)]), {
      chunkSizeBytes: 4,
      contentLength: 8,
    });
    await expect(collect(planned.chunks(4))).rejects.toThrow(/longer than the declared/);
  });
});
