import type { JournalEntry } from '../record.js';

/** A field value inside the evaluator: dates as day numbers, arrays as plain arrays. @internal */
export type RawValue = number | string | null | readonly number[] | readonly (number | null)[];

/**
 * Per-patient evaluation state. Candidate slots (`cd`, `ce`, `ci`) are overwritten while a field scans its
 * candidates; fields are computed in dependency order, so no scan ever runs inside another. @internal
 */
export interface Ctx {
  /** Field values by program field index. */
  readonly v: RawValue[];
  /** Candidate date (entry, registration boundary or array date). */
  cd: number;
  /** Candidate journal entry. */
  ce: JournalEntry | undefined;
  /** Candidate index in a date array (for aligned value arrays). */
  ci: number;
}

export type NumFn = (c: Ctx) => number | null;
export type StrFn = (c: Ctx) => string | null;
export type CondFn = (c: Ctx) => boolean;

/** A finite number, or null: values that are not numbers count as absent (P22). */
export function numOrNull(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

/** A patient id as text without ever throwing: ids that are not strings or numbers become ''. */
export function idText(x: unknown): string {
  if (typeof x === 'string') return x;
  return typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean' ? String(x) : '';
}
