import { describe, expect, it } from 'vitest';
import { samples } from '../test/support/samples.js';
import {
  decodeRunTimeParametersOrThrow,
  decodeRunTimeParametersResponse,
  encodeEQNotificationMessage,
  encodeRunTimeParameters,
  encodeRunTimeParametersResponse,
  isMessageDecodeError,
  MessageDecodeError,
  type RunTimeParameters,
} from './index.js';

const rtp = samples['run-time-parameters'].minimal as RunTimeParameters;

function thrown(fn: () => unknown): MessageDecodeError {
  try {
    fn();
  } catch (e) {
    if (isMessageDecodeError(e)) return e;
    throw e;
  }
  throw new Error('expected a MessageDecodeError');
}

describe('encoders refuse invalid documents', () => {
  it('reports every broken field with its path, without values by default', () => {
    const e = thrown(() =>
      encodeRunTimeParameters({
        ...rtp,
        scheduledQueryInstanceId: 'A00151-2020-R',
        issueDateTime: '2020-03-01T09:00:00.123Z',
        queryPriority: 10_000,
        gpPracticeCohort: [],
        querySetVariables: [{ aid: rtp.rtpUuid, values: ['a§b'] }],
      }),
    );
    expect(e).toBeInstanceOf(MessageDecodeError);
    expect(e.issues.map((i) => [i.code, i.path])).toEqual([
      [
        'INVALID_DATETIME',
        '/GPES-Q-E-RTP-Message/Run-Time-Parameters/Scheduled-Query-Instance-ID/@Issue-Date-Time',
      ],
      ['INVALID_PATTERN', '/GPES-Q-E-RTP-Message/Run-Time-Parameters/Scheduled-Query-Instance-ID'],
      ['INVALID_NUMBER', '/GPES-Q-E-RTP-Message/Run-Time-Parameters/Query-Priority'],
      ['MISSING_ELEMENT', '/GPES-Q-E-RTP-Message/Run-Time-Parameters/GP-Practice-Cohort/Practice-ID'],
      ['INVALID_VALUE', '/GPES-Q-E-RTP-Message/Run-Time-Parameters/Query-Set-Variables/Substitution-Value'],
    ]);
    expect(JSON.stringify(e.issues)).not.toContain('A00151-2020-R');
    expect(e.message).not.toContain('A00151-2020-R');
  });

  it('includes values only when asked', () => {
    const e = thrown(() =>
      encodeRunTimeParameters({ ...rtp, dtsReturnAddress: 'bad\u0001' }, { includeValues: true }),
    );
    expect(e.issues[0]).toMatchObject({ code: 'INVALID_VALUE', value: 'bad\u0001' });
  });

  it('upper-cases UUIDs from crypto.randomUUID()', () => {
    const lower = crypto.randomUUID();
    const xml = encodeRunTimeParameters({ ...rtp, rtpUuid: lower });
    expect(xml).toContain(`RTP-UUID="${lower.toUpperCase()}"`);
    expect(decodeRunTimeParametersOrThrow(xml).rtpUuid).toBe(lower.toUpperCase());
  });

  it('refuses a Test domain without a test pack, and a missing payload', () => {
    expect(thrown(() => encodeRunTimeParameters({ ...rtp, queryDomain: 'Test' })).issues[0]?.code).toBe(
      'INCONSISTENT',
    );
    const e = thrown(() =>
      encodeEQNotificationMessage({
        gpesIVersion: '6.0',
        notifications: [
          {
            eqNtUuid: rtp.rtpUuid,
            issueDateTime: '2020-01-01T00:00:00',
            type: 'Event-Notification',
            practiceId: 'Z99901',
            gpSystemIdentifier: '001.001.483.000',
            terminologyIdentifiers: [],
            event: { eventCode: '00000' },
            dataModelAttributeSupport: [],
          },
        ],
      }),
    );
    expect(e.issues.map((i) => i.code)).toEqual(['MISSING_ELEMENT', 'MISSING_ELEMENT']);
  });

  it('refuses values of the wrong JavaScript type without throwing anything else', () => {
    const bad = { ...samples['run-time-parameters-response'].accepted, gpPracticeCohort: 'Z99901' } as never;
    expect(thrown(() => encodeRunTimeParametersResponse(bad)).issues[0]?.code).toBe('MISSING_ELEMENT');
  });
});

describe('decoders', () => {
  it('accept lower-case UUIDs and normalise them; the OrThrow variant throws the typed error', () => {
    const xml = encodeRunTimeParametersResponse(samples['run-time-parameters-response'].accepted).replace(
      '00000000-0000-4000-8000-00000000000A',
      '00000000-0000-4000-8000-00000000000a',
    );
    const r = decodeRunTimeParametersResponse(xml);
    expect(r.ok && r.value.rtprUuid).toBe('00000000-0000-4000-8000-00000000000A');
    const e = thrown(() => decodeRunTimeParametersOrThrow('<nope/>'));
    expect(e.issues[0]?.code).toBe('WRONG_ROOT');
    expect(e.name).toBe('MessageDecodeError');
  });

  it('ignore xsi:schemaLocation and accept any namespace prefix', () => {
    const xml = encodeRunTimeParametersResponse(samples['run-time-parameters-response'].accepted)
      .replace(/<(\/?)([A-Z])/g, '<$1g:$2')
      .replace(
        'xmlns="http://www.ic.nhs.uk/GPES-I/Schema"',
        'xmlns:g="http://www.ic.nhs.uk/GPES-I/Schema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="x"',
      );
    expect(decodeRunTimeParametersResponse(xml)).toEqual({
      ok: true,
      value: samples['run-time-parameters-response'].accepted,
    });
  });

  it('the error guard works for look-alikes from another copy of the package', () => {
    const foreign = { name: 'MessageDecodeError', isMessageDecodeError: true, issues: [] };
    expect(isMessageDecodeError(foreign)).toBe(true);
    expect(isMessageDecodeError(new Error('x'))).toBe(false);
    expect(isMessageDecodeError(null)).toBe(false);
  });
});
