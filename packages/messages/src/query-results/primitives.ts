// Data-type checks for the Query Results records. The schema types come from `core/data-types.ts`, shared with every
// other codec; this file adds only what is specific to QR columns (NHS number, postcode, the encoder's refusal of date
// sentinels, multi-valued aggregate values). Checks return what the schema expects, never the value, so that callers
// can build issues that are safe to log.

import {
  checkValue,
  type DataTypeFailure,
  type DataTypeName,
  dataTypes,
  isSentinelDate,
  isValid,
  MULTI_VALUE_DELIMITER,
} from '../core/data-types.js';
import { hasNonXmlChar } from '../core/encode-writer.js';

export type Check = (value: string) => DataTypeFailure | undefined;

const NHS_NUMBER = /^[0-9]{10}$/;
/** True when the string holds only characters XML 1.0 can carry (the shared check of `core/encode-writer.ts`). */
export function isXmlSafe(value: string): boolean {
  return !hasNonXmlChar(value);
}

/** Upper-cases a UUID: the schema allows upper-case hexadecimal only; the decoder and encoder accept either. */
export function normaliseUuid(v: string): string {
  return isValid('UUID-Type', v) ? v : v.toUpperCase();
}

/** A data type's check after its whitespace facet; a UUID in either case (the decoder and encoder upper-case it). */
export function checkOf(type: DataTypeName): Check {
  return (v) => {
    const r = checkValue(type, v);
    return r.ok ? undefined : r.failure;
  };
}

export function checkMaxLength(max: number): Check {
  return (v) =>
    v.length <= max ? undefined : { code: 'INVALID_LENGTH', expected: `at most ${max} characters` };
}

const XML_ONLY: DataTypeFailure = { code: 'INVALID_VALUE', expected: 'XML 1.0 characters only' };
/** Length-only checks admit any character: add XML's, so that a column whose check passes needs no other. */
const xmlText =
  (check: Check): Check =>
  (v) =>
    check(v) ?? (isXmlSafe(v) ? undefined : XML_ONLY);

/**
 * A typed column: empty is absent (`VALUE2-CONDITION=""` in the v6.0 sample), anything else its data type. Column
 * types keep whitespace (`Practice-ID-Type` replaces it, which no value of its pattern can hold), so no facet applies.
 */
function column(type: DataTypeName): Check {
  const { check, facets } = dataTypes[type];
  const typed = facets?.pattern === undefined && facets?.enumeration === undefined ? xmlText(check) : check;
  return (v) => (v === '' ? undefined : typed(v));
}

/** Ten digits whose last is the modulus 11 check digit (NHS Data Dictionary), or empty. */
const checkNhsNumber: Check = (v) => {
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

const code = column('GPES-I-Code-Type');
const numeric = column('GPES-I-Numeric-Type');
const date = column('GPES-I-Date-Type');
/** The sentinels' meaning is not public: the encoder refuses them unless a query specification asks for them. */
const dateNoSentinels: Check = (v) =>
  isSentinelDate(v)
    ? {
        code: 'INVALID_DATE',
        expected: 'YYYY-MM-DD; the sentinels 0000-00-00 and 9999-99-99 need allowDateSentinels',
      }
    : date(v);

/** Column checks by QR attribute name (gpes-i README §5.5, business-rules README §5.3), dates last. */
const COLUMNS: [string, Check][] = [
  ['NHS-NUMBER', checkNhsNumber],
  ['SEX', column('GPES-I-Sex-Type')],
  // A UK postcode is at most 8 characters with its space (NHS Data Dictionary); not checked further.
  ['POSTCODE', xmlText(checkMaxLength(8))],
  ['PRACTICE', column('Practice-ID-Type')],
  ['CODE', code],
  ['EPISODE-CONDITION', code],
  ['EPISODE-PRESCRIPTION', code],
  ['VALUE1-CONDITION', numeric],
  ['VALUE2-CONDITION', numeric],
  ['VALUE1-PRESCRIPTION', numeric],
  ['VALUE2-PRESCRIPTION', numeric],
  ['LINKS', column('GPES-I-Links-Type')],
];
const withDates = (check: Check) =>
  new Map([...COLUMNS, ...['DATE-OF-BIRTH', 'DATE', 'RECORD-DATE'].map((name) => [name, check] as const)]);
export const COLUMN_CHECKS = { withSentinels: withDates(date), noSentinels: withDates(dateNoSentinels) };

/** Multi-valued text: `a§b§c` with no empty value; a single value must not be empty either. */
export const checkMultiValue: Check = (v) => {
  if (v === '') return { code: 'INVALID_LENGTH', expected: 'at least one character' };
  if (!v.includes(MULTI_VALUE_DELIMITER)) return undefined;
  return v.split(MULTI_VALUE_DELIMITER).some((part) => part === '')
    ? { code: 'INVALID_VALUE', expected: 'values separated by § (U+00A7), none empty' }
    : undefined;
};
