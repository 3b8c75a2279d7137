/**
 * Calendar dates as integer day numbers (days since 1970-01-01, proleptic Gregorian). Evaluation never builds
 * `Date` objects: integers compare and offset cheaply and cannot drift with the host's time zone (P5).
 */
import type { MonthArithmetic } from '../spec/model.js';

/** A calendar date as days since 1970-01-01. */
export type DayNumber = number;

/** Whether `y` is a leap year (proleptic Gregorian). */
export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days in month `m` (1-12) of year `y`. */
export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Day number of a valid (y, m, d). Howard Hinnant's days_from_civil. */
export function fromCivil(y: number, m: number, d: number): DayNumber {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** (year, month, day) of a day number. */
export function toCivil(z: DayNumber): [number, number, number] {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1000000;
}

/**
 * Parses `YYYY-MM-DD` strictly (years 0001-9999). Returns null for anything else, including non-strings, so bad
 * record data never throws.
 */
export function parseIsoDate(s: unknown): DayNumber | null {
  if (typeof s !== 'string' || s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45)
    return null;
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const m = digit(s, 5) * 10 + digit(s, 6);
  const d = digit(s, 8) * 10 + digit(s, 9);
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return fromCivil(y, m, d);
}

/** The date part of a `YYYY-MM-DDThh:mm:ss` local date-time (or a bare date); null when it is not valid. */
export function parseDatePart(s: unknown): DayNumber | null {
  if (typeof s !== 'string' || s.length < 10) return null;
  if (s.length > 10 && s.charCodeAt(10) !== 84 /* T */ && s.charCodeAt(10) !== 32) return null;
  return parseIsoDate(s.length === 10 ? s : s.slice(0, 10));
}

/** Parses `DD/MM/YYYY` (UK order only). */
export function parseUkDate(s: string): DayNumber | null {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s);
  if (!m) return null;
  return parseIsoDate(`${m[3]}-${m[2]}-${m[1]}`);
}

function pad(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : '0'.repeat(width - s.length) + s;
}

/** Formats a day number as `YYYY-MM-DD`. */
export function formatDate(z: DayNumber): string {
  const [y, m, d] = toCivil(z);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** `date ± n days`, exact (P8). */
export function addDays(z: DayNumber, n: number): DayNumber {
  return z + n;
}

/**
 * `date ± n months` in one step (P7). A day that does not exist in the target month goes to that month's last
 * day (`clamp`) or to the first day of the following month (`rollForward`).
 */
export function addMonths(z: DayNumber, n: number, policy: MonthArithmetic): DayNumber {
  const [y, m, d] = toCivil(z);
  const total = y * 12 + (m - 1) + n;
  const ty = Math.floor(total / 12);
  const tm = total - ty * 12 + 1;
  const dim = daysInMonth(ty, tm);
  if (d <= dim) return fromCivil(ty, tm, d);
  return policy === 'clamp' ? fromCivil(ty, tm, dim) : fromCivil(ty, tm, dim) + 1;
}

/** `date ± n years` = `± 12n months` (P7). */
export function addYears(z: DayNumber, n: number, policy: MonthArithmetic): DayNumber {
  return addMonths(z, 12 * n, policy);
}

/** Age in full years at `at` (P13): a 29 February birthday is reached on 1 March in non-leap years. */
export function ageInYears(birth: DayNumber, at: DayNumber): number {
  const [by, bm, bd] = toCivil(birth);
  const [ay, am, ad] = toCivil(at);
  let age = ay - by;
  if (am < bm || (am === bm && ad < bd)) age -= 1;
  return age;
}
