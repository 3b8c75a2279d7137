import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMeshAuthorization } from '../../src/auth.js';
import { type FakeMesh, startFakeMesh } from '../../src/testing/index.js';
import { auth, MB1, raw, V2 } from './fake-helpers.js';

const NOW = new Date('2026-01-15T12:30:00Z');
const INBOX = '/messageexchange/X26ABC1/inbox';

let fake: FakeMesh;
beforeEach(async () => {
  fake = await startFakeMesh({ now: NOW });
});
afterEach(async () => {
  await fake.close();
});

const get = (authorization: string | undefined, path = INBOX, accept = V2) =>
  raw(fake.url, { path, headers: { accept, ...(authorization ? { authorization } : {}) } });

const detail = (body: { detail: Array<{ code: string; msg: string }> }) => body.detail[0];

describe('NHSMESH authentication', () => {
  it('accepts a valid token once and refuses the replay', async () => {
    const token = auth(MB1, { now: NOW });
    expect((await get(token)).status).toBe(200);
    const replay = await get(token);
    expect(replay.status).toBe(403);
    expect(detail(replay.json())).toMatchObject({ code: 'TokenReused' });
  });

  it('treats a new nonce_count with the same nonce as a new token', async () => {
    const nonce = '4ad1b8e1-7b5a-4c4e-9d7a-2f0c1e8b3a11';
    expect((await get(auth(MB1, { now: NOW, nonce, nonceCount: 0 }))).status).toBe(200);
    expect((await get(auth(MB1, { now: NOW, nonce, nonceCount: 1 }))).status).toBe(200);
    expect((await get(auth(MB1, { now: NOW, nonce, nonceCount: 1 }))).status).toBe(403);
  });

  it('does not burn a token that failed authentication', async () => {
    const nonce = 'c0ffee00-0000-4000-8000-000000000001';
    const wrong = createMeshAuthorization(
      { mailboxId: 'X26ABC1', mailboxPassword: 'wrong', sharedKey: 'TestKey' },
      { now: NOW, nonce },
    );
    expect((await get(wrong)).status).toBe(403);
    expect((await get(auth(MB1, { now: NOW, nonce }))).status).toBe(200);
  });

  it('enforces the 2-hour window against the fake clock', async () => {
    const inside = new Date(NOW.getTime() - 119 * 60_000);
    const outside = new Date(NOW.getTime() - 121 * 60_000);
    expect((await get(auth(MB1, { now: inside }))).status).toBe(200);
    const late = await get(auth(MB1, { now: outside }));
    expect(late.status).toBe(403);
    expect(detail(late.json())).toMatchObject({ code: 'TimestampOutOfRange' });
    const future = await get(auth(MB1, { now: new Date(NOW.getTime() + 121 * 60_000) }));
    expect(future.status).toBe(403);
    // Moving the fake clock moves the window.
    fake.clock.advance(3 * 60 * 60_000);
    expect((await get(auth(MB1, { now: NOW }))).status).toBe(403);
    fake.clock.setNow(NOW);
    expect((await get(auth(MB1, { now: NOW }))).status).toBe(200);
  });

  it('requires the token mailbox to equal the upper-cased path mailbox', async () => {
    const lower = createMeshAuthorization(
      { mailboxId: 'X26ABC1', mailboxPassword: 'password', sharedKey: 'TestKey' },
      { now: NOW },
    ).replace('X26ABC1', 'x26abc1');
    const res = await get(lower);
    expect(res.status).toBe(403);
    expect(detail(res.json())).toMatchObject({
      code: 'MailboxMismatch',
      msg: 'Mailbox id does not match token',
    });
    // A lower-case path mailbox is upper-cased by MESH, so this one is fine.
    expect((await get(auth(MB1, { now: NOW }), '/messageexchange/x26abc1/inbox')).status).toBe(200);
    const other = await get(auth(MB1, { now: NOW }), '/messageexchange/X26ABC2/inbox');
    expect(other.status).toBe(403);
  });

  it('rejects wrong passwords and wrong shared keys', async () => {
    for (const creds of [
      { mailboxId: 'X26ABC1', mailboxPassword: 'nope', sharedKey: 'TestKey' },
      { mailboxId: 'X26ABC1', mailboxPassword: 'password', sharedKey: 'Banana' },
    ]) {
      const res = await get(createMeshAuthorization(creds, { now: NOW }));
      expect(res.status).toBe(403);
      expect(detail(res.json())).toMatchObject({ code: 'InvalidToken', msg: 'Invalid Authentication Token' });
    }
  });

  it('answers EPL-151 for an unknown mailbox, in both error shapes', async () => {
    const token = createMeshAuthorization(
      { mailboxId: 'X99ZZZ9', mailboxPassword: 'password', sharedKey: 'TestKey' },
      { now: NOW },
    );
    const v2 = await get(token, '/messageexchange/X99ZZZ9/inbox');
    expect(v2.status).toBe(403);
    expect(v2.json()).toMatchObject({
      detail: [{ event: 'SEND', code: 'EPL-151', msg: 'No mailbox matched' }],
    });
    const token2 = createMeshAuthorization(
      { mailboxId: 'X99ZZZ9', mailboxPassword: 'password', sharedKey: 'TestKey' },
      { now: NOW },
    );
    const v1 = await get(token2, '/messageexchange/X99ZZZ9/inbox', 'application/json');
    expect(v1.json()).toEqual({
      errorEvent: 'SEND',
      errorCode: 'EPL-151',
      errorDescription: 'No mailbox matched',
    });
  });

  it.each([
    ['missing', undefined],
    ['another scheme', 'Basic eDp5'],
    ['four parts', 'NHSMESH X26ABC1:nonce:0:202601151230'],
    ['non-numeric count', 'NHSMESH X26ABC1:nonce:x:202601151230:abcd'],
  ])('rejects a %s header', async (_name, header) => {
    const res = await get(header);
    expect(res.status).toBe(403);
    expect(detail(res.json())?.msg).toBe('Error reading from Authorization header');
  });

  it('rejects a timestamp that is not yyyyMMddHHmm', async () => {
    const token = auth(MB1, { now: NOW }).replace(':202601151230:', ':20260115123:');
    const res = await get(token);
    expect(res.status).toBe(403);
  });

  it('accepts the scheme case-insensitively and the HMAC in upper case', async () => {
    const token = auth(MB1, { now: NOW });
    const [scheme, rest] = token.split(' ') as [string, string];
    const parts = rest.split(':');
    parts[4] = parts[4]!.toUpperCase();
    expect((await get(`${scheme.toLowerCase()} ${parts.join(':')}`)).status).toBe(200);
  });

  it('lets mailboxes added at run time authenticate with their own password', async () => {
    fake.mailboxes.add({ id: 'a12xyz9', password: 's3cret' });
    const res = await get(
      auth({ id: 'A12XYZ9', password: 's3cret' }, { now: NOW }),
      '/messageexchange/A12XYZ9/inbox',
    );
    expect(res.status).toBe(200);
    expect(fake.mailboxes.remove('A12XYZ9')).toBe(true);
    const after = await get(
      auth({ id: 'A12XYZ9', password: 's3cret' }, { now: NOW }),
      '/messageexchange/A12XYZ9/inbox',
    );
    expect(after.status).toBe(403);
  });
});
