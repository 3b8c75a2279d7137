/** GPES-I dates and date-times are UK local time without a zone (gpes-i §6); these helpers produce them. */

const UK_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function parts(instant: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of UK_PARTS.formatToParts(instant)) out[part.type] = part.value;
  return out;
}

/** `YYYY-MM-DD` of `instant` in England. */
export function ukDate(instant: Date): string {
  const p = parts(instant);
  return `${p.year}-${p.month}-${p.day}`;
}

/** `YYYY-MM-DDThh:mm:ss` of `instant` in England (GPES-I Date-Time-Type: no fraction, no zone). */
export function ukDateTime(instant: Date): string {
  const p = parts(instant);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
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
