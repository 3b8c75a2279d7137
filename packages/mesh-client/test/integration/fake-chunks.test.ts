import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeMesh, startFakeMesh } from '../../src/testing/index.js';
import { type Mailbox, MB1, MB2, mesh, messageId, type RawResponse, sendMessage } from './fake-helpers.js';

let fake: FakeMesh;
beforeEach(async () => {
  fake = await startFakeMesh();
});
afterEach(async () => {
  await fake.close();
});

function chunk(
  id: string,
  n: number,
  range: string | undefined,
  body: Buffer | string,
  extra = {},
  who: Mailbox = MB1,
) {
  return mesh(fake.url, who, {
    method: 'POST',
    path: `/messageexchange/${who.id}/outbox/${id}/${n}`,
    headers: {
      ...(range ? { 'mex-chunk-range': range } : {}),
      'content-type': 'application/octet-stream',
      ...extra,
    },
    body,
  });
}

const code = (res: RawResponse) => res.json<{ detail: Array<{ code: string }> }>().detail[0]?.code;

async function start(total: number, headers = {}): Promise<string> {
  const res = await sendMessage(fake.url, MB1, 'X26ABC2', 'part-1|', {
    'mex-chunk-range': `1:${total}`,
    ...headers,
  });
  expect(res.status).toBe(202);
  return messageId(res);
}

describe('chunked send', () => {
  it('assembles chunks in order, lists the message only after the last, and serves 206 then 200', async () => {
    const id = await start(3);
    expect(fake.message(id)?.status).toBe('uploading');
    expect(fake.inbox('X26ABC2')).toEqual([]);
    const tracking = await mesh(fake.url, MB1, {
      path: `/messageexchange/X26ABC1/outbox/tracking?messageID=${id}`,
    });
    expect(tracking.json()).toMatchObject({ status: 'uploading' });
    expect((await chunk(id, 2, '2:3', 'part-2|')).status).toBe(202);
    // Still not downloadable.
    expect((await mesh(fake.url, MB2, { path: `/messageexchange/X26ABC2/inbox/${id}` })).status).toBe(404);
    const last = await chunk(id, 3, '3:3', 'part-3');
    expect(last.status).toBe(202);
    expect(last.json()).toEqual({ message_id: id });
    expect(fake.inbox('X26ABC2').map((m) => m.messageId)).toEqual([id]);

    const first = await mesh(fake.url, MB2, { path: `/messageexchange/X26ABC2/inbox/${id}` });
    expect(first.status).toBe(206);
    expect(first.headers['mex-chunk-range']).toBe('1:3');
    expect(first.headers['mex-total-chunks']).toBe('3');
    expect(first.text()).toBe('part-1|');
    const second = await mesh(fake.url, MB2, { path: `/messageexchange/X26ABC2/inbox/${id}/2` });
    expect(second.status).toBe(206);
    expect(second.text()).toBe('part-2|');
    const third = await mesh(fake.url, MB2, { path: `/messageexchange/X26ABC2/inbox/${id}/3` });
    expect(third.status).toBe(200);
    expect(third.headers['mex-chunk-range']).toBe('3:3');
    expect(third.text()).toBe('part-3');
    expect((await mesh(fake.url, MB2, { path: `/messageexchange/X26ABC2/inbox/${id}/4` })).status).toBe(404);
    expect((await fake.readMessageBody(id)).toString()).toBe('part-1|part-2|part-3');
  });

  it('answers the v1 chunk body with the block id', async () => {
    const id = await start(2);
    const res = await mesh(fake.url, MB1, {
      v1: true,
      method: 'POST',
      path: `/messageexchange/X26ABC1/outbox/${id}/2`,
      headers: { 'mex-chunk-range': '2:2' },
      body: 'x',
    });
    expect(res.json()).toEqual({ messageID: id, blockID: 2 });
  });

  it('accepts a re-upload of an in-progress chunk, replacing it', async () => {
    const id = await start(3);
    expect((await chunk(id, 2, '2:3', 'first-try')).status).toBe(202);
    expect((await chunk(id, 2, '2:3', 'part-2|')).status).toBe(202);
    expect((await chunk(id, 3, '3:3', 'part-3')).status).toBe(202);
    expect((await fake.readMessageBody(id)).toString()).toBe('part-1|part-2|part-3');
  });

  it('refuses chunks after finalisation with 423', async () => {
    const id = await start(2);
    expect((await chunk(id, 2, '2:2', 'b')).status).toBe(202);
    expect((await chunk(id, 2, '2:2', 'b')).status).toBe(423);
  });

  it('refuses an out-of-order chunk with 417', async () => {
    const id = await start(3);
    const res = await chunk(id, 3, '3:3', 'c');
    expect(res.status).toBe(417);
    expect(code(res)).toBe('InvalidHeaderChunks');
  });

  it.each([
    ['missing', undefined],
    ['not matching the path', '3:3'],
    ['with a different total', '2:4'],
    ['malformed', 'two:three'],
  ])('refuses a chunk whose range is %s', async (_name, range) => {
    const id = await start(3);
    const res = await chunk(id, 2, range, 'b');
    expect(res.status).toBe(417);
    expect(res.json()).toMatchObject({ message_id: id, detail: [{ code: 'InvalidHeaderChunks' }] });
  });

  it('answers 406 for a chunk number beyond the total', async () => {
    const id = await start(2);
    expect((await chunk(id, 3, '3:2', 'c')).status).toBe(406);
  });

  it('answers 404 for an unknown message and 403 for another sender', async () => {
    expect((await chunk('20260101000000000000_ABCDEF', 2, '2:2', 'b')).status).toBe(404);
    const id = await start(2);
    expect((await chunk(id, 2, '2:2', 'b', {}, MB2)).status).toBe(403);
  });

  it('refuses a change of Content-Encoding between chunks', async () => {
    const id = await start(2);
    const res = await chunk(id, 2, '2:2', gzipSync('b'), { 'content-encoding': 'gzip' });
    expect(res.status).toBe(417);
    expect(code(res)).toBe('InvalidContentEncoding');
  });

  it.each([
    ['2:3', 417],
    ['0:1', 417],
    ['1:x', 417],
  ])('refuses Mex-Chunk-Range %s on /outbox', async (range, status) => {
    const res = await sendMessage(fake.url, MB1, 'X26ABC2', 'x', { 'mex-chunk-range': range });
    expect(res.status).toBe(status);
    expect(code(res)).toBe('InvalidHeaderChunks');
  });

  it('refuses an empty chunk', async () => {
    const id = await start(2);
    const res = await chunk(id, 2, '2:2', '');
    expect(res.status).toBe(417);
    expect(code(res)).toBe('02');
  });
});

