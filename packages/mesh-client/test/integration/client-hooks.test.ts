import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  MeshClient,
  type MeshClientHooks,
  type MeshClientOptions,
  type MeshErrorEvent,
  type MeshRequestEvent,
  type MeshResponseEvent,
  type MeshRetryEvent,
} from '../../src/index.js';
import { type FakeMesh, startFakeMesh } from '../../src/testing/index.js';

const WORKFLOW = 'GPES_HOOKS_WF';
const PASSWORD = 'password';
const SUBJECT = 'subject-never-observed';
const LOCAL_ID = 'local-id-never-observed';
const PAYLOAD = '<payload-never-observed/>';

let fake: FakeMesh;
beforeAll(async () => {
  fake = await startFakeMesh();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

interface Recorded {
  request: MeshRequestEvent[];
  response: MeshResponseEvent[];
  error: MeshErrorEvent[];
  retry: MeshRetryEvent[];
}

function recorder(): { events: Recorded; hooks: MeshClientHooks } {
  const events: Recorded = { request: [], response: [], error: [], retry: [] };
  return {
    events,
    hooks: {
      beforeRequest: [(e) => events.request.push(e)],
      afterResponse: [(e) => events.response.push(e)],
      afterError: [(e) => events.error.push(e)],
      beforeRetry: [(e) => events.retry.push(e)],
    },
  };
}

function clientFor(mailboxId: string, extra: Partial<MeshClientOptions> = {}): MeshClient {
  return new MeshClient({
    baseUrl: fake.url,
    mailboxId,
    mailboxPassword: PASSWORD,
    sharedKey: 'TestKey',
    retry: { limit: 3, delayMs: 1, backoffLimitMs: 5 },
    ...extra,
  });
}

describe('client hooks', () => {
  it('see method, route template, status, timing and byte counts, never ids, secrets or payloads', async () => {
    const sent = recorder();
    const received = recorder();
    const sender = clientFor('X26ABC1', { hooks: sent.hooks });
    const recipient = clientFor('X26ABC2', { hooks: received.hooks });
    try {
      const { messageId } = await sender.sendMessage({
        to: 'X26ABC2',
        workflowId: WORKFLOW,
        body: PAYLOAD,
        subject: SUBJECT,
        localId: LOCAL_ID,
      });
      const message = await recipient.retrieveMessage(messageId);
      expect((await message.buffer()).toString()).toBe(PAYLOAD);
      await recipient.acknowledgeMessage(messageId);

      expect(sent.events.request).toEqual([
        {
          method: 'POST',
          route: '/messageexchange/{mailbox}/outbox',
          attempt: 0,
          requestBytes: Buffer.byteLength(PAYLOAD),
        },
      ]);
      expect(sent.events.response).toEqual([
        expect.objectContaining({
          method: 'POST',
          route: '/messageexchange/{mailbox}/outbox',
          status: 202,
          ok: true,
          durationMs: expect.any(Number),
          responseBytes: expect.any(Number),
        }),
      ]);
      expect(received.events.response.map((e) => `${e.method} ${e.route} ${e.status}`)).toEqual([
        'GET /messageexchange/{mailbox}/inbox/{messageId} 200',
        'PUT /messageexchange/{mailbox}/inbox/{messageId}/status/acknowledged 200',
      ]);
      expect(received.events.response[0]?.responseBytes).toBe(Buffer.byteLength(PAYLOAD));
      const all = JSON.stringify([sent.events, received.events]);
      for (const secret of [messageId, SUBJECT, LOCAL_ID, PAYLOAD, 'X26ABC', 'NHSMESH']) {
        expect(all).not.toContain(secret);
      }
    } finally {
      await sender.close();
      await recipient.close();
    }
  });

  it('report each retry with the attempt, the reason and the delay (Retry-After on 429)', async () => {
    const { events, hooks } = recorder();
    const client = clientFor('X26ABC2', { hooks });
    try {
      fake.failNext('count', { status: 429, retryAfterSeconds: 0 });
      fake.failNext('count', 'reset');
      expect(await client.countMessages()).toBe(0);
      expect(events.request.map((e) => e.attempt)).toEqual([0, 1, 2]);
      expect(events.retry).toEqual([
        expect.objectContaining({
          route: '/messageexchange/{mailbox}/count',
          attempt: 0,
          code: 'THROTTLED',
          status: 429,
          delayMs: 0,
        }),
        expect.objectContaining({ route: '/messageexchange/{mailbox}/count', attempt: 1, code: 'NETWORK' }),
      ]);
      expect(events.response.map((e) => e.status)).toEqual([429, 200]);
      expect(events.error).toEqual([expect.objectContaining({ attempt: 1, code: 'NETWORK' })]);
    } finally {
      await client.close();
    }
  });

  it('never retry the first POST to the outbox after an ambiguous failure', async () => {
    const { events, hooks } = recorder();
    const client = clientFor('X26ABC1', { hooks });
    try {
      fake.failNext('send', { status: 500 });
      await expect(
        client.sendMessage({ to: 'X26ABC2', workflowId: WORKFLOW, body: 'x' }),
      ).rejects.toMatchObject({
        code: 'SEND_OUTCOME_UNKNOWN',
      });
      expect(events.request).toHaveLength(1);
      expect(events.retry).toHaveLength(0);
    } finally {
      await client.close();
    }
  });

  it('a throwing hook does not break the request and is logged', async () => {
    const warnings: string[] = [];
    const noop = () => {};
    const client = clientFor('X26ABC2', {
      hooks: {
        beforeRequest: [
          () => {
            throw new Error('metrics backend down');
          },
        ],
      },
      logger: { debug: noop, info: noop, error: noop, warn: (_o, msg) => warnings.push(msg) },
    });
    try {
      expect(await client.countMessages()).toBe(0);
      expect(warnings).toEqual(['MESH client hook threw']);
    } finally {
      await client.close();
    }
  });
});

describe('debug logs', () => {
  it('show routing headers and redact secrets, subjects and local ids', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = (obj: Record<string, unknown>) => lines.push(obj);
    const logger = { debug: sink, info: sink, warn: sink, error: sink };
    const sender = clientFor('X26ABC1', { logger, logLevel: 'debug' });
    const recipient = clientFor('X26ABC2', { logger, logLevel: 'debug' });
    try {
      const { messageId } = await sender.sendMessage({
        to: 'X26ABC2',
        workflowId: WORKFLOW,
        body: PAYLOAD,
        subject: SUBJECT,
        localId: LOCAL_ID,
      });
      const message = await recipient.retrieveMessage(messageId);
      await message.buffer();
      const send = lines.find((l) => l.request === 'POST /messageexchange/{mailbox}/outbox');
      expect(send?.requestHeaders).toMatchObject({
        'mex-to': 'X26ABC2',
        'mex-workflowid': WORKFLOW,
        'mex-subject': '[REDACTED]',
        'mex-localid': '[REDACTED]',
        authorization: '[REDACTED]',
      });
      const download = lines.find((l) =>
        String(l.request).startsWith('GET /messageexchange/{mailbox}/inbox/'),
      );
      expect(download?.responseHeaders).toMatchObject({
        'mex-from': 'X26ABC1',
        'mex-to': 'X26ABC2',
        'mex-workflowid': WORKFLOW,
        'mex-messageid': messageId,
        'mex-subject': '[REDACTED]',
        'mex-localid': '[REDACTED]',
      });
      const all = JSON.stringify(lines);
      for (const secret of [SUBJECT, LOCAL_ID, PAYLOAD, 'NHSMESH ']) expect(all).not.toContain(secret);
    } finally {
      await sender.close();
      await recipient.close();
    }
  });
});
