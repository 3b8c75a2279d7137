import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createInboxProcessor, MeshClient, type MeshRetrievedMessage } from '../../src/index.js';
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
    retry: { limit: 1, delayMs: 1, backoffLimitMs: 2 },
  });
});
afterAll(async () => {
  await client.close();
  await fake.close();
});
beforeEach(() => fake.reset());

const deliver = (body: string, workflowId = 'WF_A') =>
  fake.deliver({ to: 'X26ABC2', from: 'X26ABC1', workflowId, body });

describe('inbox processor', () => {
  it('handles every message and acknowledges each only after its handler resolved', async () => {
    const ids = [await deliver('one'), await deliver('two'), await deliver('three')];
    const seen: string[] = [];
    const processor = createInboxProcessor({
      client,
      handler: async (message) => {
        // The message is still in the inbox while its handler runs.
        expect(fake.message(message.messageId)?.status).toBe('accepted');
        seen.push((await message.buffer()).toString());
      },
    });
    expect(await processor.runOnce()).toEqual({ processed: 3, failed: 0, deferred: 0 });
    expect(seen.sort()).toEqual(['one', 'three', 'two']);
    for (const id of ids) expect(fake.message(id)?.status).toBe('acknowledged');
  });

  it('leaves a message whose handler throws in the inbox, and handles it on a later run', async () => {
    const id = await deliver('flaky');
    const errors: unknown[] = [];
    let calls = 0;
    const processor = createInboxProcessor({
      client,
      failureBackoffMs: 0,
      onError: (error, context) => errors.push([context.stage, context.messageId, (error as Error).message]),
      handler: async (_message, { attempt }) => {
        calls++;
        if (attempt === 0) throw new Error('handler failed');
      },
    });
    expect(await processor.runOnce()).toEqual({ processed: 0, failed: 1, deferred: 0 });
    expect(fake.message(id)?.status).toBe('accepted');
    expect(errors).toEqual([['handler', id, 'handler failed']]);
    expect(await processor.runOnce()).toEqual({ processed: 1, failed: 0, deferred: 0 });
    expect(calls).toBe(2);
    expect(fake.message(id)?.status).toBe('acknowledged');
  });

  it('defers a failed message while its backoff lasts', async () => {
    await deliver('always fails');
    const processor = createInboxProcessor({
      client,
      failureBackoffMs: 60_000,
      handler: async () => {
        throw new Error('nope');
      },
    });
    expect(await processor.runOnce()).toMatchObject({ failed: 1 });
    expect(await processor.runOnce()).toEqual({ processed: 0, failed: 0, deferred: 1 });
  });

  it('does not acknowledge when the acknowledgement fails; the message comes back', async () => {
    const id = await deliver('ack fails');
    fake.failNext('acknowledge', { status: 500 }, 2);
    const processor = createInboxProcessor({ client, failureBackoffMs: 0, handler: async () => {} });
    expect(await processor.runOnce()).toMatchObject({ processed: 0, failed: 1 });
    expect(fake.message(id)?.status).toBe('accepted');
    expect(await processor.runOnce()).toMatchObject({ processed: 1 });
  });

  it('bounds concurrency', async () => {
    for (let i = 0; i < 7; i++) await deliver(`m${i}`);
    let active = 0;
    let started = 0;
    let peak = 0;
    let waiting: Array<() => void> = [];
    // Each handler waits until three run at once (or the last message has started): if the processor allowed
    // fewer, this would never release; if it allowed more, peak would exceed three.
    const processor = createInboxProcessor({
      client,
      concurrency: 3,
      handler: async () => {
        active++;
        started++;
        peak = Math.max(peak, active);
        const gate = new Promise<void>((resolve) => waiting.push(resolve));
        if (active === 3 || started === 7) {
          for (const release of waiting) release();
          waiting = [];
        }
        await gate;
        active--;
      },
    });
    expect((await processor.runOnce()).processed).toBe(7);
    expect(peak).toBe(3);
  });

  it('filters by workflow id and drains until the inbox is empty', async () => {
    for (let i = 0; i < 12; i++) await deliver(`a${i}`, 'WF_A');
    const other = await deliver('b', 'WF_B');
    const processor = createInboxProcessor({ client, workflowIds: ['WF_A'], handler: async () => {} });
    expect(await processor.drain()).toMatchObject({ processed: 12, failed: 0 });
    expect(fake.inbox('X26ABC2').map((m) => m.messageId)).toEqual([other]);
  });

  it('hands REPORT messages to the handler like any other', async () => {
    const sender = client.withOptions({ mailboxId: 'X26ABC1' });
    const sent = await sender.sendMessage({ to: 'X26ABC2', workflowId: 'WF_A', body: 'x' });
    fake.report(sent.messageId);
    const seen: MeshRetrievedMessage[] = [];
    const processor = createInboxProcessor({ client: sender, handler: async (m) => void seen.push(m) });
    await processor.runOnce();
    expect(seen.map((m) => m.messageType)).toEqual(['REPORT']);
    await sender.close();
  });

  it('stops on abort after in-flight handlers finish, without acknowledging aborted work', async () => {
    const id = await deliver('slow');
    const controller = new AbortController();
    let handlerSignal: AbortSignal | undefined;
    const processor = createInboxProcessor({
      client,
      signal: controller.signal,
      pollIntervalMs: 60_000,
      handler: async (_message, { signal }) => {
        handlerSignal = signal;
        controller.abort();
        await new Promise((resolve) => setTimeout(resolve, 10));
        if (signal.aborted) throw signal.reason;
      },
    });
    await processor.start();
    expect(handlerSignal?.aborted).toBe(true);
    expect(fake.message(id)?.status).toBe('accepted');
  });

  it('polls again after the interval while started', async () => {
    const controller = new AbortController();
    const handled: string[] = [];
    const processor = createInboxProcessor({
      client,
      signal: controller.signal,
      pollIntervalMs: 5,
      handler: async (m) => {
        handled.push(m.messageId);
        if (handled.length === 2) controller.abort();
      },
    });
    const first = await deliver('first');
    const running = processor.start();
    while (handled.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await deliver('second');
    await running;
    expect(handled).toEqual([first, second]);
  });

  it('validates its options', () => {
    expect(() => createInboxProcessor({ client, handler: async () => {}, concurrency: 0 })).toThrow(
      /concurrency/,
    );
    expect(() => createInboxProcessor({ client, handler: 'x' as never })).toThrow(/handler/);
  });
});
