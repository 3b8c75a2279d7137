import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  addYears,
  ageInYears,
  formatDate,
  parseDatePart,
  parseIsoDate,
  parseUkDate,
} from './calendar.js';

const d = (s: string) => parseIsoDate(s) as number;

describe('calendar dates as day numbers', () => {
  it('parses strictly and formats back', () => {
    for (const s of ['1970-01-01', '0001-01-01', '1900-02-28', '2000-02-29', '2024-12-31', '9999-12-31']) {
      expect(formatDate(d(s))).toBe(s);
    }
    expect(d('1970-01-02') - d('1970-01-01')).toBe(1);
    for (const bad of [
      '2023-02-29',
      '1900-02-29',
      '2021-13-01',
      '2021-00-10',
      '2021-04-31',
      '21-01-01',
      '2021-1-01',
      '',
      '2021-01-01T00:00:00',
      20210101,
      undefined,
    ]) {
      expect(parseIsoDate(bad)).toBeNull();
    }
    expect(parseUkDate('01/04/2013')).toBe(d('2013-04-01'));
    expect(parseUkDate('2013-04-01')).toBeNull();
    expect(parseDatePart('2021-05-06T23:59:59')).toBe(d('2021-05-06'));
    expect(parseDatePart('2021-05-06X23')).toBeNull();
  });

  it('adds days exactly across month, year and leap-day boundaries (P8)', () => {
    expect(formatDate(addDays(d('2024-02-28'), 1))).toBe('2024-02-29');
    expect(formatDate(addDays(d('2023-02-28'), 1))).toBe('2023-03-01');
    expect(formatDate(addDays(d('2021-12-31'), 1))).toBe('2022-01-01');
    expect(formatDate(addDays(d('2021-04-01'), 279))).toBe('2022-01-05');
    expect(formatDate(addDays(d('2022-03-01'), -1))).toBe('2022-02-28');
  });

  it('clamps month arithmetic to the month end (P7 clamp)', () => {
    expect(formatDate(addMonths(d('2024-03-31'), -1, 'clamp'))).toBe('2024-02-29');
    expect(formatDate(addMonths(d('2023-03-31'), -1, 'clamp'))).toBe('2023-02-28');
    expect(formatDate(addMonths(d('2022-03-31'), -6, 'clamp'))).toBe('2021-09-30');
    expect(formatDate(addMonths(d('2022-03-31'), -12, 'clamp'))).toBe('2021-03-31');
    expect(formatDate(addMonths(d('2022-01-31'), 1, 'clamp'))).toBe('2022-02-28');
    expect(formatDate(addMonths(d('2022-03-15'), -21, 'clamp'))).toBe('2020-06-15');
    expect(formatDate(addYears(d('2024-02-29'), 1, 'clamp'))).toBe('2025-02-28');
    expect(formatDate(addYears(d('2024-02-29'), 4, 'clamp'))).toBe('2028-02-29');
    expect(formatDate(addYears(d('2022-03-31'), -3, 'clamp'))).toBe('2019-03-31');
  });

  it('rolls a non-existent day forward to the 1st of the next month (P7 rollForward)', () => {
    expect(formatDate(addMonths(d('2024-03-31'), -1, 'rollForward'))).toBe('2024-03-01');
    expect(formatDate(addMonths(d('2023-03-31'), -1, 'rollForward'))).toBe('2023-03-01');
    expect(formatDate(addMonths(d('2022-03-31'), -6, 'rollForward'))).toBe('2021-10-01');
    expect(formatDate(addYears(d('2024-02-29'), 1, 'rollForward'))).toBe('2025-03-01');
    expect(formatDate(addMonths(d('2022-03-30'), -1, 'rollForward'))).toBe('2022-03-01');
    expect(formatDate(addMonths(d('2022-03-30'), -1, 'clamp'))).toBe('2022-02-28');
    // Days that exist are the same under both policies.
    expect(addMonths(d('2022-03-15'), -1, 'rollForward')).toBe(addMonths(d('2022-03-15'), -1, 'clamp'));
  });

  it('computes age in full years, with leap-day birthdays reached on 1 March (P13)', () => {
    expect(ageInYears(d('2005-03-31'), d('2022-03-31'))).toBe(17);
    expect(ageInYears(d('2005-04-01'), d('2022-03-31'))).toBe(16);
    expect(ageInYears(d('2004-02-29'), d('2021-02-28'))).toBe(16);
    expect(ageInYears(d('2004-02-29'), d('2021-03-01'))).toBe(17);
    expect(ageInYears(d('2004-02-29'), d('2024-02-29'))).toBe(20);
    expect(ageInYears(d('2022-04-01'), d('2022-03-31'))).toBe(-1);
    expect(ageInYears(d('2022-03-31'), d('2022-03-31'))).toBe(0);
  });
});
