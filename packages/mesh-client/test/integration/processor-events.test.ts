import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createInboxProcessor,
  type InboxMessageFailedEvent,
  type InboxMessageHandledEvent,
  type InboxPassFinishedEvent,
  MeshClient,
} from '../../src/index.js';
import { type FakeMesh, startFakeMesh } from '../../src/testing/index.js';

let fake: FakeMesh;
let client: MeshClient;

beforeAll(async () => {
  fake = await startFakeMesh();
  client = new MeshClient({
    baseUrl: fake.url,
    mailboxId: 'X26ABC2',
    mailboxPassword: 'password',
    sharedKey: 'TestKey',
    retry: { limit: 0 },
  });
});
afterAll(async () => {
  await client.close();
  await fake.close();
});
beforeEach(() => fake.reset());

const deliver = (body: string, workflowId = 'WF_EVENTS') =>
  fake.deliver({ to: 'X26ABC2', from: 'X26ABC1', workflowId, body });

function recorder() {
  const handled: InboxMessageHandledEvent[] = [];
  const failed: InboxMessageFailedEvent[] = [];
  const passes: InboxPassFinishedEvent[] = [];
  return {
    handled,
    failed,
    passes,
    callbacks: {
      onMessageHandled: (e: InboxMessageHandledEvent) => handled.push(e),
      onMessageFailed: (e: InboxMessageFailedEvent) => failed.push(e),
      onPassFinished: (e: InboxPassFinishedEvent) => passes.push(e),
    },
  };
}

describe('inbox processor events and health', () => {
  it('reports each handled and failed message and each pass with its counts', async () => {
    const good = await deliver('good');
    const bad = await deliver('bad');
    const events = recorder();
    const processor = createInboxProcessor({
      client,
      failureBackoffMs: 60_000,
      ...events.callbacks,
      handler: async (message) => {
        if ((await message.buffer()).toString() === 'bad') throw new Error('cannot store');
      },
    });
    expect(processor.health()).toEqual({ running: false });

    expect(await processor.runOnce()).toEqual({ processed: 1, failed: 1, deferred: 0 });
    expect(events.handled).toEqual([
      {
        messageId: good,
        messageType: 'DATA',
        workflowId: 'WF_EVENTS',
        attempt: 0,
        durationMs: expect.any(Number),
      },
    ]);
    expect(events.failed).toEqual([
      { messageId: bad, stage: 'handler', error: expect.any(Error), failures: 1, retryAt: expect.any(Date) },
    ]);
    expect(events.passes).toEqual([
      {
        processed: 1,
        failed: 1,
        deferred: 0,
        polled: true,
        startedAt: expect.any(Date),
        durationMs: expect.any(Number),
      },
    ]);

    // The failed message is backing off: the next pass defers it.
    expect(await processor.runOnce()).toEqual({ processed: 0, failed: 0, deferred: 1 });
    expect(events.passes.at(-1)).toMatchObject({ processed: 0, failed: 0, deferred: 1, polled: true });

    const health = processor.health();
    expect(health.running).toBe(false);
    expect(health.lastSuccessfulPollAt).toBeInstanceOf(Date);
    expect(health.lastPass).toEqual(events.passes.at(-1));
    expect(health.lastError).toMatchObject({ stage: 'handler', messageId: bad, at: expect.any(Date) });
    expect(health.lastError?.code).toBeUndefined();
  });

  it('keeps the last successful poll time when a later poll fails, and records the error with its code', async () => {
    const events = recorder();
    const processor = createInboxProcessor({ client, ...events.callbacks, handler: async () => {} });
    await processor.runOnce();
    const firstPoll = processor.health().lastSuccessfulPollAt;
    expect(firstPoll).toBeInstanceOf(Date);

    fake.failNext('inbox', { status: 500 });
    expect(await processor.runOnce()).toEqual({ processed: 0, failed: 0, deferred: 0 });
    const health = processor.health();
    expect(health.lastSuccessfulPollAt).toBe(firstPoll);
    expect(health.lastError).toMatchObject({ stage: 'list', code: 'SERVER_ERROR' });
    expect(events.passes.map((p) => p.polled)).toEqual([true, false]);
  });

  it('performs the handshake before the first pass and again only when the interval has passed', async () => {
    const processor = createInboxProcessor({
      client,
      handshake: true,
      handshakeIntervalMs: 86_400_000,
      handler: async () => {},
    });
    const handshakes = () => fake.requests.filter((r) => r.route === 'handshake').length;
    await processor.runOnce();
    await processor.runOnce();
    expect(handshakes()).toBe(1);
    expect(processor.health().lastHandshakeAt).toBeInstanceOf(Date);

    const eager = createInboxProcessor({
      client,
      handshake: true,
      handshakeIntervalMs: 1,
      handler: async () => {},
    });
    await eager.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await eager.runOnce();
    expect(handshakes()).toBe(3);

    const without = createInboxProcessor({ client, handler: async () => {} });
    await without.runOnce();
    expect(handshakes()).toBe(3);
  });

  it('reports a failed handshake and still polls', async () => {
    const id = await deliver('after handshake failure');
    const stages: string[] = [];
    const processor = createInboxProcessor({
      client,
      handshake: true,
      onError: (_error, { stage }) => stages.push(stage),
      handler: async () => {},
    });
    fake.failNext('handshake', { status: 500 });
    expect(await processor.runOnce()).toEqual({ processed: 1, failed: 0, deferred: 0 });
    expect(stages).toEqual(['handshake']);
    expect(processor.health().lastHandshakeAt).toBeUndefined();
    expect(processor.health().lastError).toMatchObject({ stage: 'handshake', code: 'SERVER_ERROR' });
    expect(fake.message(id)?.status).toBe('acknowledged');
    await processor.runOnce();
    expect(processor.health().lastHandshakeAt).toBeInstanceOf(Date);
  });

  it('is running while start() polls, and a throwing event callback does not stop it', async () => {
    await deliver('one');
    const stop = new AbortController();
    let healthDuringPass: boolean | undefined;
    const processor = createInboxProcessor({
      client,
      pollIntervalMs: 60_000,
      signal: stop.signal,
      onMessageHandled: () => {
        throw new Error('metrics down');
      },
      onPassFinished: (pass) => {
        healthDuringPass = processor.health().running;
        if (pass.processed === 0) stop.abort();
      },
      handler: async () => {},
    });
    await processor.start();
    expect(healthDuringPass).toBe(true);
    expect(processor.health().running).toBe(false);
    expect(processor.health().lastPass?.processed).toBe(0);
    expect(fake.inbox('X26ABC2')).toHaveLength(0);
  });

  it('rejects bad and unknown options, listing every problem with its path', () => {
    expect(() => createInboxProcessor({ client, handler: async () => {}, handshakeIntervalMs: 0 })).toThrow(
      /handshakeIntervalMs/,
    );
    let caught: unknown;
    try {
      createInboxProcessor({
        client,
        handler: async () => {},
        pollIntervalMS: 1_000,
        concurrency: 0,
        onPassFinished: 'log',
      } as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      code: 'INVALID_ARGUMENT',
      issues: [
        { path: 'pollIntervalMS', message: 'unknown option (did you mean pollIntervalMs?)' },
        { path: 'concurrency', message: 'must be an integer >= 1' },
        { path: 'onPassFinished', message: 'must be a function' },
      ],
    });
  });
});
