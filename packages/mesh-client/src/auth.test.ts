import { describe, expect, it } from 'vitest';
import {
  computeMeshHmac,
  createMeshAuthorization,
  formatMeshTimestamp,
  meshHmacMatches,
  parseMeshAuthorization,
  parseMeshTimestamp,
} from './auth.js';

// The reference test vector (mesh-api.md §2.1): synthetic credentials, not a real mailbox.
const credentials = { mailboxId: 'X26ABC1', mailboxPassword: 'password', sharedKey: 'TestKey' };
const nonce = '4ad1b8e1-7b5a-4c4e-9d7a-2f0c1e8b3a11';
const expectedHeader =
  'NHSMESH X26ABC1:4ad1b8e1-7b5a-4c4e-9d7a-2f0c1e8b3a11:0:202601151230:b5f23666ee512107d90c48b85f793a8073ea42c1b75980bdcdfcfc9d271a44fc';

describe('NHSMESH authorization', () => {
  it('reproduces the reference test vector', () => {
    const now = new Date(Date.UTC(2026, 0, 15, 12, 30, 59));
    expect(createMeshAuthorization(credentials, { now, nonce, nonceCount: 0 })).toBe(expectedHeader);
  });

  it('upper-cases the mailbox in the header and the signed string', () => {
    const now = new Date(Date.UTC(2026, 0, 15, 12, 30));
    const lower = createMeshAuthorization(
      { ...credentials, mailboxId: 'x26abc1' },
      { now, nonce, nonceCount: 0 },
    );
    expect(lower).toBe(expectedHeader);
  });

  it('uses UTC whatever the local time zone', () => {
    // 00:30 UTC on 1 March is still 28 February in a zone behind UTC; the timestamp must not move.
    expect(formatMeshTimestamp(new Date('2026-03-01T00:30:00Z'))).toBe('202603010030');
  });

  it('makes a fresh token for every call', () => {
    const a = createMeshAuthorization(credentials);
    const b = createMeshAuthorization(credentials);
    expect(a).not.toBe(b);
    expect(parseMeshAuthorization(a)?.nonce).not.toBe(parseMeshAuthorization(b)?.nonce);
  });

  it('parses what it makes, and the HMAC verifies', () => {
    const token = parseMeshAuthorization(expectedHeader);
    expect(token).toEqual({
      mailboxId: 'X26ABC1',
      nonce,
      nonceCount: 0,
      timestamp: '202601151230',
      hmac: 'b5f23666ee512107d90c48b85f793a8073ea42c1b75980bdcdfcfc9d271a44fc',
    });
    expect(meshHmacMatches(token!.hmac.toUpperCase(), computeMeshHmac(credentials, token!))).toBe(true);
    expect(
      meshHmacMatches(token!.hmac, computeMeshHmac({ ...credentials, sharedKey: 'Other' }, token!)),
    ).toBe(false);
  });

  it.each([
    ['', 'empty'],
    ['Basic abc', 'another scheme'],
    ['NHSMESH X26ABC1:n:0:202601151230', 'four parts'],
    ['NHSMESH X26ABC1:n:x:202601151230:ab', 'non-numeric count'],
    ['NHSMESH X26 ABC1:n:0:202601151230:ab', 'space in mailbox'],
  ])('rejects a malformed header (%s: %s)', (header) => {
    expect(parseMeshAuthorization(header)).toBeUndefined();
  });

  it('accepts the scheme in any case', () => {
    expect(parseMeshAuthorization(expectedHeader.replace('NHSMESH', 'nhsmesh'))?.mailboxId).toBe('X26ABC1');
  });

  it('parses timestamps strictly', () => {
    expect(parseMeshTimestamp('202601151230')?.toISOString()).toBe('2026-01-15T12:30:00.000Z');
    expect(parseMeshTimestamp('202602301230')).toBeUndefined();
    expect(parseMeshTimestamp('2026011512')).toBeUndefined();
  });
});
