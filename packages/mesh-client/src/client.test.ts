import { describe, expect, it } from 'vitest';
import { MeshClient } from './client.js';
import { isMeshError } from './errors.js';
import type { MeshFetch } from './options.js';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
}

/** A fetch stub answering from a queue; records each call's headers. */
function stub(answers: Array<Response | Error>): { fetch: MeshFetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: MeshFetch = async (url, init) => {
    calls.push({
      url,
      method: String(init.method),
      headers: Object.fromEntries(new Headers(init.headers as ConstructorParameters<typeof Headers>[0])),
    });
    const next = answers.shift();
    if (!next) throw new Error('no more stubbed answers');
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch, calls };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function client(fetch: MeshFetch) {
  return new MeshClient({
    baseUrl: 'https://mesh.example',
    mailboxId: 'x26abc1',
    mailboxPassword: 'password',
    sharedKey: 'TestKey',
    retry: { delayMs: 1, backoffLimitMs: 2 },
    fetch,
  });
}

describe('MeshClient (stubbed transport)', () => {
  it('sends exactly one v2 media type and a fresh token on every request', async () => {
    const { fetch, calls } = stub([json({ count: 1 }), json({ count: 2 })]);
    const mesh = client(fetch);
    expect(await mesh.countMessages()).toBe(1);
    expect(await mesh.countMessages()).toBe(2);
    expect(calls.map((c) => c.headers.accept)).toEqual([
      'application/vnd.mesh.v2+json',
      'application/vnd.mesh.v2+json',
    ]);
    expect(calls[0]?.url).toBe('https://mesh.example/messageexchange/X26ABC1/count');
    expect(calls[0]?.headers.authorization).toMatch(/^NHSMESH X26ABC1:/);
    expect(calls[0]?.headers.authorization).not.toBe(calls[1]?.headers.authorization);
  });

  it('prefixes host-relative next links with the base URL', async () => {
    const { fetch, calls } = stub([
      json({ messages: ['A'], links: { next: '/messageexchange/X26ABC1/inbox?continue_from=abc' } }),
      json({ messages: [], links: { next: '/messageexchange/X26ABC1/inbox?continue_from=def' } }),
      json({ messages: ['B'] }),
    ]);
    const ids: string[] = [];
    for await (const id of client(fetch).listMessages()) ids.push(id);
    expect(ids).toEqual(['A', 'B']);
    expect(calls[1]?.url).toBe('https://mesh.example/messageexchange/X26ABC1/inbox?continue_from=abc');
  });

  it('refuses to follow a next link to another origin with its credentials', async () => {
    const { fetch, calls } = stub([json({ messages: ['A'], links: { next: 'https://evil.example/steal' } })]);
    const iterate = async () => {
      for await (const _ of client(fetch).listMessages()) {
        // drain
      }
    };
    const error = await iterate().catch((e: unknown) => e);
    expect(isMeshError(error) && error.code).toBe('BAD_RESPONSE');
    expect(calls).toHaveLength(1);
  });

  it('stops a pagination loop that repeats a page', async () => {
    const page = { messages: [], links: { next: '/messageexchange/X26ABC1/inbox?continue_from=same' } };
    const { fetch } = stub([json(page), json(page)]);
    const iterate = async () => {
      for await (const _ of client(fetch).listMessages()) {
        // drain
      }
    };
    expect(await iterate().catch((e: unknown) => isMeshError(e) && e.code)).toBe('BAD_RESPONSE');
  });

  it('retries the first POST when the connection was refused (MESH never saw it)', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const { fetch, calls } = stub([refused, json({ message_id: 'MID' }, 202)]);
    const sent = await client(fetch).sendMessage({ to: 'X26ABC2', workflowId: 'WF', body: 'x' });
    expect(sent.messageId).toBe('MID');
    expect(calls).toHaveLength(2);
    expect(calls[1]?.headers['mex-localid']).toBe(sent.localId);
  });

  it('treats a 202 without a readable message id as SEND_OUTCOME_UNKNOWN', async () => {
    const { fetch } = stub([new Response('null', { status: 202 })]);
    const error = await client(fetch)
      .sendMessage({ to: 'X26ABC2', workflowId: 'WF', body: 'x', localId: 'L-1' })
      .catch((e: unknown) => e);
    expect(isMeshError(error) && error.code).toBe('SEND_OUTCOME_UNKNOWN');
    expect(isMeshError(error) && error.localId).toBe('L-1');
  });

  it('parses v1 tracking bodies and maps 300 to AMBIGUOUS_LOCAL_ID', async () => {
    const { fetch } = stub([
      json({
        messageId: 'M',
        localId: 'L',
        status: 'Accepted',
        statusSuccess: 'SUCCESS',
        uploadTimestamp: '20260101120000',
      }),
      json({}, 300),
    ]);
    const mesh = client(fetch);
    expect(await mesh.trackMessage({ localId: 'L' })).toMatchObject({
      messageId: 'M',
      status: 'accepted',
      statusSuccess: true,
      uploadTimestamp: new Date('2026-01-01T12:00:00Z'),
    });
    const error = await mesh.reconcileSend('L').catch((e: unknown) => e);
    expect(isMeshError(error) && error.code).toBe('AMBIGUOUS_LOCAL_ID');
  });

  it('parses v1 endpoint lookup results', async () => {
    const { fetch } = stub([
      json({ results: [{ address: 'X26ABC2', description: 'TESTMB2', endpoint_type: 'MESH' }] }),
    ]);
    expect(await client(fetch).lookupEndpoint('X26', 'WF')).toEqual([
      { mailboxId: 'X26ABC2', mailboxName: 'TESTMB2' },
    ]);
  });

  it('validates ids and filters before any request', async () => {
    const { fetch, calls } = stub([]);
    const mesh = client(fetch);
    await expect(mesh.retrieveMessage('../etc')).rejects.toThrow(/messageId/);
    await expect(mesh.acknowledgeMessage('')).rejects.toThrow(/messageId/);
    expect(() => mesh.listMessages({ maxResults: 5 })).toThrow(/maxResults/);
    expect(() => mesh.listMessages({ workflowFilter: 'x' })).toThrow(/workflowFilter/);
    await expect(mesh.trackMessage({} as never)).rejects.toThrow(/trackMessage/);
    expect(calls).toHaveLength(0);
  });
});
