import { describe, expect, it } from 'vitest';
import { CHUNK_LIMITS, resolveOptions } from './options.js';

const base = { baseUrl: 'https://mesh.example/', mailboxId: 'x26abc1', mailboxPassword: 'p', sharedKey: 'k' };

describe('client options', () => {
  it('applies defaults and normalises the mailbox and URL', () => {
    const resolved = resolveOptions(base);
    expect(resolved).toMatchObject({
      baseUrl: 'https://mesh.example',
      mailboxId: 'X26ABC1',
      timeoutMs: 120_000,
      totalTimeoutMs: 600_000,
      chunkSizeBytes: CHUNK_LIMITS.defaultBytes,
      compress: false,
      logLevel: 'none',
      retry: { limit: 3, delayMs: 500, backoffLimitMs: 10_000, jitter: true },
    });
  });

  it('logs at info by default only when a logger is given', () => {
    const logger = { debug() {}, info() {}, warn() {}, error() {} };
    expect(resolveOptions({ ...base, logger }).logLevel).toBe('info');
  });

  it.each([
    [{ baseUrl: 'not a url' }, /baseUrl/],
    [{ baseUrl: 'ftp://x' }, /http/],
    [{ mailboxId: 'a b' }, /mailboxId/],
    [{ mailboxPassword: '' }, /mailboxPassword/],
    [{ sharedKey: undefined }, /sharedKey/],
    [{ chunkSizeBytes: 1024 }, /chunkSizeBytes/],
    [{ chunkSizeBytes: 200 * 1024 * 1024 }, /chunkSizeBytes/],
    [{ timeoutMs: 0 }, /timeoutMs/],
    [{ retry: { limit: -1 } }, /retry.limit/],
    [{ logLevel: 'verbose' }, /logLevel/],
    [{ tls: { cert: 'x' } }, /tls.cert and tls.key/],
    [{ proxy: 'nope' }, /proxy/],
  ])('rejects %j', (patch, pattern) => {
    expect(() => resolveOptions({ ...base, ...patch } as never)).toThrow(pattern);
  });
});
