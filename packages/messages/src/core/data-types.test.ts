import { describe, expect, it } from 'vitest';
import {
  checkValue,
  codePointLength,
  isValid,
  joinMultiValue,
  normalizeWhiteSpace,
  parseScheduledQueryInstanceId,
  splitMultiValue,
} from './data-types.js';

describe('GPES-I data types', () => {
  it('SQI follows [0-9A-F]{6}-[0-9]{12}-[RA]', () => {
    expect(isValid('Scheduled-Query-Instance-ID-Type', 'A00151-202003310000-R')).toBe(true);
    expect(isValid('Scheduled-Query-Instance-ID-Type', 'a00151-202003310000-R')).toBe(false);
    expect(isValid('Scheduled-Query-Instance-ID-Type', 'A00151-202003310000-X')).toBe(false);
    expect(parseScheduledQueryInstanceId('A00151-202003310000-A')).toEqual({
      queryId: 'A00151',
      sequence: '202003310000',
      type: 'A',
    });
  });

  it('UUIDs must be upper case; checkValue accepts lower case and normalises', () => {
    const lower = '1b4e28ba-2fa1-11d2-883f-0016d3cca427';
    expect(isValid('UUID-Type', lower)).toBe(false);
    expect(checkValue('UUID-Type', ` ${lower} `)).toEqual({ ok: true, value: lower.toUpperCase() });
    expect(checkValue('UUID-Type', 'not-a-uuid')).toMatchObject({
      ok: false,
      failure: { code: 'INVALID_UUID' },
    });
  });

  it('date-times have no zone and no fraction', () => {
    expect(isValid('Date-Time-Type', '2020-03-31T23:59:59')).toBe(true);
    expect(isValid('Date-Time-Type', '2020-03-31T23:59:59Z')).toBe(false);
    expect(isValid('Date-Time-Type', '2020-03-31T23:59:59.5')).toBe(false);
    expect(isValid('Date-Time-Type', '2020-03-31T24:00:00')).toBe(false);
  });

  it('GPES-I dates accept the two sentinels; xs:date needs a calendar day', () => {
    for (const d of ['0000-00-00', '9999-99-99', '2020-02-29'])
      expect(isValid('GPES-I-Date-Type', d)).toBe(true);
    expect(isValid('GPES-I-Date-Type', '2020-13-01')).toBe(false);
    expect(isValid('xs:date', '2020-02-29')).toBe(true);
    expect(isValid('xs:date', '2019-02-29')).toBe(false);
    expect(isValid('xs:date', '0000-01-01')).toBe(false);
    expect(isValid('xs:date', '2020-01-01Z')).toBe(true);
    expect(isValid('GPES-I-Time-Type', '99:99:99')).toBe(true);
  });

  it('numerics have at most four decimals and 16 characters', () => {
    expect(isValid('GPES-I-Numeric-Type', '-1234567890.1234')).toBe(true);
    expect(isValid('GPES-I-Numeric-Type', '1.12345')).toBe(false);
    expect(isValid('GPES-I-Numeric-Type', '12345678901')).toBe(false);
    expect(checkValue('GPES-I-Numeric-Type', '1.12345')).toMatchObject({
      ok: false,
      failure: { code: 'INVALID_NUMBER' },
    });
  });

  it('practice ids, codes, enumerations, lengths in code points', () => {
    expect(isValid('Practice-ID-Type', 'A12345')).toBe(true);
    expect(isValid('Practice-ID-Type', 'AB1234')).toBe(false);
    expect(isValid('UC5-Digit-Hexidecimal-Type', '000FF')).toBe(true);
    expect(isValid('UC5-Digit-Hexidecimal-Type', '000ff')).toBe(false);
    expect(isValid('GPES-I-Sex-Type', '3')).toBe(false);
    expect(isValid('Query-Priority-Type', '9999')).toBe(true);
    expect(isValid('Query-Priority-Type', '10000')).toBe(false);
    expect(isValid('Description-Attribute-Type', '\u{1F600}'.repeat(255))).toBe(true);
    expect(isValid('Description-Attribute-Type', 'x'.repeat(256))).toBe(false);
    expect(codePointLength('a\u{1F600}')).toBe(2);
    // A minimum counts code points too: six emoji are twelve UTF-16 units but six characters.
    expect(isValid('Notification-ID-Type', '\u{1F600}'.repeat(6))).toBe(false);
    expect(isValid('Notification-ID-Type', '\u{1F600}'.repeat(12))).toBe(true);
    expect(isValid('AID-Type', '\u{1F600}')).toBe(true);
    expect(isValid('Data-Model-Reference-ID-Type', 'T2A7')).toBe(true);
    expect(isValid('Data-Model-Reference-ID-Type', 'T5A7')).toBe(false);
    expect(isValid('GPSoC-System-Identifier-Type', '001.001.483.000')).toBe(true);
    expect(isValid('Oid-Type', '2.16.840.1.113883.2.1.3.2.4.15')).toBe(true);
    expect(isValid('Oid-Type', '2.016')).toBe(false);
  });

  it('applies the whiteSpace facets', () => {
    expect(normalizeWhiteSpace('\ta  b\n', 'replace')).toBe(' a  b ');
    expect(normalizeWhiteSpace('\ta  b\n', 'collapse')).toBe('a b');
    expect(checkValue('Practice-ID-Type', ' A12345')).toMatchObject({ ok: false });
  });

  it('splits and joins the § multi-value delimiter', () => {
    expect(splitMultiValue('a\u00a7b\u00a7')).toEqual(['a', 'b', '']);
    expect(joinMultiValue(['a', 'b'])).toBe('a\u00a7b');
    expect(joinMultiValue(['a\u00a7'])).toBeUndefined();
  });
});
