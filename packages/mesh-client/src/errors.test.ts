import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isMeshError, MeshError, parseErrorBody, parseRetryAfter } from './errors.js';

const headers = (values: Record<string, string>) => ({
  get: (name: string) => values[name.toLowerCase()] ?? null,
});

describe('MeshError.fromResponse', () => {
  it('parses a v2 error body', () => {
    const error = MeshError.fromResponse(
      417,
      JSON.stringify({
        message_id: 'M1',
        detail: [{ event: 'SEND', code: '12', msg: 'Unregistered to address' }],
      }),
      headers({}),
      'POST /messageexchange/{mailbox}/outbox',
    );
    expect(error).toMatchObject({
      code: 'SEND_REJECTED',
      status: 417,
      meshErrorEvent: 'SEND',
      meshErrorCode: '12',
      meshErrorDescription: 'Unregistered to address',
      messageId: 'M1',
      retryable: false,
    });
    expect(error.message).toBe(
      'MESH request failed with status 417 (MESH SEND/12): POST /messageexchange/{mailbox}/outbox',
    );
  });

  it('parses a v1 error body and maps EPL-151 to MAILBOX_NOT_FOUND', () => {
    const error = MeshError.fromResponse(403, {
      errorEvent: 'SEND',
      errorCode: 'EPL-151',
      errorDescription: 'No mailbox matched',
    });
    expect(error.code).toBe('MAILBOX_NOT_FOUND');
    expect(error.meshErrorDescription).toBe('No mailbox matched');
  });

  it('tolerates XML, empty and null bodies on 5xx, and marks them retryable', () => {
    for (const body of ['<soap:Fault/>', '', undefined, 'null']) {
      const error = MeshError.fromResponse(500, body);
      expect(error.code).toBe('SERVER_ERROR');
      expect(error.retryable).toBe(true);
      expect(error.meshErrorCode).toBeUndefined();
    }
  });

  it.each([
    [400, 'INVALID_REQUEST'],
    [403, 'UNAUTHORIZED'],
    [404, 'MESSAGE_NOT_FOUND'],
    [406, 'CHUNK_REJECTED'],
    [410, 'MESSAGE_GONE'],
    [413, 'PAYLOAD_TOO_LARGE'],
    [422, 'INVALID_REQUEST'],
    [423, 'CHUNK_REJECTED'],
    [429, 'THROTTLED'],
    [300, 'AMBIGUOUS_LOCAL_ID'],
    [503, 'THROTTLED'],
    [504, 'SERVER_ERROR'],
    [418, 'HTTP_ERROR'],
  ] as const)('maps status %i to %s', (status, code) => {
    expect(MeshError.fromResponse(status, undefined).code).toBe(code);
  });

  it('reads Retry-After in seconds and as an HTTP date', () => {
    expect(MeshError.fromResponse(429, undefined, headers({ 'retry-after': '3' })).retryAfterMs).toBe(3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('keeps validation errors to the field name, never the input value', () => {
    const parsed = parseErrorBody({
      detail: [{ loc: ['header', 'mex-to'], msg: 'field required', input: 'SECRET' }],
    });
    expect(parsed.description).toBe('field required (header.mex-to)');
    expect(JSON.stringify(parsed)).not.toContain('SECRET');
  });
});

describe('isMeshError', () => {
  it('recognises errors from another copy of the package by their brand', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('@gpes/mesh-client.MeshError')]: true });
    expect(isMeshError(foreign)).toBe(true);
    expect(isMeshError({ isMeshError: true })).toBe(true);
    expect(isMeshError(new Error('x'))).toBe(false);
    expect(isMeshError(null)).toBe(false);
    expect(isMeshError(new MeshError('m', { code: 'NETWORK' }))).toBe(true);
  });

  it('prints a sanitised view without the local id value or the cause', () => {
    const error = new MeshError('m', {
      code: 'SEND_OUTCOME_UNKNOWN',
      localId: 'patient-ish-local-id',
      cause: new Error('Authorization: NHSMESH X:secret'),
    });
    const printed = inspect(error);
    expect(printed).toContain('SEND_OUTCOME_UNKNOWN');
    expect(printed).not.toContain('patient-ish-local-id');
    expect(printed).not.toContain('secret');
    expect(JSON.stringify(error)).not.toContain('patient-ish-local-id');
  });
});
