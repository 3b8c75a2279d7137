import { describe, expect, it } from 'vitest';
import { isMeshError, type MeshError } from './errors.js';
import { CHUNK_LIMITS, isLoopbackHost, resolveOptions, suggestName } from './options.js';

const base = { baseUrl: 'https://mesh.example/', mailboxId: 'x26abc1', mailboxPassword: 'p', sharedKey: 'k' };

function failure(options: unknown): MeshError {
  try {
    resolveOptions(options as never);
  } catch (error) {
    if (isMeshError(error)) return error;
    throw error;
  }
  throw new Error('expected the options to be rejected');
}

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
      hooks: {},
    });
  });

  it('logs at info by default only when a logger is given', () => {
    const logger = { debug() {}, info() {}, warn() {}, error() {} };
    expect(resolveOptions({ ...base, logger }).logLevel).toBe('info');
  });

  it.each([
    [{ baseUrl: 'not a url' }, /baseUrl/],
    [{ baseUrl: 'ftp://x' }, /https/],
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
    [{ hooks: { beforeRequest: () => {} } }, /hooks.beforeRequest/],
    [{ logger: { info() {} } }, /logger/],
  ])('rejects %j with INVALID_ARGUMENT', (patch, pattern) => {
    const error = failure({ ...base, ...patch });
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(pattern);
  });

  it('requires https except to loopback hosts or with allowInsecureHttp', () => {
    for (const host of ['127.0.0.1:4000', '127.9.8.7', 'localhost:8080', '[::1]:9000']) {
      expect(resolveOptions({ ...base, baseUrl: `http://${host}` }).baseUrl).toBe(`http://${host}`);
    }
    for (const host of [
      'mesh.example',
      '10.0.0.1',
      '128.0.0.1',
      'localhost.example.com',
      '127.0.0.1.nip.io',
    ]) {
      const error = failure({ ...base, baseUrl: `http://${host}` });
      expect(error.issues).toEqual([{ path: 'baseUrl', message: expect.stringMatching(/https/) }]);
    }
    expect(
      resolveOptions({ ...base, baseUrl: 'http://mesh.internal', allowInsecureHttp: true }).baseUrl,
    ).toBe('http://mesh.internal');
    expect(isLoopbackHost('127.0.0.300')).toBe(false);
  });

  it('rejects unknown option names, suggesting the intended one', () => {
    const error = failure({ ...base, timeOutMs: 5_000, retry: { limt: 2 }, tls: { passPhrase: 'x' } });
    expect(error.issues).toEqual([
      { path: 'timeOutMs', message: 'unknown option (did you mean timeoutMs?)' },
      { path: 'retry.limt', message: 'unknown option (did you mean retry.limit?)' },
      { path: 'tls.passPhrase', message: 'unknown option (did you mean tls.passphrase?)' },
    ]);
    expect(error.message).toContain('timeOutMs: unknown option (did you mean timeoutMs?)');
    expect(failure({ ...base, frobnicate: true }).issues?.[0]?.message).toBe('unknown option');
    expect(suggestName('mailboxid', ['mailboxId'])).toBe('mailboxId');
  });

  it('reports every problem at once, with its path, never echoing a secret', () => {
    const error = failure({
      baseUrl: 'http://mesh.example',
      mailboxId: 'a b',
      mailboxPassword: 'secret:pw',
      timeoutMs: -1,
      retry: { delayMs: 1.5 },
      chunkSizeBytes: 1,
      compres: true,
    });
    expect(error.issues?.map((i) => i.path)).toEqual([
      'compres',
      'baseUrl',
      'mailboxId',
      'mailboxPassword',
      'sharedKey',
      'chunkSizeBytes',
      'timeoutMs',
      'retry.delayMs',
    ]);
    expect(error.message).toMatch(/^Invalid MeshClient options \(8 problems\):\n {2}- compres: /);
    expect(error.message).not.toContain('secret');
    expect(JSON.stringify(error)).not.toContain('secret');
  });
});
