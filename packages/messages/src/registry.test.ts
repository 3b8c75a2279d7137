import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectMessage } from './detect.js';
import {
  describeStatusCode,
  fileNameFor,
  localIdFor,
  MESSAGE_KINDS,
  MESSAGES,
  messageKindForWorkflowId,
  parseFileName,
  REPORT_COLUMNS,
  shouldCompress,
  subjectFor,
  workflowIdFor,
} from './registry.js';

const fixture = (p: string) => readFileSync(new URL(`../fixtures/${p}`, import.meta.url));
const UUID = '00000000-0000-4000-8000-00000000000A';
const NS = 'http://www.ic.nhs.uk/GPES-I/Schema';

describe('registry', () => {
  it('maps every kind to a distinct workflow ID and back', () => {
    const ids = MESSAGE_KINDS.map(workflowIdFor);
    expect(new Set(ids).size).toBe(MESSAGE_KINDS.length);
    for (const kind of MESSAGE_KINDS) expect(messageKindForWorkflowId(workflowIdFor(kind))).toBe(kind);
    expect(messageKindForWorkflowId('GPDPR_PAT_EXTRACT')).toBeUndefined();
  });

  it('records the sourced workflow IDs as sourced and the rest as not', () => {
    expect(MESSAGES.RTPR.workflowId).toMatchObject({ value: 'GPDC_RTPR', provenance: 'S' });
    expect(MESSAGES.QR.workflowId).toMatchObject({ value: 'GPDC_QUERY_RESULTS', provenance: 'S' });
    expect(MESSAGES.QRA.workflowId).toMatchObject({ value: 'GPDC_QUERY_RESULTS_ACK', provenance: 'S' });
    expect(MESSAGES.RTP.workflowId.provenance).toBe('I');
    for (const kind of ['QE_NT', 'EQ_NT', 'RTPC', 'REPORT'] as const) {
      expect(MESSAGES[kind].workflowId.provenance).toBe('P');
    }
    for (const kind of ['QRA', 'RTPC', 'REPORT'] as const) expect(MESSAGES[kind].body.value).toBe('proposed');
  });

  it('builds and parses the proposed file names, local ids and subjects', () => {
    const parts = {
      kind: 'QR' as const,
      messageUuid: UUID.toLowerCase(),
      scheduledQueryInstanceId: 'A00151-202003310000-R',
      practiceId: 'Z99901',
    };
    const name = fileNameFor(parts);
    expect(name).toBe(`A00151-202003310000-R_Z99901_${UUID}.xml`);
    expect(parseFileName(name)).toEqual({
      scheduledQueryInstanceId: 'A00151-202003310000-R',
      practiceId: 'Z99901',
      messageUuid: UUID,
      format: 'xml',
    });
    expect(fileNameFor({ kind: 'REPORT', messageUuid: UUID })).toBe(`${UUID}.csv`);
    expect(parseFileName(`${UUID}.csv`)).toEqual({ messageUuid: UUID, format: 'csv' });
    expect(parseFileName('notes.txt')).toBeUndefined();
    expect(localIdFor(parts)).toBe(UUID);
    expect(subjectFor(parts)).toBe('A00151-202003310000-R Z99901');
  });

  it('falls back to a printable ASCII subject for every kind, because MESH carries it in a header', () => {
    for (const kind of MESSAGE_KINDS) {
      expect(subjectFor({ kind, messageUuid: UUID })).toMatch(/^GPES [A-Z_]+$/);
    }
  });

  it('has a placeholder status register and a compression threshold', () => {
    expect(describeStatusCode('00000')).toBe('accepted');
    expect(describeStatusCode('ABCDE')).toBeUndefined();
    expect(shouldCompress(10)).toBe(false);
    expect(shouldCompress(10_000_000)).toBe(true);
  });
});

