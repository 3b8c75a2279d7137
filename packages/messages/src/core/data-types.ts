/**
 * Validators for the simple types of `GPES-Data-Types.xsd` (v0.2) and the XML Schema built-ins the four message
 * schemas use. Decoders and encoders share them, so a document the encoder writes is one the decoder reads.
 *
 * Each validator follows the XSD literally (pattern, length facets counted in code points, whitespace facet), with
 * two documented deviations: UUIDs are accepted in lower case on decode and normalised to upper case (the project's
 * leniency, README §6), and the encoder upper-cases UUIDs rather than refusing them.
 *
 * Speed matters (C2 runs these per attribute of a multi-hundred-megabyte Query Results document): every check is a
 * precompiled RegExp or a length count, no allocation on success.
 *
 * @internal helpers; the public API re-exports only {@link dataTypes} lookups via the message codecs.
 */
import type { DecodeIssueCode } from './issues.js';

/** XSD whiteSpace facet: what the schema processor does to the lexical value before checking it. */
export type WhiteSpace = 'preserve' | 'replace' | 'collapse';

/** A failed check: the issue code and what the schema expects (never the value). */
export interface DataTypeFailure {
  readonly code: DecodeIssueCode;
  readonly expected: string;
}

/** A simple type: normalise the lexical value per its whitespace facet, then check it. */
export interface DataType {
  /** The XSD type name, e.g. `UUID-Type`, `xs:date`. */
  readonly name: string;
  readonly whiteSpace: WhiteSpace;
  /** Returns `undefined` when `value` (already normalised) is valid. */
  check(value: string): DataTypeFailure | undefined;
  /** The schema facets the check implements, for the XSD comparison test (`describe.test.ts`). */
  readonly facets?: DataTypeFacets;
}

/** XSD facets as written in the schema (pattern unanchored, as XSD writes it). */
export interface DataTypeFacets {
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly enumeration?: readonly string[];
}

const WS_REPLACE = /[\t\n\r]/g;
const WS_COLLAPSE_TEST = /[\t\n\r]|^ | $| {2}/;

/** Applies an XSD whiteSpace facet. */
export function normalizeWhiteSpace(value: string, ws: WhiteSpace): string {
  if (ws === 'preserve') return value;
  if (ws === 'replace') return value.replace(WS_REPLACE, ' ');
  if (!WS_COLLAPSE_TEST.test(value)) return value;
  return value.replace(WS_REPLACE, ' ').replace(/ {2,}/g, ' ').trim();
}

