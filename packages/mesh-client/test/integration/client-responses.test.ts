import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMeshError, MeshClient } from '../../src/index.js';
import { type FakeMesh, type FakeRoute, startFakeMesh } from '../../src/testing/index.js';

/** Planted in malformed bodies: it must never reach an error message. */
const SECRET = 'SYNTHETIC-SUBJECT-7c1e';

let fake: FakeMesh;
let mesh: MeshClient;

beforeAll(async () => {
  fake = await startFakeMesh();
  mesh = new MeshClient({
    baseUrl: fake.url,
    mailboxId: 'X26ABC1',
    mailboxPassword: 'password',
    sharedKey: 'TestKey',
    retry: { limit: 2, delayMs: 1, backoffLimitMs: 5 },
  });
});
afterAll(async () => {
  await mesh.close();
  await fake.close();
});

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

async function drainInbox(): Promise<string[]> {
  const ids: string[] = [];
  for await (const id of mesh.listMessages()) ids.push(id);
  return ids;
}

describe('a 200 body of the wrong shape from the server surfaces BAD_RESPONSE', () => {
  it.each<[string, FakeRoute, string, () => Promise<unknown>, string]>([
    [
      'inbox',
      'inbox',
      `{"messages":["A",{"subject":"${SECRET}"}]}`,
      drainInbox,
      'messages[1]: expected string',
    ],
    ['inbox links', 'inbox', `{"messages":[],"links":{"next":["${SECRET}"]}}`, drainInbox, 'links.next:'],
    ['count', 'count', `{"count":"${SECRET}"}`, () => mesh.countMessages(), 'count: expected'],
    [
      'tracking',
      'tracking',
      `{"status":"accepted","subject":"${SECRET}"}`,
      () => mesh.trackMessage({ messageId: 'M1' }),
      'message_id: expected',
    ],
    [
      'lookup',
      'lookup',
      `{"results":[{"mailbox_name":"${SECRET}"}]}`,
      () => mesh.lookupEndpoint('X26', 'WF'),
      'results[0].mailbox_id: expected',
    ],
    [
      'workflow search',
      'workflowsearch',
      `{"results":"${SECRET}"}`,
      () => mesh.searchWorkflow('WF'),
      'results: expected array',
    ],
  ])('%s', async (_name, route, body, call, path) => {
    fake.failNext(route, { status: 200, body, contentType: 'application/json' });
    const before = fake.requests.length;
    const error = await caught(call());
    expect(isMeshError(error) && error.code).toBe('BAD_RESPONSE');
    const message = (error as Error).message;
    expect(message).toContain(path);
    expect(message).not.toContain(SECRET);
    // Not retried: the server answered, and answered wrongly.
    expect(fake.requests.length - before).toBe(1);
  });

  it('a well-formed body after the fault decodes again', async () => {
    fake.failNext('count', { status: 200, body: '{"count":-1}', contentType: 'application/json' });
    await expect(mesh.countMessages()).rejects.toThrow(/count: expected non-negative integer/);
    expect(await mesh.countMessages()).toBe(0);
  });

  it('a 202 send answer without a usable id is SEND_OUTCOME_UNKNOWN caused by BAD_RESPONSE', async () => {
    fake.failNext('send', {
      status: 202,
      body: `{"message_id":{"x":"${SECRET}"}}`,
      contentType: 'application/json',
    });
    const error = await caught(
      mesh.sendMessage({ to: 'X26ABC2', workflowId: 'WF', body: 'payload', localId: 'L-shape-1' }),
    );
    expect(isMeshError(error) && error.code).toBe('SEND_OUTCOME_UNKNOWN');
    expect(isMeshError(error) && error.localId).toBe('L-shape-1');
    const cause = (error as Error).cause;
    expect(isMeshError(cause) && cause.code).toBe('BAD_RESPONSE');
    expect((cause as Error).message).toContain('message_id: expected string or null, got an object');
    expect((cause as Error).message).not.toContain(SECRET);
  });
});
