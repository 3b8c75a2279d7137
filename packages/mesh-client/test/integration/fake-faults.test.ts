import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeMesh, startFakeMesh } from '../../src/testing/index.js';
import { auth, HANDSHAKE_HEADERS, MB1, MB2, mesh, messageId, sendMessage, V2 } from './fake-helpers.js';

let fake: FakeMesh;
beforeEach(async () => {
  fake = await startFakeMesh();
});
afterEach(async () => {
  await fake.close();
});

interface Partial {
  status?: number;
  declaredLength?: number;
  received: number;
  error?: string;
  complete: boolean;
}

/** A download that reports how far it got instead of failing. */
function partialGet(path: string, extraHeaders: Record<string, string> = {}): Promise<Partial> {
  return new Promise((resolve) => {
    const out: Partial = { received: 0, complete: false };
    const req = request(
      new URL(path, fake.url),
      { agent: false, headers: { accept: V2, authorization: auth(MB2), ...extraHeaders } },
      (res) => {
        out.status = res.statusCode;
        out.declaredLength = Number(res.headers['content-length']);
        res.on('data', (c: Buffer) => {
          out.received += c.length;
        });
        res.on('error', (e) => {
          out.error = e.message;
        });
        res.on('close', () => {
          out.complete = res.complete;
          resolve(out);
        });
      },
    );
    req.on('error', (e) => {
      out.error = (e as NodeJS.ErrnoException).code ?? e.message;
      resolve(out);
    });
    req.end();
  });
}

const inbox = () => mesh(fake.url, MB2, { path: '/messageexchange/X26ABC2/inbox' });

describe('fault injection', () => {
  it('answers an injected 503 with Retry-After, once, without touching state', async () => {
    fake.failNext('send', { status: 503, retryAfterSeconds: 7 });
    const failed = await sendMessage(fake.url, MB1, 'X26ABC2', 'x');
    expect(failed.status).toBe(503);
    expect(failed.headers['retry-after']).toBe('7');
    expect(failed.headers['content-type']).toBe('text/xml');
    expect(failed.text()).toContain('soap:Fault');
    expect(fake.messages).toEqual([]);
    expect((await sendMessage(fake.url, MB1, 'X26ABC2', 'x')).status).toBe(202);
  });

  it('answers 429 with a JSON error and honours a custom body', async () => {
    fake.failNext('inbox', { status: 429, retryAfterSeconds: 1 });
    fake.failNext('inbox', { status: 500, body: '{"oops":true}' });
    const throttled = await inbox();
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBe('1');
    expect(throttled.json()).toMatchObject({ detail: [{ code: '429' }] });
    const custom = await inbox();
    expect(custom.status).toBe(500);
    expect(custom.headers['content-type']).toBe('application/json');
    expect(custom.json()).toEqual({ oops: true });
    expect((await inbox()).status).toBe(200);
  });

  it('applies a fault the given number of times, route faults before "*" faults', async () => {
    fake.failNext('*', { status: 502 }, 1);
    fake.failNext('inbox', { status: 504 }, 2);
    expect((await inbox()).status).toBe(504);
    expect((await inbox()).status).toBe(504);
    expect((await inbox()).status).toBe(502);
    expect((await inbox()).status).toBe(200);
  });

  it('delays a response and then handles it normally', async () => {
    fake.failNext('inbox', { delayMs: 50 });
    const res = await inbox();
    expect(res.status).toBe(200);
    expect(fake.requests.at(-1)).toMatchObject({ route: 'inbox', fault: { delayMs: 50 } });
  });

  it("'reset' drops the connection mid-response after the send took effect (the ambiguous case)", async () => {
    fake.failNext('send', 'reset');
    await expect(
      sendMessage(fake.url, MB1, 'X26ABC2', 'payload', { 'mex-localid': 'amb-1' }),
    ).rejects.toThrow();
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]).toMatchObject({ localId: 'amb-1', status: 'accepted' });
  });

  it("'reset' on a download sends part of the body, then resets", async () => {
    const id = await fake.deliver({ to: 'X26ABC2', workflowId: 'WF', body: Buffer.alloc(64 * 1024, 7) });
    fake.failNext('download', 'reset');
    const got = await partialGet(`/messageexchange/X26ABC2/inbox/${id}`);
    expect(got.status).toBe(200);
    expect(got.declaredLength).toBe(64 * 1024);
    expect(got.complete).toBe(false);
    expect(got.received).toBeLessThan(64 * 1024);
    const again = await partialGet(`/messageexchange/X26ABC2/inbox/${id}`);
    expect(again).toMatchObject({ complete: true, received: 64 * 1024 });
  });

  it("'truncate' sends fewer bytes than Content-Length and closes", async () => {
    const id = await fake.deliver({ to: 'X26ABC2', workflowId: 'WF', body: Buffer.alloc(1000, 7) });
    fake.failNext('download', 'truncate');
    const got = await partialGet(`/messageexchange/X26ABC2/inbox/${id}`);
    expect(got).toMatchObject({ status: 200, declaredLength: 1000, received: 500, complete: false });
  });

  it("'truncate' on an empty response declares a body it never sends", async () => {
    fake.failNext('handshake', 'truncate');
    const got = await partialGet('/messageexchange/X26ABC2', HANDSHAKE_HEADERS);
    expect(got.complete).toBe(false);
    expect(got.received).toBe(0);
    expect(got.declaredLength).toBeGreaterThan(0);
  });

  it("{ reset: 'request' } drops the connection mid-upload before anything is stored", async () => {
    const id = messageId(await sendMessage(fake.url, MB1, 'X26ABC2', 'a', { 'mex-chunk-range': '1:2' }));
    fake.failNext('chunk', { reset: 'request' });
    await expect(
      mesh(fake.url, MB1, {
        method: 'POST',
        path: `/messageexchange/X26ABC1/outbox/${id}/2`,
        headers: { 'mex-chunk-range': '2:2' },
        body: Buffer.alloc(256 * 1024, 1),
      }),
    ).rejects.toThrow();
    expect(fake.message(id)).toMatchObject({ status: 'uploading', receivedChunks: 1 });
    // The retry goes through.
    const retry = await mesh(fake.url, MB1, {
      method: 'POST',
      path: `/messageexchange/X26ABC1/outbox/${id}/2`,
      headers: { 'mex-chunk-range': '2:2' },
      body: 'b',
    });
    expect(retry.status).toBe(202);
    expect(fake.message(id)?.status).toBe('accepted');
  });

  it('refuses unknown routes, faults and counts', () => {
    expect(() => fake.failNext('nope' as never, { status: 500 })).toThrow(TypeError);
    expect(() => fake.failNext('inbox', { status: 99 })).toThrow(RangeError);
    expect(() => fake.failNext('inbox', 'explode' as never)).toThrow(TypeError);
    expect(() => fake.failNext('inbox', { status: 500 }, 0)).toThrow(RangeError);
    expect(() => fake.failNext('inbox', { delayMs: -1 })).toThrow(RangeError);
  });
});

