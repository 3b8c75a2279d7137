import { describe, expect, it } from 'vitest';
import { Clock } from './clock.js';
import { negotiateVersion } from './http/negotiate.js';
import { redactHeaders } from './http/recorder.js';
import { MessageStore, meshTimestamp } from './store/message-store.js';
import { TokenLedger } from './token-ledger.js';

describe('Clock', () => {
  it('starts where asked, advances and can be set, notifying listeners', () => {
    const clock = new Clock(new Date('2026-01-15T12:30:00Z'));
    let changes = 0;
    clock.onChange(() => {
      changes += 1;
    });
    expect(Math.abs(clock.now().getTime() - Date.parse('2026-01-15T12:30:00Z'))).toBeLessThan(5_000);
    clock.advance(24 * 60 * 60 * 1000);
    expect(clock.now().toISOString().slice(0, 10)).toBe('2026-01-16');
    clock.setNow(new Date('2030-06-01T00:00:00Z'));
    expect(clock.now().getUTCFullYear()).toBe(2030);
    expect(changes).toBe(2);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => clock.setNow(new Date('nope'))).toThrow(RangeError);
  });
});

describe('negotiateVersion', () => {
  it.each([
    [undefined, 1],
    ['', 1],
    ['application/json', 1],
    ['application/vnd.mesh.v1+json', 1],
    ['*/*', 1],
    ['application/vnd.mesh.v2+json', 2],
    ['Application/Vnd.Mesh.V2+Json; charset=utf-8', 2],
    ['application/json, application/vnd.mesh.v2+json', 'invalid'],
    ['text/html', 'invalid'],
  ])('%s → %s', (accept, expected) => {
    expect(negotiateVersion(accept)).toBe(expected);
  });
});

describe('TokenLedger', () => {
  it('accepts a key once and forgets keys whose window has passed once it grows', () => {
    const ledger = new TokenLedger();
    expect(ledger.use('A:n:0', 0, 10, 0)).toBe(true);
    expect(ledger.use('A:n:0', 0, 10, 0)).toBe(false);
    for (let i = 0; i < 10_001; i++) ledger.use(`B:${i}:0`, 1_000, 10, 1_000);
    // Growing past 10,000 entries pruned 'A:n:0' (its window ended at 10) and kept the live ones.
    expect(ledger.use('B:5:0', 1_000, 10, 1_000)).toBe(false);
    expect(ledger.use('A:n:0', 0, 10, 1_000)).toBe(true);
  });
});

describe('message ids and timestamps', () => {
  it('generates unique live-style ids', () => {
    const store = new MessageStore();
    const now = new Date('2026-01-15T12:30:45.123Z');
    const ids = new Set(Array.from({ length: 2000 }, () => store.newId(now)));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(id).toMatch(/^20260115123045\d{6}_[0-9A-F]{6}$/);
    expect(meshTimestamp(now)).toBe('20260115123045');
  });
});

describe('redactHeaders', () => {
  it('hides credentials and keeps the rest', () => {
    expect(
      redactHeaders({
        authorization: 'NHSMESH X:1:0:2026:abc',
        'proxy-authorization': 'Basic x',
        cookie: 'a=b',
        'x-shared-key': 'k',
        'mex-to': 'X26ABC2',
        'set-thing': ['a', 'b'],
      }),
    ).toEqual({
      authorization: '[REDACTED]',
      'proxy-authorization': '[REDACTED]',
      cookie: '[REDACTED]',
      'x-shared-key': '[REDACTED]',
      'mex-to': 'X26ABC2',
      'set-thing': 'a, b',
    });
  });
});
