// Data-type checks for the Query Results fields. The schema types come from `core/data-types.ts`, shared
// with every other codec; this file adds only what is specific to QR columns (NHS number, postcode, the
// encoder's refusal of date sentinels, multi-valued aggregate values). Checks return what the schema
// expects, never the value, so that callers can build issues that are safe to log.

import {
  type DataTypeFailure,
  type DataTypeName,
  dataTypes,
  isSentinelDate,
  MULTI_VALUE_DELIMITER,
  normalizeWhiteSpace,
} from '../core/data-types.js';
import { hasNonXmlChar } from '../core/encode-writer.js';

/** A failed check: the issue code and what the schema expects, in words. */
export type CheckFailure = DataTypeFailure;

export type Check = (value: string) => CheckFailure | undefined;

/** A check for a `GPES-Data-Types.xsd` type, applying the type's whitespace facet first. */
function schemaType(name: DataTypeName): Check {
  const type = dataTypes[name];
  return type.whiteSpace === 'preserve'
    ? (v) => type.check(v)
    : (v) => type.check(normalizeWhiteSpace(v, type.whiteSpace));
}

/** The same, but an empty string (an absent value, `VALUE2-CONDITION=""` in the v6.0 sample) passes. */
function emptyOr(check: Check): Check {
  return (v) => (v === '' ? undefined : check(v));
}

const UUID_UPPER = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const NHS_NUMBER = /^[0-9]{10}$/;
/** True when the string holds only characters XML 1.0 can carry (the shared check of `core/encode-writer.ts`). */
export function isXmlSafe(value: string): boolean {
  return !hasNonXmlChar(value);
}

/** Upper-cases a UUID: the schema allows upper-case hexadecimal only; the decoder and encoder accept either. */
export function normaliseUuid(v: string): string {
  return UUID_UPPER.test(v) ? v : v.toUpperCase();
}

const uuidType = schemaType('UUID-Type');
export const checkUuid: Check = (v) => uuidType(normaliseUuid(v));
/** The check of a described item's data type (a UUID in either case: the decoder and encoder upper-case it). */
export function checkOf(type: DataTypeName): Check {
  return type === 'UUID-Type' ? checkUuid : schemaType(type);
}
const checkPracticeId = checkOf('Practice-ID-Type');
export const checkDescription = schemaType('Description-Attribute-Type');
export const checkCommonIdentifier = schemaType('Common-Identifier-Type');
export const checkCode = schemaType('GPES-I-Code-Type');
export const checkNumeric = emptyOr(schemaType('GPES-I-Numeric-Type'));
export const checkSex = emptyOr(schemaType('GPES-I-Sex-Type'));
export const checkLinks = emptyOr(schemaType('GPES-I-Links-Type'));
export const checkOptionalPracticeId = emptyOr(checkPracticeId);

const gpesDate = schemaType('GPES-I-Date-Type');
/** GPES-I-Date-Type, or empty. The sentinels `0000-00-00`/`9999-99-99` only when `sentinels` is true. */
export const checkGpesDateWithSentinels: Check = emptyOr(gpesDate);
export const checkGpesDateNoSentinels: Check = (v) =>
  isSentinelDate(v)
    ? {
        code: 'INVALID_DATE',
        expected: 'YYYY-MM-DD; the sentinels 0000-00-00 and 9999-99-99 need allowDateSentinels',
      }
    : checkGpesDateWithSentinels(v);

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

/** A UK postcode is at most 8 characters with its space (NHS Data Dictionary); not checked further. */
export const checkPostcode = checkMaxLength(8);

/** Multi-valued text: `a§b§c` with no empty value; a single value must not be empty either. */
export const checkMultiValue: Check = (v) => {
  if (v === '') return { code: 'INVALID_LENGTH', expected: 'at least one character' };
  if (!v.includes(MULTI_VALUE_DELIMITER)) return undefined;
  return v.split(MULTI_VALUE_DELIMITER).some((part) => part === '')
    ? { code: 'INVALID_VALUE', expected: 'values separated by § (U+00A7), none empty' }
    : undefined;
};