describe('recorded requests', () => {
  it('records method, path, route, status and redacted headers, never bodies', async () => {
    await sendMessage(fake.url, MB1, 'X26ABC2', 'secret-looking body', {
      'x-api-key': 'k',
      'mex-localid': 'L1',
    });
    await mesh(fake.url, MB2, { path: '/messageexchange/X26ABC2/inbox?max_results=10' });
    const [send, list] = fake.requests;
    expect(send).toMatchObject({
      method: 'POST',
      path: '/messageexchange/X26ABC1/outbox',
      route: 'send',
      status: 202,
      requestBytes: 19,
    });
    expect(send?.headers.authorization).toBe('[REDACTED]');
    expect(send?.headers['x-api-key']).toBe('[REDACTED]');
    expect(send?.headers['mex-localid']).toBe('L1');
    expect(JSON.stringify(fake.requests)).not.toContain('NHSMESH');
    expect(JSON.stringify(fake.requests)).not.toContain('secret-looking body');
    expect(list).toMatchObject({
      route: 'inbox',
      path: '/messageexchange/X26ABC2/inbox?max_results=10',
      status: 200,
    });
    expect(list?.durationMs).toBeGreaterThanOrEqual(0);
    expect(list?.startedAt).toBeInstanceOf(Date);
  });

  it('keeps only the newest maxRecordedRequests', async () => {
    const small = await startFakeMesh({ maxRecordedRequests: 2 });
    try {
      for (const path of ['/a', '/b', '/c']) await fetch(new URL(path, small.url));
      expect(small.requests.map((r) => r.path)).toEqual(['/b', '/c']);
      expect(small.requests[0]?.route).toBe('unknown');
    } finally {
      await small.close();
    }
  });
});
