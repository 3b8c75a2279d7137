import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeMesh, startFakeMesh } from '../../src/testing/index.js';
import {
  auth,
  type Mailbox,
  MB1,
  MB2,
  mesh,
  messageId,
  type RawResponse,
  raw,
  sendMessage,
  V2,
} from './fake-helpers.js';

const DAY = 24 * 60 * 60 * 1000;
const GP: Mailbox = { id: 'A12345X', password: 'gp-password' };
const NHSE: Mailbox = { id: 'X26NHSE', password: 'nhse-password' };

let fake: FakeMesh;
beforeEach(async () => {
  fake = await startFakeMesh({
    mailboxes: [
      { id: 'X26ABC1', password: 'password' },
      { id: 'X26ABC2', password: 'password' },
      {
        id: GP.id,
        password: GP.password,
        name: 'Synthetic Surgery',
        odsCode: 'A12345',
        workflows: ['GPES_REQ', 'GPES_REQ_ACK'],
      },
      {
        id: NHSE.id,
        password: NHSE.password,
        name: 'GPES central',
        odsCode: 'X26',
        workflows: ['GPES_REQ', 'GPES_REQ_ACK'],
      },
    ],
  });
});
afterEach(async () => {
  await fake.close();
});

// Tokens are signed at the fake clock's time: after clock.advance a real-time token would be out of window.
const streamHeaders = () => ({
  accept: V2,
  authorization: auth(MB1),
  'mex-to': 'X26ABC2',
  'mex-workflowid': 'WF',
});
const code = (res: RawResponse) => res.json<{ detail: Array<{ code: string }> }>().detail[0]?.code;

describe('registry: routing and workflow authorisation', () => {
  it('refuses an unregistered recipient with code 12', async () => {
    const res = await sendMessage(fake.url, MB1, 'X99NOPE', 'x');
    expect(res.status).toBe(417);
    expect(res.json()).toMatchObject({
      detail: [{ event: 'SEND', code: '12', msg: 'Unregistered to address' }],
    });
  });

  it('refuses workflows a restricted mailbox is not registered for with code 17', async () => {
    const ok = await sendMessage(fake.url, NHSE, GP.id, '<xml/>', { 'mex-workflowid': 'GPES_REQ' });
    expect(ok.status).toBe(202);
    const wrongWorkflow = await sendMessage(fake.url, NHSE, GP.id, '<xml/>', { 'mex-workflowid': 'OTHER' });
    expect(wrongWorkflow.status).toBe(417);
    expect(code(wrongWorkflow)).toBe('17');
    // An unrestricted sender still cannot reach a restricted recipient on another workflow.
    const fromOpen = await sendMessage(fake.url, MB1, GP.id, 'x', { 'mex-workflowid': 'TEST_WORKFLOW' });
    expect(code(fromOpen)).toBe('17');
  });

  it('requires Mex-To and Mex-WorkflowID and refuses URLs and bad checksums', async () => {
    const noTo = await mesh(fake.url, MB1, {
      now: fake.clock.now(),
      method: 'POST',
      path: '/messageexchange/X26ABC1/outbox',
      headers: { 'mex-workflowid': 'WF' },
      body: 'x',
    });
    expect(noTo.status).toBe(400);
    expect(noTo.json()).toMatchObject({ detail: [{ loc: ['header', 'mex-to'] }] });
    const noWf = await mesh(fake.url, MB1, {
      now: fake.clock.now(),
      method: 'POST',
      path: '/messageexchange/X26ABC1/outbox',
      headers: { 'mex-to': 'X26ABC2' },
      body: 'x',
    });
    expect(noWf.json()).toMatchObject({ detail: [{ loc: ['header', 'mex-workflowid'] }] });
    const url = await sendMessage(fake.url, MB1, 'https://example.invalid', 'x');
    expect(url.status).toBe(400);
    const checksum = await sendMessage(fake.url, MB1, 'X26ABC2', 'x', {
      'mex-content-checksum': 'md5;<bad>',
    });
    expect(checksum.status).toBe(400);
    const flag = await sendMessage(fake.url, MB1, 'X26ABC2', 'x', { 'mex-content-encrypted': 'maybe' });
    expect(flag.status).toBe(400);
  });

  it('checks Mex-From and Mex-MessageType when a client sends them', async () => {
    const own = await sendMessage(fake.url, MB1, 'X26ABC2', 'x', {
      'mex-from': 'x26abc1',
      'mex-messagetype': 'DATA',
    });
    expect(own.status).toBe(202);
    const spoofed = await sendMessage(fake.url, MB1, 'X26ABC2', 'x', { 'mex-from': 'X26ABC2' });
    expect(spoofed.status).toBe(417);
    expect(code(spoofed)).toBe('07');
    const report = await sendMessage(fake.url, MB1, 'X26ABC2', 'x', { 'mex-messagetype': 'REPORT' });
    expect(code(report)).toBe('11');
  });

  it('refuses an empty message with code 02', async () => {
    const res = await sendMessage(fake.url, MB1, 'X26ABC2', '');
    expect(res.status).toBe(417);
    expect(res.json()).toMatchObject({ detail: [{ event: 'COLLECT', code: '02' }] });
  });
});

