import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isMeshError, MeshClient, type MeshClientOptions, type MeshLogger } from '../../src/index.js';
import { type FakeMesh, startFakeMesh } from '../../src/testing/index.js';

const WORKFLOW = 'GPES_TEST_WF';
const MiB = 1024 * 1024;

let fake: FakeMesh;
let sender: MeshClient;
let recipient: MeshClient;

function clientFor(mailboxId: string, extra: Partial<MeshClientOptions> = {}): MeshClient {
  return new MeshClient({
    baseUrl: fake.url,
    mailboxId,
    mailboxPassword: 'password',
    sharedKey: 'TestKey',
    retry: { limit: 3, delayMs: 1, backoffLimitMs: 5 },
    reconcileGraceMs: 20,
    ...extra,
  });
}

const routeCount = (route: string) => fake.requests.filter((r) => r.route === route).length;

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  fake = await startFakeMesh();
  sender = clientFor('X26ABC1');
  recipient = clientFor('X26ABC2');
});
afterAll(async () => {
  await sender.close();
  await recipient.close();
  await fake.close();
});
beforeEach(() => fake.reset());

describe('retries of idempotent requests', () => {
  it.each([
    [{ status: 503, retryAfterSeconds: 0 }],
    [{ status: 429 }],
    [{ status: 500 }],
    [{ status: 502 }],
    ['reset' as const],
  ])('retries the inbox listing after %j', async (fault) => {
    await fake.deliver({ to: 'X26ABC2', from: 'X26ABC1', workflowId: WORKFLOW, body: 'a' });
    fake.failNext('inbox', fault);
    const ids: string[] = [];
    for await (const id of recipient.listMessages()) ids.push(id);
    expect(ids).toHaveLength(1);
    expect(routeCount('inbox')).toBe(2);
  });

  it('gives up after the retry limit with the last error', async () => {
    fake.failNext('count', { status: 503 }, 10);
    const error = await caught(recipient.countMessages());
    expect(isMeshError(error) && error.code).toBe('THROTTLED');
    expect(isMeshError(error) && error.retryable).toBe(true);
    expect(routeCount('count')).toBe(4);
  });

  it('honours Retry-After: the error carries retryAfterMs', async () => {
    fake.failNext('count', { status: 429, retryAfterSeconds: 7 });
    const noRetry = recipient.withOptions({ retry: { limit: 0 } });
    const error = await caught(noRetry.countMessages());
    expect(isMeshError(error) && error.retryAfterMs).toBe(7000);
    await noRetry.close();
  });

  it('does not retry a Retry-After that exceeds the total timeout', async () => {
    fake.failNext('count', { status: 503, retryAfterSeconds: 60 });
    const short = recipient.withOptions({ totalTimeoutMs: 2_000 });
    const error = await caught(short.countMessages());
    expect(isMeshError(error) && error.code).toBe('THROTTLED');
    expect(routeCount('count')).toBe(1);
    await short.close();
  });

  it('times out a slow response (TIMEOUT) and retries it', async () => {
    fake.failNext('count', { delayMs: 3_000 });
    const quick = recipient.withOptions({ timeoutMs: 200, retry: { limit: 0 } });
    const error = await caught(quick.countMessages());
    expect(isMeshError(error) && error.code).toBe('TIMEOUT');
    await quick.close();
    // Generous per-attempt time for the retry, so that a loaded machine does not time it out as well.
    fake.failNext('count', { delayMs: 5_000 });
    const retrying = recipient.withOptions({ timeoutMs: 1_500, retry: { limit: 2, delayMs: 1 } });
    expect(await retrying.countMessages()).toBe(0);
    await retrying.close();
  });

  it.each(['reset' as const, 'truncate' as const])(
    'resumes a download cut by %s and delivers every byte once',
    async (fault) => {
      const chunks = [Buffer.alloc(300_000, 'a'), Buffer.alloc(300_000, 'b'), Buffer.alloc(300_000, 'c')];
      const id = await fake.deliver({ to: 'X26ABC2', from: 'X26ABC1', workflowId: WORKFLOW, chunks });
      const message = await recipient.retrieveMessage(id);
      fake.failNext('download', fault);
      const body = await message.buffer();
      expect(body.equals(Buffer.concat(chunks))).toBe(true);
      expect(routeCount('download')).toBe(4);
    },
  );

  it('resumes a gzip download cut mid-body', async () => {
    const chunks = [Buffer.alloc(400_000, 'x'), Buffer.alloc(10, 'y')];
    const id = await fake.deliver({
      to: 'X26ABC2',
      from: 'X26ABC1',
      workflowId: WORKFLOW,
      chunks,
      gzip: true,
    });
    fake.failNext('download', 'truncate');
    const message = await recipient.retrieveMessage(id);
    expect((await message.buffer()).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('retries an acknowledgement after a 503', async () => {
    const id = await fake.deliver({ to: 'X26ABC2', from: 'X26ABC1', workflowId: WORKFLOW, body: 'a' });
    fake.failNext('acknowledge', { status: 503 });
    await recipient.acknowledgeMessage(id);
    expect(fake.message(id)?.status).toBe('acknowledged');
  });

  it('retries a later chunk and completes the message exactly once', async () => {
    fake.failNext('chunk', { status: 503 });
    fake.failNext('chunk', 'reset');
    const payload = Buffer.alloc(11 * MiB, 7);
    const sent = await sender.sendMessage({
      to: 'X26ABC2',
      workflowId: WORKFLOW,
      body: payload,
      chunkSizeBytes: 5 * MiB,
    });
    expect(fake.message(sent.messageId)?.status).toBe('accepted');
    expect(fake.messages.filter((m) => m.messageType === 'DATA')).toHaveLength(1);
    expect((await fake.readMessageBody(sent.messageId)).equals(payload)).toBe(true);
  });

  it('sends a fresh token on every retry (the server rejects replays)', async () => {
    fake.failNext('inbox', { status: 500 }, 2);
    for await (const _ of recipient.listMessages()) {
      // empty inbox
    }
    const auths = fake.requests.filter((r) => r.route === 'inbox').map((r) => r.status);
    expect(auths).toEqual([500, 500, 200]);
  });
});

describe('the first POST of a send is never retried blindly', () => {
  it('turns a reset after MESH stored the message into SEND_OUTCOME_UNKNOWN, reconcilable by local id', async () => {
    fake.failNext('send', 'reset');
    const error = await caught(
      sender.sendMessage({ to: 'X26ABC2', workflowId: WORKFLOW, body: 'once', localId: 'ambiguous-1' }),
    );
    expect(isMeshError(error) && error.code).toBe('SEND_OUTCOME_UNKNOWN');
    expect(isMeshError(error) && error.localId).toBe('ambiguous-1');
    expect(routeCount('send')).toBe(1);
    const stored = fake.messages.filter((m) => m.messageType === 'DATA');
    expect(stored).toHaveLength(1);
    const found = await sender.reconcileSend('ambiguous-1');
    expect(found).toEqual({ messageId: stored[0]?.messageId, status: 'accepted', complete: true });
  });

  it('reports a reset before MESH stored anything as unknown too, and reconcile finds nothing', async () => {
    fake.failNext('send', { reset: 'request' });
    const error = await caught(
      sender.sendMessage({ to: 'X26ABC2', workflowId: WORKFLOW, body: Buffer.alloc(200_000, 1) }),
    );
    expect(isMeshError(error) && error.code).toBe('SEND_OUTCOME_UNKNOWN');
    const localId = isMeshError(error) ? error.localId : undefined;
    expect(localId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await sender.reconcileSend(localId as string)).toBeUndefined();
  });

  it.each([500, 502, 503, 504])('does not retry a %i on the first POST', async (status) => {
    fake.failNext('send', { status });
    const error = await caught(sender.sendMessage({ to: 'X26ABC2', workflowId: WORKFLOW, body: 'x' }));
    expect(isMeshError(error) && error.code).toBe('SEND_OUTCOME_UNKNOWN');
    expect(isMeshError(error) && error.status).toBe(status);
    expect(routeCount('send')).toBe(1);
  });

  it('retries a 429 on the first POST (MESH refused it, nothing was stored)', async () => {
    fake.failNext('send', { status: 429, retryAfterSeconds: 0 });
    const sent = await sender.sendMessage({ to: 'X26ABC2', workflowId: WORKFLOW, body: 'x' });
    expect(routeCount('send')).toBe(2);
    expect(fake.message(sent.messageId)?.status).toBe('accepted');
  });

  // The original bug (issue #9): the fetch was aborted but its body kept streaming, so after reconcile said "not
  // sent" and the caller sent again, MESH stored the first request too.
  async function slowFirstPost(size: number, delayMs: number, reconcileGraceMs: number) {
    fake.failNext('send', { delayMs });
    const quick = sender.withOptions({ timeoutMs: 100, reconcileGraceMs, chunkSizeBytes: 95 * MiB });
    const body = Buffer.alloc(size, 7);
    const send = () =>
      quick.sendMessage({ to: 'X26ABC2', workflowId: WORKFLOW, body, localId: 'slow-first' });
    const error = await caught(send());
    expect(isMeshError(error) && error.code).toBe('SEND_OUTCOME_UNKNOWN');
    const closedAt = isMeshError(error) ? error.attemptClosedAt : undefined;
    expect(closedAt).toBeInstanceOf(Date);
    expect((error as Error).message).toContain(`closed at ${closedAt?.toISOString()}`);
    // The README recipe: reconcile, and send again only when MESH does not have it.
    const found = await quick.reconcileSend('slow-first');
    // Sent again with the default timeout: only the first attempt is meant to be slow, and a loaded machine can take
    // longer than 100 ms to upload 24 MiB even when the server answers at once.
    if (!found)
      await sender.sendMessage({ to: 'X26ABC2', workflowId: WORKFLOW, body, localId: 'slow-first' });
    // Wait until the fake has finished with every request, then count what MESH holds.
    const expected = found ? 1 : 2;
    while (fake.requests.filter((r) => r.route === 'send').length < expected) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await quick.close();
    return { found, stored: fake.messages.filter((m) => m.localId === 'slow-first') };
  }

  it('never duplicates a send whose slow first POST outlives the timeout: the body stops at the error', async () => {
    // Larger than the loopback socket buffers: the server cannot have the whole body when the client gives up.
    const { found, stored } = await slowFirstPost(24 * MiB, 600, 20);
    expect(found).toBeUndefined();
    expect(stored).toHaveLength(1);
    const sends = fake.requests.filter((r) => r.route === 'send').map((r) => r.requestBytes);
    expect(Math.min(...sends)).toBeLessThan(24 * MiB);
  });

  it('never duplicates a send whose slow first POST (body > 64 KiB) is stored late: reconcile waits for it', async () => {
    // The whole body reached the server before the timeout; the server stores it after the client gave up.
    const { found, stored } = await slowFirstPost(1_000_000, 400, 1_000);
    expect(found?.status).toBe('accepted');
    expect(stored).toHaveLength(1);
  });

  it('reconcileSend waits out the grace period before answering "not sent"', async () => {
    // MESH stores the request only after the client gave up on it (a slow server that finishes its work).
    const quick = sender.withOptions({ reconcileGraceMs: 300 });
    const pending = quick.reconcileSend('late-one', { attemptClosedAt: new Date() });
    await sender.sendMessage({ to: 'X26ABC2', workflowId: WORKFLOW, body: 'late', localId: 'late-one' });
    const found = await pending;
    expect(found?.status).toBe('accepted');
    await quick.close();
  });

  it('reports an ambiguous failure of the last chunk as SEND_OUTCOME_UNKNOWN, never as success or plain failure', async () => {
    // Every attempt of chunk 2 is stored, then its answer is lost; the retry then meets 423 (finalised).
    fake.failNext('chunk', 'reset');
    const error = await caught(
      sender.sendMessage({
        to: 'X26ABC2',
        workflowId: WORKFLOW,
        body: Buffer.alloc(5 * MiB + 10, 3),
        chunkSizeBytes: 5 * MiB,
        localId: 'last-chunk',
      }),
    );
    expect(isMeshError(error) && error.code).toBe('SEND_OUTCOME_UNKNOWN');
    expect(isMeshError(error) && error.messageId).toBeDefined();
    expect((await sender.reconcileSend('last-chunk'))?.complete).toBe(true);
  });

  it('turns a timeout of the first POST into SEND_OUTCOME_UNKNOWN', async () => {
    fake.failNext('send', { delayMs: 1_000 });
    const quick = sender.withOptions({ timeoutMs: 100 });
    const error = await caught(quick.sendMessage({ to: 'X26ABC2', workflowId: WORKFLOW, body: 'x' }));
    expect(isMeshError(error) && error.code).toBe('SEND_OUTCOME_UNKNOWN');
    await quick.close();
  });
});

describe('aborts, bad input and data protection', () => {
  it('rejects with the signal reason when aborted', async () => {
    fake.failNext('count', { delayMs: 2_000 });
    const controller = new AbortController();
    const reason = new Error('stop now');
    setTimeout(() => controller.abort(reason), 50);
    expect(await caught(recipient.countMessages({ signal: controller.signal }))).toBe(reason);
  });

  it.each([
    [{ subject: 'bad\r\nx-injected: 1' }, 'control characters'],
    [{ localId: 'x'.repeat(301) }, 'longer than'],
    [{ to: 'https://evil.example' }, 'URL'],
    [{ contentChecksum: 'md5;abc' }, 'letters'],
  ])('rejects invalid mex-* metadata %j before sending', async (meta, text) => {
    const error = await caught(
      sender.sendMessage({ to: 'X26ABC2', workflowId: WORKFLOW, body: 'x', ...meta } as never),
    );
    expect(isMeshError(error) && error.code).toBe('INVALID_ARGUMENT');
    expect((error as Error).message).toContain(text);
    expect(fake.requests).toHaveLength(0);
  });

  it('rejects an empty body and a chunk size out of range', async () => {
    for (const options of [{ body: '' }, { body: 'x', chunkSizeBytes: 1024 }]) {
      const error = await caught(sender.sendMessage({ to: 'X26ABC2', workflowId: WORKFLOW, ...options }));
      expect(isMeshError(error) && error.code).toBe('INVALID_ARGUMENT');
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('rejects a stream shorter than its declared contentLength', async () => {
    async function* short() {
      yield Buffer.alloc(10);
    }
    const error = await caught(
      sender.sendMessage({ to: 'X26ABC2', workflowId: WORKFLOW, body: short(), contentLength: 20 }),
    );
    expect(isMeshError(error) && error.code).toBe('INVALID_ARGUMENT');
  });

  it('maps a malformed (non-JSON) success body to BAD_RESPONSE', async () => {
    fake.failNext('count', { status: 200, body: '<xml/>', contentType: 'text/xml' });
    const error = await caught(recipient.countMessages());
    expect(isMeshError(error) && error.code).toBe('BAD_RESPONSE');
  });

  it('never logs credentials, tokens or subjects, even at debug level', async () => {
    const lines: string[] = [];
    const capture = (obj: Record<string, unknown>, msg: string) =>
      lines.push(`${msg} ${JSON.stringify(obj)}`);
    const logger: MeshLogger = { debug: capture, info: capture, warn: capture, error: capture };
    const logged = sender.withOptions({ logger, logLevel: 'debug', mailboxPassword: 'password' });
    fake.failNext('send', { status: 500 });
    await caught(
      logged.sendMessage({
        to: 'X26ABC2',
        workflowId: WORKFLOW,
        body: 'secret-body',
        subject: 'Mr Synthetic',
      }),
    );
    await logged.sendMessage({
      to: 'X26ABC2',
      workflowId: WORKFLOW,
      body: 'secret-body',
      localId: 'loc-xyz',
    });
    const all = lines.join('\n');
    expect(lines.length).toBeGreaterThan(2);
    for (const secret of ['password', 'TestKey', 'NHSMESH', 'secret-body', 'Mr Synthetic', 'loc-xyz']) {
      expect(all).not.toContain(secret);
    }
    await logged.close();
  });
});
