import { describe, expect, it } from 'vitest';
import { isMeshError } from './errors.js';
import {
  buildSendHeaders,
  parseChunkRange,
  parseMeshDate,
  parseMessageHeaders,
  sanitizeHeaderValue,
} from './headers.js';

function headersOf(values: Record<string, string>) {
  return new Headers(values);
}

describe('send headers', () => {
  it('builds the mex-* headers with Y/N flags and an upper-case recipient', () => {
    expect(
      buildSendHeaders(
        {
          to: 'x26abc2',
          workflowId: 'WF',
          subject: 's',
          encrypted: false,
          compressed: true,
          fileName: 'a.xml',
        },
        'L1',
      ),
    ).toEqual({
      'mex-to': 'X26ABC2',
      'mex-workflowid': 'WF',
      'mex-subject': 's',
      'mex-localid': 'L1',
      'mex-filename': 'a.xml',
      'mex-content-encrypted': 'N',
      'mex-content-compressed': 'Y',
    });
  });

  it.each([
    [{ to: '', workflowId: 'WF' }, /mex-to is required/],
    [{ to: 'A', workflowId: ' ' }, /mex-workflowid is required/],
    [{ to: 'A', workflowId: 'WF', subject: 'tab\there' }, /control characters/],
    [{ to: 'A', workflowId: 'WF', subject: 'del\u007f' }, /control characters/],
    [{ to: 'A', workflowId: 'WF', subject: 'emoji \u{1f600}' }, /Latin-1/],
    [{ to: 'A', workflowId: 'W'.repeat(301) }, /longer than 300/],
    [{ to: 'A', workflowId: 'http://x' }, /URL/],
  ] as Array<[{ to: string; workflowId: string; subject?: string }, RegExp]>)(
    'rejects %j without echoing the value',
    (meta, pattern) => {
      let caught: unknown;
      try {
        buildSendHeaders(meta, 'L');
      } catch (error) {
        caught = error;
      }
      expect(isMeshError(caught) && caught.code).toBe('INVALID_ARGUMENT');
      expect((caught as Error).message).toMatch(pattern);
      if (meta.subject) expect((caught as Error).message).not.toContain(meta.subject);
    },
  );

  it('sanitises OS strings into header-safe text', () => {
    expect(sanitizeHeaderValue('a\nb\u00e9\u4e2d')).toBe('a b\u00e9?');
  });
});

describe('message headers', () => {
  it('parses a DATA message', () => {
    const message = parseMessageHeaders(
      headersOf({
        'mex-messageid': 'M1',
        'mex-messagetype': 'DATA',
        'mex-from': 'X26ABC1',
        'mex-to': 'X26ABC2',
        'mex-workflowid': 'WF',
        'mex-chunk-range': '1:3',
        'mex-content-compressed': 'Y',
        'mex-statussuccess': 'SUCCESS',
        'mex-statustimestamp': '20261124030827',
        'content-type': 'application/octet-stream',
      }),
      'M1',
    );
    expect(message).toMatchObject({
      messageType: 'DATA',
      messageId: 'M1',
      from: 'X26ABC1',
      totalChunks: 3,
      compressed: true,
      statusSuccess: true,
      statusTimestamp: new Date('2026-11-24T03:08:27Z'),
    });
    expect(message.mexHeaders['content-type']).toBeUndefined();
  });

  it('parses a REPORT with the sandbox 1:0 chunk range', () => {
    const message = parseMessageHeaders(
      headersOf({
        'mex-messagetype': 'REPORT',
        'mex-chunk-range': '1:0',
        'mex-linkedmsgid': 'ORIG',
        'mex-statuscode': '14',
        'mex-statussuccess': 'ERROR',
      }),
      'R1',
    );
    expect(message.messageType).toBe('REPORT');
    if (message.messageType === 'REPORT') {
      expect(message.linkedMessageId).toBe('ORIG');
      expect(message.statusCode).toBe('14');
      expect(message.totalChunks).toBe(0);
      expect(message.statusSuccess).toBe(false);
    }
  });

  it('refuses an unknown message type as BAD_RESPONSE', () => {
    expect(() => parseMessageHeaders(headersOf({ 'mex-messagetype': 'WEIRD' }), 'M')).toThrow(
      /unknown mex-MessageType/,
    );
  });

  it('parses chunk ranges and MESH dates in every documented shape', () => {
    expect(parseChunkRange('2:5')).toEqual({ chunk: 2, total: 5 });
    expect(parseChunkRange('x')).toBeUndefined();
    expect(parseMeshDate('20200606122153')?.toISOString()).toBe('2020-06-06T12:21:53.000Z');
    expect(parseMeshDate('2026-11-29T03:07:38.543445')?.toISOString()).toBe('2026-11-29T03:07:38.543Z');
    expect(parseMeshDate('2020-06-01T12:21:52+01:00')?.toISOString()).toBe('2020-06-01T11:21:52.000Z');
    expect(parseMeshDate('not a date')).toBeUndefined();
  });
});