describe('gzip', () => {
  it('stores gzip chunks as sent and passes them through only to clients that accept gzip', async () => {
    const a = gzipSync('alpha-');
    const b = gzipSync('beta');
    const first = await sendMessage(fake.url, MB1, 'X26ABC2', a, {
      'mex-chunk-range': '1:2',
      'content-encoding': 'gzip',
    });
    const id = messageId(first);
    expect((await chunk(id, 2, '2:2', b, { 'content-encoding': 'gzip' })).status).toBe(202);
    expect(fake.message(id)?.contentEncoding).toBe('gzip');

    const zipped = await mesh(fake.url, MB2, {
      path: `/messageexchange/X26ABC2/inbox/${id}`,
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['mex-content-compressed']).toBeUndefined();
    expect(zipped.body.equals(a)).toBe(true);
    expect(gunzipSync(zipped.body).toString()).toBe('alpha-');

    const plain = await mesh(fake.url, MB2, { path: `/messageexchange/X26ABC2/inbox/${id}/2` });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.text()).toBe('beta');
    expect((await fake.readMessageBody(id)).toString()).toBe('alpha-beta');
  });

  it('refuses a body labelled gzip that is not gzip data', async () => {
    const res = await sendMessage(fake.url, MB1, 'X26ABC2', 'plain text', { 'content-encoding': 'gzip' });
    expect(res.status).toBe(400);
    expect(code(res)).toBe('InvalidContentEncoding');
    expect(fake.messages).toEqual([]);
  });

  it('refuses encodings other than gzip with 422', async () => {
    const res = await sendMessage(fake.url, MB1, 'X26ABC2', 'x', { 'content-encoding': 'br' });
    expect(res.status).toBe(422);
    expect(code(res)).toBe('UnsupportedContentEncoding');
  });

  it('can gzip uncompressed downloads and set the sandbox flag when asked', async () => {
    const other = await startFakeMesh({ compressDownloads: true, sandboxCompressedFlag: true });
    try {
      const id = await other.deliver({ to: 'X26ABC2', workflowId: 'WF', body: 'plain text' });
      const res = await mesh(other.url, MB2, {
        path: `/messageexchange/X26ABC2/inbox/${id}`,
        headers: { 'accept-encoding': 'gzip' },
      });
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(res.headers['mex-content-compressed']).toBe('Y');
      expect(gunzipSync(res.body).toString()).toBe('plain text');
    } finally {
      await other.close();
    }
  });
});
