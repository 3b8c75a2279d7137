/**
 * Values the published XSDs accept that a hand-written rule once refused, and the bounds on what a decoder reports
 * (issue #9): each case decoded, re-encoded with default options, and the output validated against the XSD.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateAgainstXsd } from '../test/support/xsd.js';
import {
  DEFAULT_MAX_ISSUES,
  decodeEQNotificationMessage,
  decodeQueryResults,
  decodeRunTimeParameters,
  encodeEQNotificationMessage,
  encodeQueryResultsToString,
  encodeRunTimeParameters,
} from './index.js';

const fixture = (path: string) =>
  readFileSync(fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url)), 'utf8');
const rtp = fixture('run-time-parameters/valid-full.xml');

describe('xs:nonNegativeInteger as the schema defines it', () => {
  it('takes any number of leading zeros and a plus sign', () => {
    const xml = rtp
      .replace(
        '<Query-Priority>9999</Query-Priority>',
        '<Query-Priority>000000000000000000500</Query-Priority>',
      )
      .replace(
        '<QR-Retention-Period>90</QR-Retention-Period>',
        '<QR-Retention-Period>+0000000000000000000090</QR-Retention-Period>',
      );
    expect(validateAgainstXsd(xml, 'GPES-Q-E-RTP.xsd')).toEqual([]);
    const r = decodeRunTimeParameters(xml);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.value.queryPriority).toBe(500);
    expect(r.value.qrRetentionPeriod).toBe(90);
    expect(validateAgainstXsd(encodeRunTimeParameters(r.value), 'GPES-Q-E-RTP.xsd')).toEqual([]);
  });

  it('still refuses what the schema refuses: a Query-Priority over 9999, a negative number, a fraction', () => {
    for (const value of ['10000', '0000010000', '-5', '5.0', '']) {
      const xml = rtp.replace(
        '<Query-Priority>9999</Query-Priority>',
        `<Query-Priority>${value}</Query-Priority>`,
      );
      expect(validateAgainstXsd(xml, 'GPES-Q-E-RTP.xsd')).not.toEqual([]);
      const r = decodeRunTimeParameters(xml);
      expect(r.ok ? [] : r.issues.map((i) => i.code)).toEqual(['INVALID_NUMBER']);
    }
  });

  it('names a schema-valid value beyond 2^53 with its own code, since the model holds numbers', () => {
    const xml = rtp.replace(
      '<QR-Retention-Period>90</QR-Retention-Period>',
      '<QR-Retention-Period>9007199254740993</QR-Retention-Period>',
    );
    expect(validateAgainstXsd(xml, 'GPES-Q-E-RTP.xsd')).toEqual([]);
    const r = decodeRunTimeParameters(xml);
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.issues).toEqual([
      expect.objectContaining({
        path: '/GPES-Q-E-RTP-Message/Run-Time-Parameters/QR-Retention-Period',
        code: 'NUMBER_TOO_LARGE',
      }),
    ]);
    const atLimit = rtp.replace(
      '<QR-Retention-Period>90</QR-Retention-Period>',
      '<QR-Retention-Period>009007199254740991</QR-Retention-Period>',
    );
    const ok = decodeRunTimeParameters(atLimit);
    expect(ok.ok && ok.value.qrRetentionPeriod).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('E-Q-NT response text is a plain xs:string', () => {
  it('decodes and encodes a response of any length', () => {
    const long = 'Synthetic free text. '.repeat(500);
    const xml = fixture('e-q-notification/valid-stage1-response.xml').replace(
      '>Synthetic free text<',
      `>${long}<`,
    );
    expect(validateAgainstXsd(xml, 'GPES-E-Q-NT.xsd')).toEqual([]);
    const r = decodeEQNotificationMessage(xml);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const encoded = encodeEQNotificationMessage(r.value);
    expect(encoded).toContain(long);
    expect(validateAgainstXsd(encoded, 'GPES-E-Q-NT.xsd')).toEqual([]);
  });
});

describe('decoder and encoder limits agree', () => {
  it('re-encodes a Query Results header whose schemaLocation the decoder accepted with default options', () => {
    const location = `urn:gpes ${'x'.repeat(500_000)}.xsd`;
    const xml = fixture('query-results/valid-synthetic.xml').replace(
      'QR-Message-Version="0.2">',
      `QR-Message-Version="0.2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${location}">`,
    );
    const r = decodeQueryResults(xml);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.value.header.schemaLocation).toBe(location);
    expect(encodeQueryResultsToString(r.value.header, r.value.records)).toContain(location);
  });
});

describe('issues per document are capped', () => {
  const junk = (n: number) =>
    rtp.replace(
      '<Query-Priority>9999</Query-Priority>',
      `<Query-Priority>9999</Query-Priority>${'<Junk/>'.repeat(n)}`,
    );

  const codes = (r: ReturnType<typeof decodeRunTimeParameters>) => (r.ok ? [] : r.issues.map((i) => i.code));

  it(`lists ${DEFAULT_MAX_ISSUES} issues, then one TOO_MANY_ISSUES with the count of the rest`, () => {
    const all = decodeRunTimeParameters(junk(5000), { maxIssues: 1e9 });
    const total = codes(all).length;
    expect(total).toBeGreaterThan(5000);
    const r = decodeRunTimeParameters(junk(5000));
    if (r.ok) throw new Error('expected issues');
    expect(r.issues).toHaveLength(DEFAULT_MAX_ISSUES + 1);
    expect(r.issues.slice(0, -1)).toEqual(all.ok ? [] : all.issues.slice(0, DEFAULT_MAX_ISSUES));
    expect(r.issues.at(-1)?.code).toBe('TOO_MANY_ISSUES');
    expect(r.issues.at(-1)?.message).toMatch(
      new RegExp(`^${total - DEFAULT_MAX_ISSUES} more issue\\(s\\) not listed`),
    );
  });

  it('takes maxIssues as an option and reports no summary when under it', () => {
    const capped = codes(decodeRunTimeParameters(junk(50), { maxIssues: 10 }));
    expect(capped).toHaveLength(11);
    expect(capped.filter((c) => c === 'TOO_MANY_ISSUES')).toEqual(['TOO_MANY_ISSUES']);
    expect(capped.at(-1)).toBe('TOO_MANY_ISSUES');
    expect(codes(decodeRunTimeParameters(junk(3)))).not.toContain('TOO_MANY_ISSUES');
  });
});
