import type * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { isMeshError } from '../errors.js';
import { CountResponse, InboxResponse, MailboxResults, SendResponse, TrackingResponse } from './codecs.js';
import { decodeResponse } from './decode.js';

const ROUTE = 'GET /messageexchange/{mailbox}/test';
/** Planted in malformed bodies: it must never reach an error message. */
const SECRET = 'SYNTHETIC-SECRET-9f3a';

/** The BAD_RESPONSE message for `body`, after checking the error's code and fields. */
function failure(codec: t.Decoder<unknown, unknown>, body: unknown): string {
  try {
    decodeResponse(codec, body, ROUTE);
  } catch (error) {
    expect(isMeshError(error)).toBe(true);
    if (!isMeshError(error)) throw error;
    expect(error.code).toBe('BAD_RESPONSE');
    expect(error.request).toBe(ROUTE);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(ROUTE);
    expect(error.message).not.toContain(SECRET);
    return error.message;
  }
  throw new Error('expected BAD_RESPONSE');
}

describe('response codecs accept what MESH sends', () => {
  it('send: v2 message_id, v1 messageID and messageId, extra fields ignored', () => {
    expect(decodeResponse(SendResponse, { message_id: 'M2' }, ROUTE)).toEqual({ message_id: 'M2' });
    expect(decodeResponse(SendResponse, { messageID: 'M1', blockID: 1 }, ROUTE)).toMatchObject({
      messageID: 'M1',
    });
    expect(decodeResponse(SendResponse, { messageId: 'M1' }, ROUTE)).toMatchObject({ messageId: 'M1' });
    expect(decodeResponse(SendResponse, { message_id: null, messageID: 'M1' }, ROUTE)).toMatchObject({
      messageID: 'M1',
    });
  });

  it('inbox: a v2 page with links and a count, the last v2 page, a v1 list, null links', () => {
    const page = {
      messages: ['A', 'B'],
      links: {
        self: '/messageexchange/X26ABC1/inbox',
        next: '/messageexchange/X26ABC1/inbox?continue_from=c',
      },
      approx_inbox_count: 17,
      unexpected: { nested: true },
    };
    expect(decodeResponse(InboxResponse, page, ROUTE).links?.next).toBe(page.links.next);
    const last = { messages: [], links: { self: '/messageexchange/X26ABC1/inbox' }, approx_inbox_count: 0 };
    expect(decodeResponse(InboxResponse, last, ROUTE).links?.next).toBeUndefined();
    expect(decodeResponse(InboxResponse, { messages: ['A'] }, ROUTE).messages).toEqual(['A']);
    expect(decodeResponse(InboxResponse, { messages: [], links: null }, ROUTE).links).toBeNull();
  });

  it('count: v2 and v1 (with internalID and allResultsIncluded)', () => {
    expect(decodeResponse(CountResponse, { count: 0 }, ROUTE).count).toBe(0);
    const v1 = { count: 17, internalID: 'FAKE_1', allResultsIncluded: true };
    expect(decodeResponse(CountResponse, v1, ROUTE).count).toBe(17);
  });

  it('tracking: the v2 body with null fields and the v1 body', () => {
    const v2 = {
      message_id: 'M',
      local_id: 'local-123',
      workflow_id: 'TEST_WORKFLOW',
      filename: 'hello.csv',
      expiry_time: '2026-11-29T03:07:38.543445',
      upload_timestamp: '2026-11-24T03:07:38.543633',
      recipient: 'X26ABC2',
      recipient_name: 'TESTMB2',
      recipient_ods_code: 'X26',
      recipient_org_code: 'X26',
      recipient_org_name: '',
      status_success: true,
      status: 'accepted',
      status_event: null,
      status_timestamp: null,
      status_description: null,
      status_code: null,
    };
    expect(decodeResponse(TrackingResponse, v2, ROUTE)).toEqual(v2);
    const v1 = {
      addressType: 'ALL',
      chunkCount: 1,
      messageId: 'M',
      localId: 'L',
      status: 'Accepted',
      statusCode: 0,
      statusSuccess: 'SUCCESS',
      uploadTimestamp: '20260101120000',
      version: '1.0',
    };
    expect(decodeResponse(TrackingResponse, v1, ROUTE)).toEqual(v1);
  });

  it('lookup and workflow search: v2, v1 and empty results', () => {
    const v2 = { results: [{ mailbox_id: 'X26ABC2', mailbox_name: 'TESTMB2', ods_code: 'X26' }] };
    expect(decodeResponse(MailboxResults, v2, ROUTE)).toEqual(v2);
    const v1 = {
      query_id: 'X26_WF',
      results: [{ address: 'X26ABC2', description: 'TESTMB2', endpoint_type: 'MESH' }],
    };
    expect(decodeResponse(MailboxResults, v1, ROUTE)).toEqual(v1);
    expect(decodeResponse(MailboxResults, { results: [] }, ROUTE).results).toEqual([]);
  });
});