describe('size limits', () => {
  it('answers 413 for a request body over maxRequestBytes, declared or streamed', async () => {
    const small = await startFakeMesh({ maxRequestBytes: 1000 });
    try {
      const declared = await sendMessage(small.url, MB1, 'X26ABC2', Buffer.alloc(1001, 1));
      expect(declared.status).toBe(413);
      expect(code(declared)).toBe('RequestTooLarge');
      expect(small.messages).toEqual([]);
      const exact = await sendMessage(small.url, MB1, 'X26ABC2', Buffer.alloc(1000, 1));
      expect(exact.status).toBe(202);
      // Without Content-Length the limit is found while streaming; the client still gets the 413.
      const streamed = await new Promise<string>((resolve) => {
        const req = request(
          new URL('/messageexchange/X26ABC1/outbox', small.url),
          {
            method: 'POST',
            agent: false,
            headers: { ...streamHeaders(), 'transfer-encoding': 'chunked' },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(String(res.statusCode)));
          },
        );
        req.on('error', (e) => resolve(`error ${e.message}`));
        let sent = 0;
        const pump = () => {
          while (sent < 1_000_000) {
            sent += 16_384;
            if (!req.write(Buffer.alloc(16_384))) {
              req.once('drain', pump);
              return;
            }
          }
          req.end();
        };
        pump();
      });
      expect(streamed).toBe('413');
      expect(small.messages).toHaveLength(1);
    } finally {
      await small.close();
    }
  });

  it('enforces maxMessageBytes across chunks and the optional minimum non-final chunk size', async () => {
    const small = await startFakeMesh({ maxMessageBytes: 10, minNonFinalChunkBytes: 4 });
    try {
      const tiny = await sendMessage(small.url, MB1, 'X26ABC2', 'abc', { 'mex-chunk-range': '1:2' });
      expect(tiny.status).toBe(417);
      const first = await sendMessage(small.url, MB1, 'X26ABC2', 'abcdef', { 'mex-chunk-range': '1:2' });
      const id = messageId(first);
      const over = await mesh(small.url, MB1, {
        method: 'POST',
        path: `/messageexchange/X26ABC1/outbox/${id}/2`,
        headers: { 'mex-chunk-range': '2:2' },
        body: 'ghijk',
      });
      expect(over.status).toBe(413);
      const fits = await mesh(small.url, MB1, {
        method: 'POST',
        path: `/messageexchange/X26ABC1/outbox/${id}/2`,
        headers: { 'mex-chunk-range': '2:2' },
        body: 'ghij',
      });
      expect(fits.status).toBe(202);
    } finally {
      await small.close();
    }
  });
});

