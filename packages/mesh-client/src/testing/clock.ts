/**
 * The fake server's clock: real time plus an offset, so tests can jump days ahead (token windows, inbox
 * expiry) without sleeping, while timestamps still move between requests.
 */
export class Clock {
  #offsetMs: number;
  readonly #listeners: Array<() => void> = [];

  /** @param start the time `now()` returns at construction. @default the real time */
  constructor(start?: Date) {
    this.#offsetMs = start ? start.getTime() - Date.now() : 0;
  }

  /** The current fake time. */
  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }

  /** Moves the clock forward (or back, with a negative value) by `ms` milliseconds. */
  advance(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('clock.advance needs a finite number of milliseconds');
    this.#offsetMs += ms;
    this.#notify();
  }

  /** Sets the current fake time; the clock keeps running from there. */
  setNow(date: Date): void {
    if (Number.isNaN(date.getTime())) throw new RangeError('clock.setNow needs a valid Date');
    this.#offsetMs = date.getTime() - Date.now();
    this.#notify();
  }

  /** @internal the server re-runs expiry when time jumps. */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  #notify(): void {
    for (const l of this.#listeners) l();
  }
}
