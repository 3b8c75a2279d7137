// Data-type checks for the Query Results fields (GPES-Data-Types.xsd, gpes-i README §6).
// Kept local to this folder until `src/core/data-types.ts` exists; each check returns what the schema
// expects, never the value, so that callers can build issues that are safe to log.
import type { DecodeIssueCode } from '../core/issues.js';

/** A failed check: the issue code and what the schema expects, in words. */
export interface CheckFailure {
  readonly code: DecodeIssueCode;
  readonly expected: string;
}

export type Check = (value: string) => CheckFailure | undefined;

const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const UUID_ANY_CASE = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
const SQI = /^[0-9A-F]{6}-[0-9]{12}-[RA]$/;
const PRACTICE_ID = /^[A-Z][0-9]{5}$/;
const GPSOC = /^[0-9a-zA-Z]{3}\.[0-9a-zA-Z]{3}\.[0-9a-zA-Z]{3}\.[0-9a-zA-Z]{3}$/;
const OID = /^[1-9][0-9]*(\.[1-9][0-9]*)*$/;
const DATE_TIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const NUMERIC = /^-?[0-9]{1,10}(\.[0-9]{1,4})?$/;
const LINKS = /^[0-9]{1,12}(:[0-9]{1,12})*$/;
const NHS_NUMBER = /^[0-9]{10}$/;
/** Characters XML 1.0 cannot carry, even escaped (C0 controls except tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
// The C0 ranges are built from char codes because the linter reads control characters in a pattern as a mistake.
const C0 = `${String.fromCharCode(0)}-${String.fromCharCode(8, 11, 12, 14)}-${String.fromCharCode(31)}`;
const NOT_XML_CHAR = new RegExp(
  `[${C0}\\uFFFE\\uFFFF]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]`,
);

/** U+00A7, the multi-value delimiter of the GPES-I schemas ("&#167;"). */
export const MULTI_VALUE_DELIMITER = '\u00A7';

function isCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return d <= days;
}

function calendar(match: RegExpExecArray): boolean {
  return isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** True when the string holds only characters XML 1.0 can carry. */
export function isXmlSafe(value: string): boolean {
  return !NOT_XML_CHAR.test(value);
}

export const checkUuid: Check = (v) =>
  UUID_ANY_CASE.test(v)
    ? undefined
    : { code: 'INVALID_UUID', expected: 'a UUID, 8-4-4-4-12 hexadecimal digits' };

/** Upper-cases a UUID: the schema allows upper-case hexadecimal only, the decoder and encoder accept either. */
export function normaliseUuid(v: string): string {
  return UUID.test(v) ? v : v.toUpperCase();
}

export const checkSqi: Check = (v) =>
  SQI.test(v) ? undefined : { code: 'INVALID_PATTERN', expected: '[0-9A-F]{6}-[0-9]{12}-[RA]' };

export const checkPracticeId: Check = (v) =>
  PRACTICE_ID.test(v) ? undefined : { code: 'INVALID_PATTERN', expected: '[A-Z][0-9]{5}' };

export const checkGpSystemIdentifier: Check = (v) =>
  GPSOC.test(v) ? undefined : { code: 'INVALID_PATTERN', expected: 'xxx.xxx.xxx.xxx, alphanumeric' };

export const checkOid: Check = (v) =>
  OID.test(v) && v.length <= 255
    ? undefined
    : { code: 'INVALID_PATTERN', expected: 'an OID, [1-9][0-9]*(\\.[1-9][0-9]*)*' };

export const checkDateTime: Check = (v) => {
  const m = DATE_TIME.exec(v);
  return m && calendar(m)
    ? undefined
    : { code: 'INVALID_DATETIME', expected: 'YYYY-MM-DDThh:mm:ss, UK local time, no time zone or fraction' };
};

const DATE_EXPECTED = 'YYYY-MM-DD (or the sentinels 0000-00-00, 9999-99-99), or empty';

/** GPES-I-Date-Type, empty allowed (an absent value). Sentinels only when `sentinels` is true. */
export function checkGpesDate(v: string, sentinels: boolean): CheckFailure | undefined {
  if (v === '') return undefined;
  if (v === '0000-00-00' || v === '9999-99-99') {
    return sentinels
      ? undefined
      : { code: 'INVALID_DATE', expected: 'YYYY-MM-DD; the sentinels need allowDateSentinels' };
  }
  const m = DATE.exec(v);
  return m && calendar(m) ? undefined : { code: 'INVALID_DATE', expected: DATE_EXPECTED };
}

/** GPES-I-Numeric-Type (≤ 4 decimal places), empty allowed (an absent value). */
export const checkNumeric: Check = (v) =>
  v === '' || (v.length <= 16 && NUMERIC.test(v))
    ? undefined
    : {
        code: 'INVALID_NUMBER',
        expected: '-?[0-9]{1,10}(.[0-9]{1,4})?: at most 4 decimal places, no exponent, or empty',
      };

export const checkSex: Check = (v) =>
  v === '' || v === '0' || v === '1' || v === '2' || v === '9'
    ? undefined
    : { code: 'INVALID_ENUM', expected: '0, 1, 2 or 9, or empty' };

export const checkLinks: Check = (v) =>
  v === '' || LINKS.test(v)
    ? undefined
    : { code: 'INVALID_PATTERN', expected: 'n(:n)*, each n 1-12 digits, or empty' };

/** Ten digits whose last is the modulus 11 check digit (NHS Data Dictionary), or empty. */
export const checkNhsNumber: Check = (v) => {
  if (v === '') return undefined;
  if (NHS_NUMBER.test(v)) {
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += (v.charCodeAt(i) - 48) * (10 - i);
    const check = 11 - (sum % 11);
    if ((check === 11 ? 0 : check) === v.charCodeAt(9) - 48) return undefined;
  }
  return {
    code: 'INVALID_VALUE',
    expected: 'an NHS number: 10 digits with a valid modulus 11 check digit, or empty',
  };
};

export function checkMaxLength(max: number): Check {
  return (v) =>
    v.length <= max ? undefined : { code: 'INVALID_LENGTH', expected: `at most ${max} characters` };
}

/** Multi-valued text: `a§b§c`, no empty value between delimiters. */
export const checkMultiValue: Check = (v) => {
  if (v === '') return { code: 'INVALID_LENGTH', expected: 'at least one character' };
  if (!v.includes(MULTI_VALUE_DELIMITER)) return undefined;
  return v.split(MULTI_VALUE_DELIMITER).some((part) => part === '')
    ? { code: 'INVALID_VALUE', expected: 'values separated by § (U+00A7), none empty' }
    : undefined;
};
