import { describe, expect, it } from 'vitest';
import { backoffDelayMs, sleep } from './retry.js';

const policy = { limit: 3, delayMs: 100, backoffLimitMs: 1_000, jitter: false };

describe('backoff', () => {
  it('doubles per attempt up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelayMs(a, policy))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('applies full jitter in [0, backoff)', () => {
    expect(backoffDelayMs(3, { ...policy, jitter: true }, () => 0.5)).toBe(400);
    expect(backoffDelayMs(3, { ...policy, jitter: true }, () => 0)).toBe(0);
  });

  it('sleep rejects with the signal reason', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const pending = sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});