/** Length in Unicode code points, as XSD length facets count (not UTF-16 code units). */
export function codePointLength(value: string): number {
  let n = value.length;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** True when `value` is `minLength` to `maxLength` code points long. */
function inLength(value: string, minLength: number, maxLength: number): boolean {
  // Fast path: a string of n UTF-16 units holds between ceil(n / 2) and n code points.
  if (value.length <= maxLength && (value.length + 1) >> 1 >= minLength) return true;
  const len = codePointLength(value);
  return len >= minLength && len <= maxLength;
}

/** Length facets, each left out when not given. */
function lengthFacets(minLength?: number, maxLength?: number): DataTypeFacets {
  return {
    ...(minLength === undefined ? {} : { minLength }),
    ...(maxLength === undefined ? {} : { maxLength }),
  };
}

/** A data type still to be named: {@link dataTypes} names each after its key. */
type Unnamed<T extends DataType = DataType> = (name: string) => T;

interface PatternOptions {
  /** The issue code of a value that does not match (default `INVALID_PATTERN`). */
  readonly code?: DecodeIssueCode;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** An XSD `length` facet the pattern already implies: recorded for the XSD comparison, not checked twice. */
  readonly impliedLength?: number;
}

function patternType(
  whiteSpace: WhiteSpace,
  pattern: RegExp,
  expected: string,
  options: PatternOptions = {},
): Unnamed {
  const { code = 'INVALID_PATTERN', minLength, maxLength, impliedLength } = options;
  const lengthFailure: DataTypeFailure = { code: 'INVALID_LENGTH', expected };
  const patternFailure: DataTypeFailure = { code, expected };
  const facets: DataTypeFacets = {
    pattern: pattern.source.replace(/^\^/, '').replace(/\$$/, ''),
    ...lengthFacets(impliedLength ?? minLength, impliedLength ?? maxLength),
  };
  const min = minLength ?? 0;
  const max = maxLength ?? Number.POSITIVE_INFINITY;
  return (name) => ({
    name,
    whiteSpace,
    facets,
    check: (value) =>
      !inLength(value, min, max) ? lengthFailure : pattern.test(value) ? undefined : patternFailure,
  });
}

function lengthType(whiteSpace: WhiteSpace, minLength: number, maxLength: number): Unnamed {
  const failure: DataTypeFailure = {
    code: 'INVALID_LENGTH',
    expected: minLength === 0 ? `at most ${maxLength} characters` : `${minLength} to ${maxLength} characters`,
  };
  return (name) => ({
    name,
    whiteSpace,
    facets: lengthFacets(
      minLength === 0 ? undefined : minLength,
      maxLength === Number.MAX_SAFE_INTEGER ? undefined : maxLength,
    ),
    check: (value) => (inLength(value, minLength, maxLength) ? undefined : failure),
  });
}

/** @param impliedLength an XSD `length` facet the values already imply: recorded for the XSD comparison only */
function enumType<const V extends readonly string[]>(
  whiteSpace: WhiteSpace,
  values: V,
  impliedLength?: number,
): Unnamed<DataType & { readonly values: V }> {
  const set = new Set<string>(values);
  const failure: DataTypeFailure = { code: 'INVALID_ENUM', expected: `one of ${values.join(', ')}` };
  return (name) => ({
    name,
    whiteSpace,
    values,
    facets: { ...lengthFacets(impliedLength, impliedLength), enumeration: values },
    check: (value) => (set.has(value) ? undefined : failure),
  });
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** True when year-month-day is a real calendar day (proleptic Gregorian, as XSD dates are). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2 && day === 29) return isLeap(year);
  return day <= (DAYS_IN_MONTH[month - 1] ?? 0);
}

