import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeMesh, startFakeMesh } from '../../src/testing/index.js';
import { HANDSHAKE_HEADERS, MB1, MB2, mesh, messageId, raw, sendMessage } from './fake-helpers.js';

let fake: FakeMesh;
beforeEach(async () => {
  fake = await startFakeMesh();
});
afterEach(async () => {
  await fake.close();
});

describe('handshake', () => {
  it('answers v2 with an empty 200 and v1 with the mailbox id', async () => {
    const v2 = await mesh(fake.url, MB1, {
      method: 'POST',
      path: '/messageexchange/X26ABC1',
      headers: HANDSHAKE_HEADERS,
    });
    expect(v2.status).toBe(200);
    expect(v2.body.length).toBe(0);
    const v1 = await mesh(fake.url, MB1, {
      method: 'GET',
      path: '/messageexchange/X26ABC1',
      headers: HANDSHAKE_HEADERS,
      v1: true,
    });
    expect(v1.status).toBe(200);
    expect(v1.json()).toEqual({ mailboxId: 'X26ABC1' });
  });

  it.each(['mex-clientversion', 'mex-osname', 'mex-osversion', 'mex-osarchitecture'])(
    'requires %s',
    async (name) => {
      const headers: Record<string, string> = { ...HANDSHAKE_HEADERS };
      delete headers[name];
      const res = await mesh(fake.url, MB1, { method: 'POST', path: '/messageexchange/X26ABC1', headers });
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ detail: [{ loc: ['header', name], msg: 'field required' }] });
    },
  );

  it('refuses control characters and over-long mex values', async () => {
    const tab = await mesh(fake.url, MB1, {
      method: 'POST',
      path: '/messageexchange/X26ABC1',
      headers: { ...HANDSHAKE_HEADERS, 'mex-osname': 'Li\tnux' },
    });
    expect(tab.status).toBe(400);
    expect(tab.json()).toMatchObject({ detail: [{ event: 'TRANSFER', code: '06' }] });
    const long = await mesh(fake.url, MB1, {
      method: 'POST',
      path: '/messageexchange/X26ABC1',
      headers: { ...HANDSHAKE_HEADERS, 'mex-clientversion': 'x'.repeat(101) },
    });
    expect(long.status).toBe(400);
  });
});

