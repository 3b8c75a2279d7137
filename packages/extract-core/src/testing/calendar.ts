/**
 * Day-number arithmetic for the generator: dates are held as integers (days since 1970-01-01, proleptic
 * Gregorian) while a patient is built, and formatted once. Formatting is memoised per generator because a
 * million patients with forty entries each would otherwise format the same few thousand dates forty million times.
 * @internal
 */

/** Days since 1970-01-01 for a proleptic Gregorian date (month 1–12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The calendar date of a day number. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Parses a strict `YYYY-MM-DD` into a day number, or returns undefined. */
export function parseIsoDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return undefined;
  const length = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  if (day > length) return undefined;
  return daysFromCivil(year, month, day);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function formatIsoDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

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
        text = formatIsoDate(days);
        this.#dense[i] = text;
      }
      return text;
    }
    let text = this.#sparse.get(days);
    if (text === undefined) {
      text = formatIsoDate(days);
      this.#sparse.set(days, text);
    }
    return text;
  }
}

/** The same calendar day `years` earlier or later, with 29 February clamped to 28 February. */
export function addYears(days: number, years: number): number {
  const { year, month, day } = civilFromDays(days);
  const target = year + years;
  const clampedDay = month === 2 && day === 29 && !isLeapYear(target) ? 28 : day;
  return daysFromCivil(target, month, clampedDay);
}
