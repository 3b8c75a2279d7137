import type { IncomingHttpHeaders } from 'node:http';
import type { RecordedRequest } from '../types.js';

const SECRET_HEADER = /authorization|cookie|password|secret|token|key|credential/i;

/** Copies headers with secrets replaced, so recorded requests are safe to print in test failures. */
export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    out[lower] = SECRET_HEADER.test(lower) ? '[REDACTED]' : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** A bounded log of requests: the oldest entries go first when it is full. */
export class RequestRecorder {
  readonly #entries: RecordedRequest[] = [];
  constructor(private readonly max: number) {}

  add(entry: RecordedRequest): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.max) this.#entries.splice(0, this.#entries.length - this.max);
  }

  list(): readonly RecordedRequest[] {
    return [...this.#entries];
  }

  clear(): void {
    this.#entries.length = 0;
  }
}
