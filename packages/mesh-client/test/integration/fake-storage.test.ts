import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeMesh, startFakeMesh } from '../../src/testing/index.js';
import { MB1, MB2, mesh, messageId, sendMessage } from './fake-helpers.js';

let dir: string;
let fake: FakeMesh;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fake-mesh-store-'));
  fake = await startFakeMesh({ storageDirectory: dir, maxRequestBytes: 300_000 });
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('file-backed storage', () => {
  it('streams chunks to files and back, byte for byte, and passes gzip through', async () => {
    const a = Buffer.alloc(200_000, 0x41);
    const b = Buffer.alloc(100_000, 0x42);
    const za = gzipSync(a);
    const id = messageId(
      await sendMessage(fake.url, MB1, 'X26ABC2', za, {
        'mex-chunk-range': '1:2',
        'content-encoding': 'gzip',
      }),
    );
    const second = await mesh(fake.url, MB1, {
      method: 'POST',
      path: `/messageexchange/X26ABC1/outbox/${id}/2`,
      headers: { 'mex-chunk-range': '2:2', 'content-encoding': 'gzip' },
      body: gzipSync(b),
    });
    expect(second.status).toBe(202);
    const inner = readdirSync(dir);
    expect(inner).toHaveLength(1);
    expect(readdirSync(join(dir, inner[0]!))).toHaveLength(2);

    const zipped = await mesh(fake.url, MB2, {
      path: `/messageexchange/X26ABC2/inbox/${id}`,
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(zipped.status).toBe(206);
    expect(zipped.body.equals(za)).toBe(true);
    const plain = await mesh(fake.url, MB2, { path: `/messageexchange/X26ABC2/inbox/${id}/2` });
    expect(plain.body.equals(b)).toBe(true);
    expect((await fake.readMessageBody(id)).equals(Buffer.concat([a, b]))).toBe(true);
  });

  it('discards an oversized streamed body without keeping a file', async () => {
    const before = readdirSync(join(dir, readdirSync(dir)[0]!)).length;
    const res = await sendMessage(fake.url, MB1, 'X26ABC2', Buffer.alloc(300_001, 1));
    expect(res.status).toBe(413);
    expect(readdirSync(join(dir, readdirSync(dir)[0]!)).length).toBe(before);
  });

  it('truncates file-backed downloads when asked', async () => {
    const id = await fake.deliver({ to: 'X26ABC2', workflowId: 'WF', body: Buffer.alloc(10_000, 3) });
    fake.failNext('download', 'truncate');
    await expect(mesh(fake.url, MB2, { path: `/messageexchange/X26ABC2/inbox/${id}` })).rejects.toThrow();
    const ok = await mesh(fake.url, MB2, { path: `/messageexchange/X26ABC2/inbox/${id}` });
    expect(ok.body.length).toBe(10_000);
  });

  it('removes its directory on close', async () => {
    const own = mkdtempSync(join(tmpdir(), 'fake-mesh-store2-'));
    try {
      const other = await startFakeMesh({ storageDirectory: own });
      await other.deliver({ to: 'X26ABC2', workflowId: 'WF', body: 'x' });
      expect(readdirSync(own)).toHaveLength(1);
      await other.close();
      expect(readdirSync(own)).toHaveLength(0);
      expect(existsSync(own)).toBe(true);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});