describe('detectMessage', () => {
  it.each([
    ['run-time-parameters/valid-full.xml', 'RTP', true],
    ['run-time-parameters-response/valid-accepted.xml', 'RTPR', true],
    ['q-e-notification/valid-stage1.xml', 'QE_NT', true],
    ['e-q-notification/valid-event.xml', 'EQ_NT', true],
    ['query-results-acknowledgement/valid-accepted.xml', 'QRA', false],
    ['rtp-cancellation/valid-all-practices.xml', 'RTPC', false],
    ['report-csv/valid-daily.csv', 'REPORT', false],
    ['query-results/sample/qr-v6.0-cvdprevent.xml', 'QR', true],
    ['query-results/valid-synthetic.xml', 'QR', true],
  ])('%s is %s', (file, kind, published) => {
    expect(detectMessage(fixture(file))).toMatchObject({ kind, published });
    expect(detectMessage(fixture(file).toString('utf8'))).toMatchObject({ kind });
  });

  it('matches on namespace URI, not prefix, and skips prolog, comments and a BOM', () => {
    const doc = `\ufeff<?xml version="1.0"?>\n<!-- c --><?pi x?>\n<g:GPES-E-Q-QR-Message xmlns:g="http://www.ic.nhs.uk/GPES-I/Schema"/>`;
    expect(detectMessage(doc)).toMatchObject({ kind: 'QR', rootElement: 'GPES-E-Q-QR-Message' });
    expect(detectMessage('<GPES-E-Q-QR-Message xmlns="urn:other"/>')).toBeUndefined();
    expect(
      detectMessage('<g:GPES-E-Q-QR-Message xmlns="http://www.ic.nhs.uk/GPES-I/Schema"/>'),
    ).toBeUndefined();
  });

  it('reads UTF-16 with a BOM and looks only at the start of a large document', () => {
    const doc = '<GPES-E-Q-RTPR-Message xmlns="http://www.ic.nhs.uk/GPES-I/Schema">';
    const bytes = new Uint8Array(2 + doc.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < doc.length; i++) bytes[2 + 2 * i] = doc.charCodeAt(i);
    expect(detectMessage(bytes)).toMatchObject({ kind: 'RTPR' });
    const big = new TextEncoder().encode(`${doc}${'<x/>'.repeat(5_000_000)}`);
    expect(detectMessage(big)).toMatchObject({ kind: 'RTPR' });
  });

  it('recognises the report CSV only by its exact header', () => {
    expect(detectMessage(`${REPORT_COLUMNS.value.join(',')}\r\n`)).toMatchObject({ kind: 'REPORT' });
    expect(detectMessage('A,B,C\r\n')).toBeUndefined();
    expect(detectMessage('')).toBeUndefined();
    expect(detectMessage('<!DOCTYPE x><x/>')).toBeUndefined();
  });

  it('reads UTF-16 either way round and UTF-8 with a BOM, skipping comments and instructions before the root', () => {
    const doc = `<?xml version="1.0" encoding="UTF-16"?>\n<!-- a <b> -->\n<?pi ?>\n<g:GPES-Q-E-RTP-Message xmlns:g="${NS}"/>`;
    const utf16 = (bigEndian: boolean) => {
      const bytes = new Uint8Array(2 + doc.length * 2);
      bytes.set(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]);
      for (let i = 0; i < doc.length; i++) bytes[2 + 2 * i + (bigEndian ? 1 : 0)] = doc.charCodeAt(i);
      return bytes;
    };
    const utf8 = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(doc)]);
    for (const bytes of [utf16(false), utf16(true), utf8]) {
      expect(detectMessage(bytes)).toEqual({
        kind: 'RTP',
        format: 'xml',
        rootElement: 'GPES-Q-E-RTP-Message',
        published: true,
      });
    }
  });

  it('finds nothing in an unended comment or instruction, a DOCTYPE after comments, or UTF-32 and EBCDIC bytes', () => {
    const root = `<GPES-E-Q-RTPR-Message xmlns="${NS}">`;
    expect(detectMessage(`<!-- ${root}`)).toBeUndefined();
    expect(detectMessage(`<?pi ${root}`)).toBeUndefined();
    expect(detectMessage(`<!-- c --><!DOCTYPE x>${root}`)).toBeUndefined();
    expect(detectMessage(`text${root}`)).toBeUndefined();
    expect(detectMessage(new Uint8Array([0xff, 0xfe, 0, 0, 0x3c, 0, 0, 0]))).toBeUndefined();
    expect(detectMessage(new Uint8Array([0x4c, 0x6f, 0xa7, 0x94]))).toBeUndefined();
  });

  it('detects a root whose document has invalid UTF-8 further on, and a quoted CSV header as bytes', () => {
    const bytes = new TextEncoder().encode(`<GPES-E-Q-RTPR-Message xmlns="${NS}"><a>x</a>`);
    expect(detectMessage(new Uint8Array([...bytes, 0xff, 0xc3]))).toMatchObject({ kind: 'RTPR' });
    const header = REPORT_COLUMNS.value.map((c) => `"${c}"`).join(',');
    expect(detectMessage(new TextEncoder().encode(`${header}\n2026-01-01`))).toEqual({
      kind: 'REPORT',
      format: 'csv',
      published: false,
    });
    expect(detectMessage(`${header},EXTRA`)).toBeUndefined();
  });
});