describe('tracking', () => {
  it('tracks by message id for the sender only, in v2 and v1', async () => {
    const id = messageId(
      await sendMessage(fake.url, MB1, 'X26ABC2', 'x', { 'mex-localid': 'loc-7', 'mex-filename': 'f.dat' }),
    );
    const v2 = await mesh(fake.url, MB1, {
      now: fake.clock.now(),
      path: `/messageexchange/X26ABC1/outbox/tracking?messageID=${id}`,
    });
    expect(v2.status).toBe(200);
    const body = v2.json();
    expect(body).toMatchObject({
      message_id: id,
      local_id: 'loc-7',
      workflow_id: 'TEST_WORKFLOW',
      filename: 'f.dat',
      recipient: 'X26ABC2',
      status: 'accepted',
      status_success: true,
    });
    expect(body.upload_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    expect(Object.values(body)).not.toContain(null);
    const v1 = await mesh(fake.url, MB1, {
      now: fake.clock.now(),
      v1: true,
      path: `/messageexchange/X26ABC1/outbox/tracking?messageID=${id}`,
    });
    expect(v1.json()).toMatchObject({
      messageId: id,
      status: 'Accepted',
      statusSuccess: 'SUCCESS',
      localId: 'loc-7',
    });
    expect(v1.json().uploadTimestamp).toMatch(/^\d{14}$/);
    // The recipient may not track it: 404, not 403, as Spine does.
    const other = await mesh(fake.url, MB2, {
      now: fake.clock.now(),
      path: `/messageexchange/X26ABC2/outbox/tracking?messageID=${id}`,
    });
    expect(other.status).toBe(404);
    const missing = await mesh(fake.url, MB1, {
      now: fake.clock.now(),
      path: '/messageexchange/X26ABC1/outbox/tracking',
    });
    expect(missing.status).toBe(400);
    // After acknowledgement tracking shows it.
    await mesh(fake.url, MB2, {
      now: fake.clock.now(),
      method: 'PUT',
      path: `/messageexchange/X26ABC2/inbox/${id}/status/acknowledged`,
    });
    const acked = await mesh(fake.url, MB1, {
      now: fake.clock.now(),
      path: `/messageexchange/X26ABC1/outbox/tracking?messageID=${id}`,
    });
    expect(acked.json()).toMatchObject({ status: 'acknowledged' });
  });

  it('tracks by local id (deprecated): 200, 300 when ambiguous, 404 when none', async () => {
    await sendMessage(fake.url, MB1, 'X26ABC2', 'x', { 'mex-localid': 'unique' });
    await sendMessage(fake.url, MB1, 'X26ABC2', 'x', { 'mex-localid': 'twice' });
    await sendMessage(fake.url, MB1, 'X26ABC2', 'x', { 'mex-localid': 'twice' });
    const one = await mesh(fake.url, MB1, {
      now: fake.clock.now(),
      path: '/messageexchange/X26ABC1/outbox/tracking/unique',
    });
    expect(one.status).toBe(200);
    expect(one.json()).toMatchObject({ localId: 'unique', status: 'Accepted' });
    expect(
      (
        await mesh(fake.url, MB1, {
          now: fake.clock.now(),
          path: '/messageexchange/X26ABC1/outbox/tracking/twice',
        })
      ).status,
    ).toBe(300);
    expect(
      (
        await mesh(fake.url, MB1, {
          now: fake.clock.now(),
          path: '/messageexchange/X26ABC1/outbox/tracking/none',
        })
      ).status,
    ).toBe(404);
  });
});

describe('endpoint lookup and workflow search', () => {
  it('finds mailboxes by ODS code and workflow without authentication', async () => {
    const v2 = await raw(fake.url, {
      path: '/messageexchange/endpointlookup/a12345/GPES_REQ',
      headers: { accept: 'application/vnd.mesh.v2+json' },
    });
    expect(v2.json()).toEqual({ results: [{ mailbox_id: GP.id, mailbox_name: 'Synthetic Surgery' }] });
    const v1 = await raw(fake.url, { path: '/messageexchange/endpointlookup/A12345/GPES_REQ' });
    expect(v1.json()).toMatchObject({
      results: [{ address: GP.id, description: 'Synthetic Surgery', endpoint_type: 'MESH' }],
    });
    const none = await raw(fake.url, { path: '/messageexchange/endpointlookup/A12345/OTHER' });
    expect(none.json()).toMatchObject({ results: [] });
    const search = await raw(fake.url, { path: '/messageexchange/workflowsearch/GPES_REQ' });
    expect(
      search.json<{ results: Array<{ mailbox_id: string }> }>().results.map((r) => r.mailbox_id),
    ).toEqual([GP.id, NHSE.id]);
  });
});

describe('expiry and REPORT messages', () => {
  it('fails an uncollected message after 5 days and sends the sender a code 14 REPORT', async () => {
    const id = messageId(
      await sendMessage(fake.url, NHSE, GP.id, '<req/>', {
        'mex-workflowid': 'GPES_REQ',
        'mex-localid': 'req-1',
        'mex-subject': 'synthetic',
      }),
    );
    fake.clock.advance(5 * DAY - 60_000);
    expect(fake.inbox(GP.id).map((m) => m.messageId)).toEqual([id]);
    fake.clock.advance(120_000);
    expect(fake.inbox(GP.id)).toEqual([]);
    expect(fake.message(id)).toMatchObject({ status: 'error', statusCode: '14' });

    const reports = fake.inbox(NHSE.id);
    expect(reports).toHaveLength(1);
    const reportId = reports[0]!.messageId;
    expect(reports[0]).toMatchObject({ messageType: 'REPORT', linkedMessageId: id, localId: 'req-1' });

    // The recipient now gets 410 for the original.
    expect(
      (await mesh(fake.url, GP, { now: fake.clock.now(), path: `/messageexchange/${GP.id}/inbox/${id}` }))
        .status,
    ).toBe(410);

    const list = await mesh(fake.url, NHSE, {
      now: fake.clock.now(),
      path: `/messageexchange/${NHSE.id}/inbox`,
    });
    expect(list.json()).toMatchObject({ messages: [reportId] });
    const report = await mesh(fake.url, NHSE, {
      now: fake.clock.now(),
      path: `/messageexchange/${NHSE.id}/inbox/${reportId}`,
    });
    expect(report.status).toBe(200);
    expect(report.body.length).toBe(0);
    expect(report.headers).toMatchObject({
      'mex-messagetype': 'REPORT',
      'mex-linkedmsgid': id,
      'mex-statuscode': '14',
      'mex-statusevent': 'TRANSFER',
      'mex-statussuccess': 'ERROR',
      'mex-statusdescription': 'Message not collected by recipient after 5 days',
      'mex-to': GP.id,
      'mex-workflowid': 'GPES_REQ',
      'mex-localid': 'req-1',
      'mex-subject': 'synthetic',
      'mex-chunk-range': '1:0',
      'content-length': '0',
    });
    expect(report.headers['mex-from']).toBeUndefined();
    const chunk2 = await mesh(fake.url, NHSE, {
      now: fake.clock.now(),
      path: `/messageexchange/${NHSE.id}/inbox/${reportId}/2`,
    });
    expect(chunk2.status).toBe(404);

    const tracking = await mesh(fake.url, NHSE, {
      now: fake.clock.now(),
      path: `/messageexchange/${NHSE.id}/outbox/tracking?messageID=${id}`,
    });
    expect(tracking.json()).toMatchObject({ status: 'error', status_success: false, status_code: '14' });

    const ack = await mesh(fake.url, NHSE, {
      now: fake.clock.now(),
      method: 'PUT',
      path: `/messageexchange/${NHSE.id}/inbox/${reportId}/status/acknowledged`,
    });
    expect(ack.status).toBe(200);
    expect(fake.inbox(NHSE.id)).toEqual([]);
  });

  it('deletes messages after 30 days', async () => {
    const id = await fake.deliver({ to: 'X26ABC2', from: 'X26ABC1', workflowId: 'WF', body: 'x' });
    fake.clock.advance(30 * DAY);
    expect(fake.message(id)).toBeUndefined();
    expect(
      (await mesh(fake.url, MB2, { now: fake.clock.now(), path: `/messageexchange/X26ABC2/inbox/${id}` }))
        .status,
    ).toBe(404);
  });

  it('does not expire acknowledged messages into REPORTs', async () => {
    const id = await fake.deliver({ to: 'X26ABC2', from: 'X26ABC1', workflowId: 'WF', body: 'x' });
    await mesh(fake.url, MB2, {
      now: fake.clock.now(),
      method: 'PUT',
      path: `/messageexchange/X26ABC2/inbox/${id}/status/acknowledged`,
    });
    fake.clock.advance(6 * DAY);
    expect(fake.inbox('X26ABC1')).toEqual([]);
    expect(fake.message(id)?.status).toBe('acknowledged');
  });

  it('creates REPORTs on demand with a chosen code, and 1:1 ranges when configured', async () => {
    const other = await startFakeMesh({ reportChunkRange: '1:1' });
    try {
      const id = await other.deliver({ to: 'X26ABC2', from: 'X26ABC1', workflowId: 'WF', body: 'x' });
      const reportId = other.report(id, { code: '12', event: 'SEND' });
      expect(other.message(reportId)).toMatchObject({
        messageType: 'REPORT',
        recipient: 'X26ABC1',
        statusCode: '12',
        statusDescription: 'Unregistered to address',
      });
      const res = await mesh(other.url, MB1, { path: `/messageexchange/X26ABC1/inbox/${reportId}` });
      expect(res.headers).toMatchObject({
        'mex-chunk-range': '1:1',
        'mex-statusevent': 'SEND',
        'mex-statuscode': '12',
      });
      expect(() => other.report('nope')).toThrow(RangeError);
    } finally {
      await other.close();
    }
  });
});

describe('test API', () => {
  it('delivers chunked and gzip messages directly and reads bodies back', async () => {
    const id = await fake.deliver({
      to: 'X26ABC2',
      from: 'X26ABC1',
      workflowId: 'WF',
      chunks: ['one,', 'two,', 'three'],
      gzip: true,
      fileName: 'x.csv',
      contentType: 'text/csv',
    });
    expect(fake.message(id)).toMatchObject({
      totalChunks: 3,
      receivedChunks: 3,
      contentEncoding: 'gzip',
      status: 'accepted',
    });
    expect((await fake.readMessageBody(id)).toString()).toBe('one,two,three');
    const second = await mesh(fake.url, MB2, {
      now: fake.clock.now(),
      path: `/messageexchange/X26ABC2/inbox/${id}/2`,
    });
    expect(second.status).toBe(206);
    expect(second.text()).toBe('two,');
    await expect(fake.deliver({ to: 'NOBODY', workflowId: 'WF' })).rejects.toThrow(RangeError);
  });

  it('reset forgets messages, requests, faults and tokens, and restores the initial mailboxes', async () => {
    await fake.deliver({ to: 'X26ABC2', workflowId: 'WF', body: 'x' });
    fake.mailboxes.add({ id: 'X26TEMP', password: 'p' });
    fake.failNext('inbox', { status: 500 });
    await mesh(fake.url, MB2, { now: fake.clock.now(), path: '/messageexchange/X26ABC2/count' });
    fake.reset();
    expect(fake.messages).toEqual([]);
    expect(fake.requests).toEqual([]);
    expect(fake.mailboxes.list()).not.toContain('X26TEMP');
    expect(fake.mailboxes.get(GP.id)).toMatchObject({
      odsCode: 'A12345',
      workflows: ['GPES_REQ', 'GPES_REQ_ACK'],
    });
    expect(
      (await mesh(fake.url, MB2, { now: fake.clock.now(), path: '/messageexchange/X26ABC2/inbox' })).status,
    ).toBe(200);
  });

  it('validates mailbox configuration', () => {
    expect(() => fake.mailboxes.add({ id: 'bad id!', password: 'p' })).toThrow(TypeError);
    expect(() => fake.mailboxes.add({ id: 'X26OK', password: '' })).toThrow(TypeError);
  });
});

describe('workflow roles: sender and receiver registered separately', () => {
  const SENDER = { id: 'R26SEND', password: 'pw' };
  const RECEIVER = { id: 'R26RECV', password: 'pw' };
  let roles: FakeMesh;
  beforeEach(async () => {
    roles = await startFakeMesh({
      mailboxes: [
        { ...SENDER, odsCode: 'R26', sends: ['ROLE_WF'] },
        { ...RECEIVER, odsCode: 'R26', receives: ['ROLE_WF'] },
      ],
    });
  });
  afterEach(() => roles.close());

  it('lookup and workflow search list only the mailboxes that receive the workflow', async () => {
    const lookup = await raw(roles.url, {
      path: '/messageexchange/endpointlookup/R26/ROLE_WF',
      headers: { accept: 'application/vnd.mesh.v2+json' },
    });
    expect(lookup.json()).toEqual({ results: [{ mailbox_id: RECEIVER.id, mailbox_name: RECEIVER.id }] });
    const search = await raw(roles.url, { path: '/messageexchange/workflowsearch/ROLE_WF' });
    expect(
      search.json<{ results: Array<{ mailbox_id: string }> }>().results.map((r) => r.mailbox_id),
    ).toEqual([RECEIVER.id]);
    expect(roles.mailboxes.get(SENDER.id)).toMatchObject({ sends: ['ROLE_WF'], receives: [] });
  });

  it('a send is allowed from a sender to a receiver, and refused with code 17 the other way round', async () => {
    const headers = { 'mex-workflowid': 'ROLE_WF' };
    expect((await sendMessage(roles.url, SENDER, RECEIVER.id, 'x', headers)).status).toBe(202);
    const back = await sendMessage(roles.url, RECEIVER, SENDER.id, 'x', headers);
    expect(back.status).toBe(417);
    expect(back.text()).toContain('"17"');
  });
});

describe('header and request timeouts', () => {
  let slow: FakeMesh;
  beforeEach(async () => {
    slow = await startFakeMesh({ headersTimeoutMs: 100, requestTimeoutMs: 200 });
  });
  afterEach(() => slow.close());

  /** Writes `text` on a raw connection and resolves with whatever comes back once the server closes it. */
  function halfSent(text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const { hostname, port } = new URL(slow.url);
      const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(text));
      const parts: Buffer[] = [];
      socket.on('data', (part: Buffer) => parts.push(part));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(parts).toString('latin1')));
    });
  }

  it('answers 408 and closes a request whose body stops short of its Content-Length', async () => {
    const head = [
      `POST /messageexchange/${MB1.id}/outbox HTTP/1.1`,
      'host: x',
      `accept: ${V2}`,
      `authorization: ${auth(MB1)}`,
      'mex-to: X26ABC2',
      'mex-workflowid: TEST_WORKFLOW',
      'content-length: 1000',
    ];
    const answer = await halfSent(`${head.join('\r\n')}\r\n\r\n${'a'.repeat(10)}`);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('answers 408 and closes a connection that stalls in its headers', async () => {
    const answer = await halfSent(`GET /messageexchange/_ping HTTP/1.1\r\nhost: x\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('states its defaults and refuses nonsense', async () => {
    await expect(startFakeMesh({ requestTimeoutMs: 0 })).rejects.toThrow(RangeError);
  });
});
