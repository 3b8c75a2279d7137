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
});
