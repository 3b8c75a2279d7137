import type { MeshRetryOptions } from '../options.js';

/**
 * @internal Exponential backoff with optional full jitter (delay uniform in [0, min(cap, base * 2^attempt)]), so
 * that many clients retrying together spread out. `random` is injectable for tests.
 */
export function backoffDelayMs(
  attempt: number,
  retry: Required<MeshRetryOptions>,
  random: () => number = Math.random,
): number {
  const exp = Math.min(retry.backoffLimitMs, retry.delayMs * 2 ** attempt);
  return retry.jitter ? Math.floor(random() * exp) : exp;
}

/** @internal Sleeps, or rejects with `signal.reason` as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
