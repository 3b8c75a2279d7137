import type { JournalEntry } from '../record.js';

const ALL_DIGITS = /^\d+$/;

/**
 * Orders entry ids (P11): numerically when both are all digits, otherwise by UTF-16 code units. Ids equal as
 * numbers ("07", "7") fall back to code units so the order stays total and input order never matters.
 */
export function compareEntryIds(a: string, b: string): number {
  if (ALL_DIGITS.test(a) && ALL_DIGITS.test(b)) {
    const x = a.replace(/^0+(?=\d)/, '');
    const y = b.replace(/^0+(?=\d)/, '');
    if (x.length !== y.length) return x.length - y.length;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a === b ? 0 : a < b ? -1 : 1;
}

function str(x: unknown): string {
  return typeof x === 'string' ? x : '';
}

/** Orders by `recordedAt`, then entry id (P11 `latestRecorded`: the greatest wins). */
export function compareRecorded(a: JournalEntry, b: JournalEntry): number {
  const ra = str(a.recordedAt);
  const rb = str(b.recordedAt);
  if (ra !== rb) return ra < rb ? -1 : 1;
  return compareEntryIds(str(a.entryId), str(b.entryId));
}