describe('send, list, download, acknowledge', () => {
  it('delivers a single-request message end to end with metadata', async () => {
    const sent = await sendMessage(fake.url, MB1, 'x26abc2', 'hello,world\n', {
      'mex-localid': 'local-1',
      'mex-subject': 'synthetic subject',
      'mex-filename': 'hello.csv',
      'mex-content-type': 'text/csv',
      'mex-content-checksum': 'md5:abc123',
      'mex-content-encrypted': 'N',
    });
    expect(sent.status).toBe(202);
    const id = messageId(sent);
    expect(id).toMatch(/^\d{20}_[0-9A-F]{6}$/);

    const list = await mesh(fake.url, MB2, { path: '/messageexchange/X26ABC2/inbox' });
    expect(list.status).toBe(200);
    expect(list.headers['content-type']).toBe('application/vnd.mesh.v2+json');
    expect(list.json()).toEqual({
      messages: [id],
      links: { self: '/messageexchange/X26ABC2/inbox' },
      approx_inbox_count: 1,
    });

    const got = await mesh(fake.url, MB2, { path: `/messageexchange/X26ABC2/inbox/${id}` });
    expect(got.status).toBe(200);
    expect(got.text()).toBe('hello,world\n');
    expect(got.headers).toMatchObject({
      'content-type': 'text/csv',
      'content-length': '12',
      'mex-from': 'X26ABC1',
      'mex-to': 'X26ABC2',
      'mex-workflowid': 'TEST_WORKFLOW',
      'mex-chunk-range': '1:1',
      'mex-total-chunks': '1',
      'mex-localid': 'local-1',
      'mex-subject': 'synthetic subject',
      'mex-filename': 'hello.csv',
      'mex-messagetype': 'DATA',
      'mex-messageid': id,
      'mex-statuscode': '00',
      'mex-statussuccess': 'SUCCESS',
      'mex-content-checksum': 'md5:abc123',
      'mex-content-encrypted': 'N',
    });
    expect(got.headers['mex-statustimestamp']).toMatch(/^\d{14}$/);

    const head = await mesh(fake.url, MB2, { method: 'HEAD', path: `/messageexchange/X26ABC2/inbox/${id}` });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe('12');

    const ack = await mesh(fake.url, MB2, {
      method: 'PUT',
      path: `/messageexchange/X26ABC2/inbox/${id}/status/acknowledged`,
    });
    expect(ack.status).toBe(200);
    expect(ack.body.length).toBe(0);
    const again = await mesh(fake.url, MB2, {
      method: 'PUT',
      path: `/messageexchange/X26ABC2/inbox/${id}/status/acknowledged`,
    });
    expect(again.status).toBe(200);
    const after = await mesh(fake.url, MB2, { path: '/messageexchange/X26ABC2/inbox' });
    expect(after.json()).toMatchObject({ messages: [], approx_inbox_count: 0 });
    const gone = await mesh(fake.url, MB2, { path: `/messageexchange/X26ABC2/inbox/${id}` });
    expect(gone.status).toBe(410);
    expect(fake.message(id)?.status).toBe('acknowledged');
  });

  it('uses v1 shapes for v1 clients', async () => {
    const sent = await mesh(fake.url, MB1, {
      v1: true,
      method: 'POST',
      path: '/messageexchange/X26ABC1/outbox',
      headers: { 'mex-to': 'X26ABC2', 'mex-workflowid': 'WF' },
      body: 'x',
    });
    expect(sent.status).toBe(202);
    expect(sent.headers['content-type']).toBe('application/json');
    const id = sent.json<{ messageID: string }>().messageID;
    const list = await mesh(fake.url, MB2, { v1: true, path: '/messageexchange/X26ABC2/inbox' });
    expect(list.json()).toEqual({ messages: [id] });
    const count = await mesh(fake.url, MB2, { v1: true, path: '/messageexchange/X26ABC2/count' });
    expect(count.json()).toMatchObject({ count: 1, allResultsIncluded: true });
    const ack = await mesh(fake.url, MB2, {
      v1: true,
      method: 'PUT',
      path: `/messageexchange/X26ABC2/inbox/${id}/status/acknowledged`,
    });
    expect(ack.json()).toEqual({ messageId: id });
    const unregistered = await mesh(fake.url, MB1, {
      v1: true,
      method: 'POST',
      path: '/messageexchange/X26ABC1/outbox',
      headers: { 'mex-to': 'X99NOPE', 'mex-workflowid': 'WF' },
      body: 'x',
    });
    expect(unregistered.status).toBe(417);
    expect(unregistered.json()).toEqual({
      errorEvent: 'SEND',
      errorCode: '12',
      errorDescription: 'Unregistered to address',
    });
    const missing = await mesh(fake.url, MB2, { v1: true, path: '/messageexchange/X26ABC2/inbox/NOPE' });
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ errorEvent: 'RECEIVE', errorCode: '20' });
  });

  it('answers the deprecated count endpoint in v2', async () => {
    await fake.deliver({ to: 'X26ABC2', workflowId: 'WF', body: 'a' });
    await fake.deliver({ to: 'X26ABC2', workflowId: 'WF', body: 'b' });
    const count = await mesh(fake.url, MB2, { path: '/messageexchange/X26ABC2/count' });
    expect(count.json()).toEqual({ count: 2 });
  });

  it('refuses a comma-separated Accept header', async () => {
    const res = await mesh(fake.url, MB2, {
      path: '/messageexchange/X26ABC2/inbox',
      headers: { accept: `application/json, application/vnd.mesh.v2+json` },
    });
    expect(res.status).toBe(400);
    const ok = await mesh(fake.url, MB2, {
      path: '/messageexchange/X26ABC2/inbox',
      headers: { accept: 'application/vnd.mesh.v2+json; charset=utf-8' },
    });
    expect(ok.status).toBe(200);
  });

  it('only lets the recipient download and acknowledge', async () => {
    const id = await fake.deliver({ to: 'X26ABC2', from: 'X26ABC1', workflowId: 'WF', body: 'x' });
    const res = await mesh(fake.url, MB1, { path: `/messageexchange/X26ABC1/inbox/${id}` });
    expect(res.status).toBe(403);
    const ack = await mesh(fake.url, MB1, {
      method: 'PUT',
      path: `/messageexchange/X26ABC1/inbox/${id}/status/acknowledged`,
    });
    expect(ack.status).toBe(403);
  });

  it('serves ping and 404/405 for unknown paths', async () => {
    expect((await raw(fake.url, { path: '/messageexchange/_ping' })).json()).toMatchObject({
      status: 'running',
    });
    expect((await raw(fake.url, { path: '/nothing' })).status).toBe(404);
    expect((await raw(fake.url, { method: 'DELETE', path: '/messageexchange/X26ABC1/inbox' })).status).toBe(
      405,
    );
  });
});

describe('options', () => {
  it('refuses invalid options with a clear error', async () => {
    await expect(startFakeMesh({ defaultPageSize: 0 })).rejects.toThrow(RangeError);
    await expect(startFakeMesh({ maxRequestBytes: Number.NaN })).rejects.toThrow(/maxRequestBytes/);
    await expect(startFakeMesh({ now: new Date('nope') })).rejects.toThrow(TypeError);
    await expect(startFakeMesh({ mailboxes: [{ id: '', password: 'x' }] })).rejects.toThrow(TypeError);
  });

  it('listens on the port it is given and closes idempotently', async () => {
    const probe = await startFakeMesh();
    const port = probe.port;
    await probe.close();
    const fixed = await startFakeMesh({ port });
    expect(fixed.url).toBe(`http://127.0.0.1:${port}`);
    await Promise.all([fixed.close(), fixed.close()]);
  });
});
