/**
 * Date formatting for the generator: dates are held as day numbers (the evaluator's calendar, ../dates/) while a
 * patient is built, and formatted once. Formatting is memoised per generator because a million patients with forty
 * entries each would otherwise format the same few thousand dates forty million times.
 * @internal
 */
import { formatDate } from '../dates/calendar.js';

/**
 * A per-pass memo of formatted dates (no module-level state): a dense array over the window a population uses
 * (130 years before the reference date to 10 years after), and a Map for anything outside it.
 */
export class DateFormatter {
  readonly #first: number;
  readonly #dense: (string | undefined)[];
  readonly #sparse = new Map<number, string>();

  constructor(referenceDay: number) {
    this.#first = referenceDay - 130 * 366;
    this.#dense = new Array<string | undefined>(140 * 366).fill(undefined);
  }

  format(days: number): string {
    const i = days - this.#first;
    if (i >= 0 && i < this.#dense.length) {
      let text = this.#dense[i];
      if (text === undefined) {
        text = formatDate(days);
        this.#dense[i] = text;
      }
      return text;
    }
    let text = this.#sparse.get(days);
    if (text === undefined) {
      text = formatDate(days);
      this.#sparse.set(days, text);
    }
    return text;
  }
}
