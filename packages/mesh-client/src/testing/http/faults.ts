import type { FakeFault, FakeRoute } from '../types.js';

interface Armed {
  fault: FakeFault;
  remaining: number;
}

const ROUTES: ReadonlySet<string> = new Set<FakeRoute>([
  'handshake',
  'send',
  'chunk',
  'inbox',
  'count',
  'download',
  'acknowledge',
  'tracking',
  'lookup',
  'workflowsearch',
  'ping',
  '*',
]);

function validate(fault: FakeFault): void {
  if (fault === 'reset' || fault === 'truncate') return;
  if (typeof fault !== 'object' || fault === null) throw new TypeError('unknown fake MESH fault');
  if ('status' in fault) {
    if (!Number.isInteger(fault.status) || fault.status < 100 || fault.status > 599) {
      throw new RangeError('fault status must be an HTTP status code (100-599)');
    }
    if (fault.retryAfterSeconds !== undefined && !(fault.retryAfterSeconds >= 0)) {
      throw new RangeError('fault retryAfterSeconds must be ≥ 0');
    }
    return;
  }
  if ('delayMs' in fault) {
    if (!(fault.delayMs >= 0) || !Number.isFinite(fault.delayMs))
      throw new RangeError('fault delayMs must be ≥ 0');
    return;
  }
  if ('reset' in fault && (fault.reset === 'request' || fault.reset === 'response')) return;
  throw new TypeError('unknown fake MESH fault');
}

/** Faults waiting for matching requests; a route's own faults come before `'*'` ones, each in arming order. */
export class FaultQueue {
  readonly #armed = new Map<FakeRoute, Armed[]>();

  arm(route: FakeRoute, fault: FakeFault, times = 1): void {
    if (!ROUTES.has(route)) throw new TypeError(`unknown fake MESH route: ${String(route)}`);
    validate(fault);
    if (!Number.isInteger(times) || times < 1)
      throw new RangeError('failNext times must be a positive integer');
    const list = this.#armed.get(route) ?? [];
    list.push({ fault, remaining: times });
    this.#armed.set(route, list);
  }

  /** Takes the next fault for a request on `route`, if any. */
  take(route: FakeRoute | 'unknown'): FakeFault | undefined {
    for (const key of route === 'unknown' ? (['*'] as const) : ([route, '*'] as const)) {
      const list = this.#armed.get(key);
      const first = list?.[0];
      if (!list || !first) continue;
      first.remaining -= 1;
      if (first.remaining <= 0) list.shift();
      return first.fault;
    }
    return undefined;
  }

  clear(): void {
    this.#armed.clear();
  }
}