const XS_DATE =
  /^(-?(?:[1-9][0-9]{4,}|[0-9]{4}))-([0-9]{2})-([0-9]{2})(Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?$/;

/** `xs:date`: `YYYY-MM-DD` with an optional time zone, a real calendar day, year 0000 excluded. */
const xsDate: Unnamed = (name) => ({
  name,
  whiteSpace: 'collapse',
  check(value) {
    const m = XS_DATE.exec(value);
    if (m) {
      const year = Number(m[1]);
      if (year !== 0 && isCalendarDate(year, Number(m[2]), Number(m[3]))) return undefined;
    }
    return { code: 'INVALID_DATE', expected: 'a calendar date YYYY-MM-DD' };
  },
});

function nonNegativeIntegerType(max?: number): Unnamed {
  const expected = max === undefined ? 'a non-negative integer' : `an integer from 0 to ${max}`;
  const failure: DataTypeFailure = { code: 'INVALID_NUMBER', expected };
  const tooLarge: DataTypeFailure = {
    code: 'NUMBER_TOO_LARGE',
    expected: `at most ${Number.MAX_SAFE_INTEGER}: the schema allows larger, the model holds it as a number`,
  };
  return (name) => ({
    name,
    whiteSpace: 'collapse',
    check(value) {
      // XSD's lexical space: an optional sign, then any number of digits; leading zeros carry no value.
      const m = /^([+-]?)0*([0-9]*)$/.exec(value);
      if (!m || value === '' || value === '+' || value === '-') return failure;
      const digits = m[2] as string;
      if (m[1] === '-' && digits !== '') return failure;
      if (max !== undefined) return digits.length <= 16 && Number(digits) <= max ? undefined : failure;
      return digits.length < 16 || Number(digits) <= Number.MAX_SAFE_INTEGER ? undefined : tooLarge;
    },
  });
}

/**
 * The value of a lexically valid `xs:nonNegativeInteger` (signs and leading zeros allowed). `-0` is 0; a value
 * beyond 2^53 never reaches here (the data type's check refuses it with `NUMBER_TOO_LARGE`).
 */
export function nonNegativeIntegerValue(text: string): number {
  return Math.abs(Number(text.trim()));
}

const UUID_UPPER = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const UUID_ANY_CASE = new RegExp(UUID_UPPER.source, 'i');

/**
 * Every simple type the GPES-I schemas use, keyed by its XSD name. Patterns are the schema's own, anchored (XSD
 * patterns match the whole value). `Data-Model-Reference-ID-Type` keeps the schema's `[1,2,3,4]` class, which
 * also admits a comma: the schema, not the intent, decides what is valid.
 */
export const dataTypes = named({
  'Scheduled-Query-Instance-ID-Type': patternType(
    'replace',
    /^[0-9A-F]{6}-[0-9]{12}-[RA]$/,
    '[0-9A-F]{6}-[0-9]{12}-[RA]',
    { impliedLength: 21 },
  ),
  'Description-Attribute-Type': lengthType('preserve', 0, 255),
  'Query-Domain-Type': enumType('replace', ['Live', 'Test']),
  'Date-Time-Type': patternType(
    'preserve',
    /^[0-3][0-9]{3}-(0[0-9]|10|11|12)-([0-2][0-9]|30|31)[T]([0-1][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$/,
    'YYYY-MM-DDThh:mm:ss, without fractional seconds or time zone',
    { code: 'INVALID_DATETIME' },
  ),
  'YesNo-Type': enumType('preserve', ['Y', 'N'], 1),
  'UUID-Type': patternType('collapse', UUID_UPPER, 'an upper-case UUID (8-4-4-4-12 hex digits)', {
    code: 'INVALID_UUID',
    impliedLength: 36,
  }),
  'Practice-ID-Type': patternType('replace', /^[A-Z][0-9]{5}$/, '[A-Z][0-9]{5}'),
  'Oid-Type': patternType(
    'collapse',
    /^[1-9][0-9]*(\.[1-9][0-9]*)*$/,
    'an OID [1-9][0-9]*(.[1-9][0-9]*)* of at most 255 characters',
    { maxLength: 255 },
  ),
  'RID-Type': nonNegativeIntegerType(),
  'AID-Type': lengthType('replace', 1, 20),
  'Test-Pack-ID-Type': patternType(
    'collapse',
    /^[a-zA-Z0-9._-]*$/,
    '1 to 255 characters from [a-zA-Z0-9._-]',
    { minLength: 1, maxLength: 255 },
  ),
  'Query-Priority-Type': nonNegativeIntegerType(9999),
  'UC5-Digit-Hexidecimal-Type': patternType(
    'replace',
    /^[0-9A-F]{5}$/,
    'five upper-case hex digits [0-9A-F]{5}',
    { impliedLength: 5 },
  ),
  'GPSoC-System-Identifier-Type': patternType(
    'preserve',
    /^[0-9a-zA-Z]{3}\.[0-9a-zA-Z]{3}\.[0-9a-zA-Z]{3}\.[0-9a-zA-Z]{3}$/,
    'xxx.xxx.xxx.xxx (alphanumeric)',
  ),
  'Filename-Type': patternType(
    'replace',
    /^[0-9]{12}-[A-Z][0-9]{5}-[0-9]{3}\.gpes$/,
    '[0-9]{12}-[A-Z][0-9]{5}-[0-9]{3}.gpes',
  ),
  'File-Sequence-Type': patternType('preserve', /^[0-9]{3}$/, 'three digits'),
  'MD5-Checksum-Type': patternType('replace', /^[0-9A-F]{32}$/, '32 upper-case hex digits'),
  'Common-Identifier-Type': lengthType('preserve', 0, 200),
  'Notification-ID-Type': lengthType('replace', 12, 12),
  'Q-E-Notification-Type-Type': enumType('replace', [
    'Stage1-Notification',
    'Stage2-Notification',
    'System-Ping-Request-Notification',
  ]),
  'E-Q-Notification-Type-Type': enumType('replace', [
    'Stage1-Notification-Response',
    'Stage2-Notification-Response',
    'Event-Notification',
  ]),
  'UID-Type': patternType('replace', /^[0-9]{12}$/, 'twelve digits', { impliedLength: 12 }),
  'MIME-Attachment-Type': enumType('replace', ['text/plain', 'application/XML', 'text/HTML']),
  'Markup-Format-Type': enumType('replace', ['text/plain', 'text/HTML']),
  'Data-Model-Reference-ID-Type': patternType(
    'replace',
    /^[T][1,2,3,4][A][0-9]?[0-9]$/,
    'T[1-4]A followed by one or two digits',
  ),
  'Notification-Response-Type': lengthType('preserve', 0, 200),
  'GPES-I-Sex-Type': enumType('preserve', ['0', '1', '2', '9']),
  'GPES-I-Alphanumeric-Type': lengthType('preserve', 0, Number.MAX_SAFE_INTEGER),
  'GP-Number-Type': patternType('preserve', /^G[0-9]{7}$/, 'G followed by seven digits'),
  'GPES-I-Date-Type': patternType(
    'preserve',
    /^(?:0000-00-00|9999-99-99|[0-3][0-9]{3}-(?:0[0-9]|10|11|12)-(?:[0-2][0-9]|30|31))$/,
    'YYYY-MM-DD or a sentinel 0000-00-00 / 9999-99-99',
    { code: 'INVALID_DATE' },
  ),
  'GPES-I-Numeric-Type': patternType(
    'preserve',
    /^-?[0-9]{1,10}(?:\.[0-9]{1,4})?$/,
    '-?[0-9]{1,10}(.[0-9]{1,4})?: at most ten integer digits and four decimals',
    { code: 'INVALID_NUMBER', maxLength: 16 },
  ),
  'GPES-I-Code-Type': lengthType('preserve', 0, 100),
  'GPES-I-Time-Type': patternType(
    'preserve',
    /^(?:99:99:99|(?:[0-1][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])$/,
    'hh:mm:ss or the sentinel 99:99:99',
  ),
  'GPES-I-Links-Type': patternType(
    'preserve',
    /^[0-9]{1,12}(?::[0-9]{1,12})*$/,
    'record references n(:n)*, each of 1 to 12 digits',
  ),
  'Event-Code-Supplementary-Data': lengthType('preserve', 0, 2000),
  'Event-Description': lengthType('preserve', 0, 200),
  'xs:date': xsDate,
  'xs:boolean': enumType('collapse', ['true', 'false', '1', '0']),
  'xs:nonNegativeInteger': nonNegativeIntegerType(),
  'xs:string': lengthType('preserve', 0, Number.MAX_SAFE_INTEGER),
  'xs:normalizedString': lengthType('replace', 0, Number.MAX_SAFE_INTEGER),
});

/** Names each data type after its key. */
function named<const T extends Record<string, Unnamed>>(
  table: T,
): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const entries = Object.entries(table).map(([name, type]) => [name, type(name)]);
  return Object.fromEntries(entries) as { readonly [K in keyof T]: ReturnType<T[K]> };
}

/** The name of a simple type in {@link dataTypes}. */
export type DataTypeName = keyof typeof dataTypes;

/** The result of {@link checkValue}: the normalised value, or why it is invalid. */
export type CheckedValue =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly failure: DataTypeFailure };

/**
 * Normalises `raw` per the type's whitespace facet and checks it. UUIDs in lower or mixed case are accepted
 * when `mode` is `'decode'` and returned upper-cased; in `'encode'` mode they are upper-cased as well (the encoder
 * writes what the schema wants rather than refusing a value from `crypto.randomUUID()`).
 */
export function checkValue(type: DataTypeName, raw: string): CheckedValue {
  const dt: DataType = dataTypes[type];
  let value = normalizeWhiteSpace(raw, dt.whiteSpace);
  if (type === 'UUID-Type' && !UUID_UPPER.test(value) && UUID_ANY_CASE.test(value)) {
    value = value.toUpperCase();
  }
  const failure = dt.check(value);
  return failure === undefined ? { ok: true, value } : { ok: false, failure };
}

/** True when `value` is valid for `type` exactly as written (no normalisation, no case folding). */
export function isValid(type: DataTypeName, value: string): boolean {
  return dataTypes[type].check(value) === undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Values with structure: the SQI, the § delimiter, booleans and the sentinel dates.

/** The three parts of a Scheduled Query Instance ID (`A00151-202003310000-R`). */
export interface ScheduledQueryInstanceIdParts {
  /** Six upper-case hex digits naming the Extraction Requirement. */
  readonly queryId: string;
  /** Twelve digits; in the v6.0 sample the reference date as `yyyymmddhhmm` (inferred). */
  readonly sequence: string;
  /** `R` regular, `A` ad hoc. */
  readonly type: 'R' | 'A';
}

/** Splits a valid SQI into its parts; `undefined` when it does not match the pattern. */
export function parseScheduledQueryInstanceId(sqi: string): ScheduledQueryInstanceIdParts | undefined {
  if (!isValid('Scheduled-Query-Instance-ID-Type', sqi)) return undefined;
  return { queryId: sqi.slice(0, 6), sequence: sqi.slice(7, 19), type: sqi[20] as 'R' | 'A' };
}

/** Joins SQI parts; throws nothing, returns `undefined` when a part is invalid. */
export function formatScheduledQueryInstanceId(parts: ScheduledQueryInstanceIdParts): string | undefined {
  const sqi = `${parts.queryId}-${parts.sequence}-${parts.type}`;
  return isValid('Scheduled-Query-Instance-ID-Type', sqi) ? sqi : undefined;
}

/**
 * The `Substitution-Value` multi-value delimiter. The schema says "§ … HTML: &#167; or ASCII code 245": 167 is the
 * Unicode code point (U+00A7), 245 its code page 850 byte. Documents reach us decoded, so we split on U+00A7.
 */
export const MULTI_VALUE_DELIMITER = '\u00a7';

/** Splits a `Substitution-Value` into its values (always at least one, possibly empty). */
export function splitMultiValue(text: string): string[] {
  return text.split(MULTI_VALUE_DELIMITER);
}

/** Joins values with `§`; `undefined` when a value itself contains `§` (it could not be split back). */
export function joinMultiValue(values: readonly string[]): string | undefined {
  for (const v of values) if (v.includes(MULTI_VALUE_DELIMITER)) return undefined;
  return values.join(MULTI_VALUE_DELIMITER);
}

/** The `GPES-I-Date-Type` sentinels; their meaning is undocumented, so they stay distinct values. */
export const DATE_SENTINELS = { ZERO: '0000-00-00', NINES: '9999-99-99' } as const;
/** The `GPES-I-Time-Type` sentinel. */
export const TIME_SENTINEL = '99:99:99';

/** True for `0000-00-00` and `9999-99-99`: never parse these as calendar dates. */
export function isSentinelDate(value: string): boolean {
  return value === DATE_SENTINELS.ZERO || value === DATE_SENTINELS.NINES;
}

/** `xs:boolean` lexical value to boolean (`true`/`1` → true). Call only on a checked value. */
export function parseXsBoolean(value: string): boolean {
  return value === 'true' || value === '1';
}
