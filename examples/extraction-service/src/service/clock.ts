/** GPES-I dates and date-times are UK local time without a zone (gpes-i §6); these helpers produce them. */

import { ukLocalDateTime } from '@gpes/messages';

/** `YYYY-MM-DD` of `instant` in England. */
export function ukDate(instant: Date): string {
  return ukLocalDateTime(instant).slice(0, 10);
}

/** `YYYY-MM-DDThh:mm:ss` of `instant` in England (GPES-I Date-Time-Type: no fraction, no zone). */
export function ukDateTime(instant: Date): string {
  return ukLocalDateTime(instant);
}

/**
 * The reference date an SQI carries: its 12-digit part reads as `yyyymmddhhmm` (gpes-i §4, inferred from the v6.0
 * sample, e.g. `A00151-202003310000-R` → 2020-03-31). Undefined when the digits are not a calendar date.
 */
export function sqiReferenceDate(sqi: string): string | undefined {
  const match = /^[0-9A-F]{6}-(\d{4})(\d{2})(\d{2})\d{4}-[RA]$/.exec(sqi);
  if (!match) return undefined;
  const [, year, month, day] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const iso = date.toISOString().slice(0, 10);
  return iso === `${year}-${month}-${day}` ? iso : undefined;
}