describe('decodeResponse refuses malformed bodies with paths, never values', () => {
  it.each([
    ['a null send body', SendResponse, null, 'body: expected object, got null'],
    ['an array for an object', SendResponse, [SECRET], 'body: expected object, got an array'],
    ['a string for an object', CountResponse, SECRET, 'body: expected object, got a string'],
    [
      'no message id',
      SendResponse,
      { other: SECRET },
      'message_id: expected message_id, messageID, messageId',
    ],
    ['an empty message id', SendResponse, { message_id: '' }, 'message_id: expected message_id'],
    [
      'a number as message id',
      SendResponse,
      { message_id: 42 },
      'message_id: expected string or null, got a number',
    ],
    [
      'an object as v1 id',
      SendResponse,
      { messageID: { id: SECRET } },
      'messageID: expected string or null, got an object',
    ],
    ['no messages', InboxResponse, { links: {} }, 'messages: expected array of strings, missing'],
    [
      'messages as a string',
      InboxResponse,
      { messages: SECRET },
      'messages: expected array of strings, got a string',
    ],
    [
      'a non-string id',
      InboxResponse,
      { messages: ['A', { subject: SECRET }] },
      'messages[1]: expected string, got an object',
    ],
    [
      'a number as next link',
      InboxResponse,
      { messages: [], links: { next: 5 } },
      'links.next: expected string or null, got a number',
    ],
    [
      'links as an array',
      InboxResponse,
      { messages: [], links: [SECRET] },
      'links: expected object or null, got an array',
    ],
    [
      'a text inbox count',
      InboxResponse,
      { messages: [], approx_inbox_count: SECRET },
      'approx_inbox_count: expected number or null, got a string',
    ],
    ['no count', CountResponse, { total: 3 }, 'count: expected non-negative integer, missing'],
    ['a negative count', CountResponse, { count: -1 }, 'count: expected non-negative integer, got a number'],
    [
      'a fractional count',
      CountResponse,
      { count: 1.5 },
      'count: expected non-negative integer, got a number',
    ],
    ['a text count', CountResponse, { count: '3' }, 'count: expected non-negative integer, got a string'],
    [
      'no tracking id',
      TrackingResponse,
      { status: 'accepted', subject: SECRET },
      'message_id: expected message_id, messageId, messageID',
    ],
    [
      'an object as tracking id',
      TrackingResponse,
      { message_id: { x: SECRET } },
      'message_id: expected string, number or null, got an object',
    ],
    [
      'a number as success flag',
      TrackingResponse,
      { message_id: 'M', status_success: 3 },
      'status_success: expected boolean, string or null, got a number',
    ],
    [
      'an array as local id',
      TrackingResponse,
      { messageId: 'M', localId: [SECRET] },
      'localId: expected string, number or null, got an array',
    ],
    [
      'results as an object',
      MailboxResults,
      { results: { mailbox_id: SECRET } },
      'results: expected array of objects, got an object',
    ],
    ['a null result', MailboxResults, { results: [null] }, 'results[0]: expected object, got null'],
    [
      'a result without id',
      MailboxResults,
      { results: [{ mailbox_id: 'A' }, { mailbox_name: SECRET }] },
      'results[1].mailbox_id: expected mailbox_id, address, mailboxId',
    ],
  ] as const)('%s', (_name, codec, body, expected) => {
    expect(failure(codec as t.Decoder<unknown, unknown>, body)).toContain(expected);
  });

  it('names only the deeper path when a nullable object has a bad field', () => {
    const message = failure(InboxResponse, { messages: [], links: { next: [SECRET] } });
    expect(message).toContain('links.next:');
    expect(message).not.toMatch(/links: expected/);
  });

  it('names several failing paths at once', () => {
    const message = failure(TrackingResponse, {
      message_id: 'M',
      status: [],
      filename: {},
      expiry_time: true,
    });
    expect(message).toContain('status: expected');
    expect(message).toContain('filename: expected');
    expect(message).toContain('expiry_time: expected');
  });

  it('keeps the message short for a huge malformed body', () => {
    const messages = Array.from({ length: 100_000 }, (_, i) => i);
    const message = failure(InboxResponse, { messages });
    expect(message).toContain('messages[0]: expected string, got a number');
    expect(message).toContain('and 99995 more');
    expect(message.length).toBeLessThan(500);
  });

  it('does not echo a huge value or keys chosen by the server', () => {
    const huge = SECRET.repeat(100_000);
    const message = failure(CountResponse, { count: huge, [SECRET]: 1 });
    expect(message).toContain('count: expected non-negative integer, got a string');
    expect(message.length).toBeLessThan(300);
  });

  it('handles deeply nested and odd JSON values without recursing into them', () => {
    let nested: unknown = [SECRET];
    for (let i = 0; i < 10_000; i++) nested = [nested];
    expect(failure(InboxResponse, { messages: nested })).toContain(
      'messages[0]: expected string, got an array',
    );
    // JSON.parse makes "__proto__" an own key: it must not stand in for a real field.
    expect(failure(CountResponse, JSON.parse('{"__proto__":{"count":5}}'))).toContain('count: expected');
    for (const odd of [undefined, true, 0, '', JSON.parse('"\\u0000"')]) {
      expect(failure(InboxResponse, odd)).toMatch(
        /^MESH response body is not as expected \(body: expected object/,
      );
    }
  });
});
