import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isMeshError, MeshClient, type MeshClientOptions } from '../../src/index.js';
import { type FakeMesh, startFakeMesh } from '../../src/testing/index.js';

const MiB = 1024 * 1024;
const WORKFLOW = 'GPES_TEST_WF';

/** Synthetic bytes (no patient data): a seeded block repeated with a varying counter, so chunks differ. */
function syntheticBytes(length: number, seed = 'seed'): Buffer {
  const block = createHash('sha256').update(seed).digest();
  const out = Buffer.allocUnsafe(length);
  for (let offset = 0; offset < length; offset += 32) {
    block.copy(out, offset);
    out.writeUInt32BE((offset / 32) >>> 0, Math.min(offset, Math.max(0, length - 4)));
  }
  return out;
}

let fake: FakeMesh;
let sender: MeshClient;
let recipient: MeshClient;

function clientFor(mailboxId: string, extra: Partial<MeshClientOptions> = {}): MeshClient {
  return new MeshClient({
    baseUrl: fake.url,
    mailboxId,
    mailboxPassword: 'password',
    sharedKey: 'TestKey',
    retry: { delayMs: 1, backoffLimitMs: 5 },
    ...extra,
  });
}

async function receiveAll(client: MeshClient): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for await (const id of client.listMessages()) {
    const message = await client.retrieveMessage(id);
    out.set(id, await message.buffer());
    await client.acknowledgeMessage(id);
  }
  return out;
}

beforeAll(async () => {
  fake = await startFakeMesh();
  sender = clientFor('X26ABC1');
  recipient = clientFor('x26abc2');
});
afterAll(async () => {
  await sender.close();
  await recipient.close();
  await fake.close();
});
beforeEach(() => fake.reset());

describe('MeshClient against the fake MESH server', () => {
  it('handshakes with the mex client and OS headers', async () => {
    await sender.handshake();
    const request = fake.requests.at(-1);
    expect(request?.route).toBe('handshake');
    expect(request?.status).toBe(200);
    expect(request?.headers['mex-clientversion']).toMatch(/^gpes-mesh-client==/);
    expect(request?.headers['mex-osarchitecture']).toBeTruthy();
  });

  it('sends a small message that the recipient lists, downloads and acknowledges', async () => {
    const sent = await sender.sendMessage({
      to: 'X26ABC2',
      workflowId: WORKFLOW,
      body: '<hello/>',
      subject: 'synthetic',
      fileName: 'hello.xml',
      contentType: 'application/xml',
    });
    expect(sent.totalChunks).toBe(1);
    expect(await recipient.countMessages()).toBe(1);
    const message = await recipient.retrieveMessage(sent.messageId);
    expect(message.messageType).toBe('DATA');
    expect(message.from).toBe('X26ABC1');
    expect(message.workflowId).toBe(WORKFLOW);
    expect(message.fileName).toBe('hello.xml');
    expect(message.localId).toBe(sent.localId);
    expect((await message.buffer()).toString()).toBe('<hello/>');
    await recipient.acknowledgeMessage(sent.messageId);
    expect(fake.inbox('X26ABC2')).toHaveLength(0);
    const tracked = await sender.trackMessage({ messageId: sent.messageId });
    expect(tracked.status).toBe('acknowledged');
  });

  it('reads a message’s metadata with HEAD, without downloading it or changing its state', async () => {
    const sent = await sender.sendMessage({
      to: 'X26ABC2',
      workflowId: WORKFLOW,
      body: syntheticBytes(6 * MiB, 'head'),
      chunkSizeBytes: 5 * MiB,
      compress: true,
      fileName: 'head.dat',
      subject: 'synthetic',
    });
    const before = fake.requests.length;
    const meta = await recipient.getMessageMetadata(sent.messageId);
    expect(meta).toMatchObject({
      messageId: sent.messageId,
      messageType: 'DATA',
      from: 'X26ABC1',
      workflowId: WORKFLOW,
      fileName: 'head.dat',
      localId: sent.localId,
      totalChunks: 2,
    });
    // `compress` was transport gzip: the payload itself is not compressed, and HEAD does not claim it is.
    expect(meta.compressed).not.toBe(true);
    const heads = fake.requests.slice(before);
    expect(heads.map((r) => [r.method, r.route])).toEqual([['HEAD', 'download']]);
    // Still in the inbox, untouched: the message downloads in full afterwards.
    expect(fake.inbox('X26ABC2')).toHaveLength(1);
    expect((await (await recipient.retrieveMessage(sent.messageId)).buffer()).length).toBe(6 * MiB);
    await expect(recipient.getMessageMetadata('20260101000000000000_NOSUCH')).rejects.toMatchObject({
      code: 'MESSAGE_NOT_FOUND',
    });
  });

  it.each([false, true])(
    'sends several chunks (compress=%s) and reassembles them on download',
    async (compress) => {
      const payload = syntheticBytes(12 * MiB + 123, `chunks-${compress}`);
      const progress: number[] = [];
      const sent = await sender.sendMessage({
        to: 'X26ABC2',
        workflowId: WORKFLOW,
        body: payload,
        chunkSizeBytes: 5 * MiB,
        compress,
        onUploadProgress: (p) => progress.push(p.chunk),
      });
      expect(sent.totalChunks).toBe(3);
      expect(progress).toEqual([1, 2, 3]);
      const stored = fake.message(sent.messageId);
      expect(stored?.receivedChunks).toBe(3);
      expect(stored?.contentEncoding).toBe(compress ? 'gzip' : undefined);
      const chunkRequests = fake.requests.filter((r) => r.route === 'chunk');
      expect(chunkRequests.map((r) => r.headers['mex-chunk-range'])).toEqual(['2:3', '3:3']);
      if (compress) expect(chunkRequests.every((r) => r.headers['content-encoding'] === 'gzip')).toBe(true);
      const received = await receiveAll(recipient);
      expect(received.get(sent.messageId)?.equals(payload)).toBe(true);
    },
  );

  it('sends a stream of unknown length by spooling it, and a file path', async () => {
    const payload = syntheticBytes(11 * MiB, 'stream');
    const sent = await sender.sendMessage({
      to: 'X26ABC2',
      workflowId: WORKFLOW,
      body: Readable.from(
        (function* () {
          for (let i = 0; i < payload.length; i += 64 * 1024) yield payload.subarray(i, i + 64 * 1024);
        })(),
      ),
      chunkSizeBytes: 5 * MiB,
    });
    expect(sent.totalChunks).toBe(3);
    expect((await fake.readMessageBody(sent.messageId)).equals(payload)).toBe(true);
  });

  it('follows pagination beyond one page and applies the workflow filter', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 23; i++) {
      ids.add(
        await fake.deliver({
          to: 'X26ABC2',
          from: 'X26ABC1',
          workflowId: i % 2 ? 'WF_ODD' : 'WF_EVEN',
          body: `m${i}`,
        }),
      );
    }
    const listed: string[] = [];
    for await (const id of recipient.listMessages({ maxResults: 10 })) listed.push(id);
    expect(new Set(listed)).toEqual(ids);
    expect(listed).toHaveLength(23);
    expect(fake.requests.filter((r) => r.route === 'inbox')).toHaveLength(3);
    const odd: string[] = [];
    for await (const id of recipient.listMessages({ workflowFilter: 'WF_ODD', maxResults: 10 })) odd.push(id);
    expect(odd).toHaveLength(11);
  });

  it('downloads a message stored as gzip chunks', async () => {
    const id = await fake.deliver({
      to: 'X26ABC2',
      from: 'X26ABC1',
      workflowId: WORKFLOW,
      chunks: ['first,', 'second,', 'third'],
      gzip: true,
    });
    const progress: number[] = [];
    const message = await recipient.retrieveMessage(id, {
      onDownloadProgress: (p) => progress.push(p.chunk),
    });
    expect(message.totalChunks).toBe(3);
    expect((await message.buffer()).toString()).toBe('first,second,third');
    expect(progress).toEqual([1, 2, 3]);
  });

  it('surfaces a REPORT for an undelivered message with its linked id and status code', async () => {
    const sent = await sender.sendMessage({ to: 'X26ABC2', workflowId: WORKFLOW, body: 'x' });
    const reportId = fake.report(sent.messageId, { code: '14' });
    const report = await sender.retrieveMessage(reportId);
    expect(report.messageType).toBe('REPORT');
    if (report.messageType !== 'REPORT') throw new Error('unreachable');
    expect(report.linkedMessageId).toBe(sent.messageId);
    expect(report.statusCode).toBe('14');
    expect((await report.buffer()).length).toBe(0);
    await sender.acknowledgeMessage(reportId);
    const tracked = await sender.trackMessage({ messageId: sent.messageId });
    expect(tracked.statusSuccess).toBe(false);
  });

  it('tracks by local id, looks up endpoints and searches workflows', async () => {
    fake.mailboxes.add({
      id: 'X26ABC2',
      password: 'password',
      name: 'TESTMB2',
      odsCode: 'X26',
      workflows: [WORKFLOW],
    });
    fake.mailboxes.add({ id: 'X26ABC1', password: 'password', workflows: [WORKFLOW] });
    const sent = await sender.sendMessage({
      to: 'X26ABC2',
      workflowId: WORKFLOW,
      body: 'x',
      localId: 'local-1',
    });
    expect(await sender.reconcileSend('local-1')).toEqual({
      messageId: sent.messageId,
      status: 'accepted',
      complete: true,
    });
    // No attempt of this local id was torn down in the last 10 ms: 'not sent' after a 10 ms grace period.
    const quick = sender.withOptions({ reconcileGraceMs: 10 });
    expect(await quick.reconcileSend('never-used')).toBeUndefined();
    await quick.close();
    expect(await sender.lookupEndpoint('X26', WORKFLOW)).toContainEqual({
      mailboxId: 'X26ABC2',
      mailboxName: 'TESTMB2',
    });
    const search = await sender.searchWorkflow(WORKFLOW);
    expect(search.map((m) => m.mailboxId)).toContain('X26ABC2');
  });

  it('rejects an unknown recipient with SEND_REJECTED and MESH code 12', async () => {
    const error = await sender
      .sendMessage({ to: 'NOSUCHBOX', workflowId: WORKFLOW, body: 'x' })
      .catch((e: unknown) => e);
    expect(isMeshError(error) && error.code).toBe('SEND_REJECTED');
    expect(isMeshError(error) && error.meshErrorCode).toBe('12');
  });

  it('maps a wrong password to UNAUTHORIZED without retrying', async () => {
    const wrong = sender.withOptions({ mailboxPassword: 'not-the-password' });
    const error = await wrong.handshake().catch((e: unknown) => e);
    expect(isMeshError(error) && error.code).toBe('UNAUTHORIZED');
    expect(String((error as Error).message)).not.toContain('not-the-password');
    expect(fake.requests.filter((r) => r.route === 'handshake')).toHaveLength(1);
    await wrong.close();
  });

  it('maps an unknown mailbox to MAILBOX_NOT_FOUND', async () => {
    const stranger = clientFor('X99NONE');
    const error = await stranger.handshake().catch((e: unknown) => e);
    expect(isMeshError(error) && error.code).toBe('MAILBOX_NOT_FOUND');
    expect(isMeshError(error) && error.meshErrorCode).toBe('EPL-151');
    await stranger.close();
  });

  it('maps an unknown message to MESSAGE_NOT_FOUND', async () => {
    const error = await recipient.retrieveMessage('20260101000000000000_ABCDEF').catch((e: unknown) => e);
    expect(isMeshError(error) && error.code).toBe('MESSAGE_NOT_FOUND');
  });
});

describe('resources', () => {
  it('releases the connection of a body that is destroyed unread', async () => {
    const id = await fake.deliver({ to: 'X26ABC2', from: 'X26ABC1', workflowId: WORKFLOW, body: 'unread' });
    const message = await recipient.retrieveMessage(id);
    message.body.destroy();
    await new Promise((resolve) => message.body.once('close', resolve));
    // The pool can still serve requests, and the message is still there to be read.
    const again = await recipient.retrieveMessage(id);
    expect((await again.buffer()).toString()).toBe('unread');
  });
});

describe("retrieveMessage().compressed against NHS England's sandbox-style download gzip", () => {
  // The sandbox gzips every v2 download when the client accepts gzip and sets Mex-Content-Compressed: Y with it
  // (mesh-api.md §4.6): the flag then says nothing about the sender.
  let sandbox: FakeMesh;
  let from: MeshClient;
  let to: MeshClient;
  beforeAll(async () => {
    sandbox = await startFakeMesh({ nhsSandboxGzip: true });
    const options = { baseUrl: sandbox.url, mailboxPassword: 'password', sharedKey: 'TestKey' };
    from = new MeshClient({ ...options, mailboxId: 'X26ABC1' });
    to = new MeshClient({ ...options, mailboxId: 'X26ABC2' });
  });
  afterAll(async () => {
    await from.close();
    await to.close();
    await sandbox.close();
  });

  it.each([
    ['plain payload, plain upload', { payloadGzip: false, compress: false }],
    ['plain payload, transport gzip upload', { payloadGzip: false, compress: true }],
    ['gzip payload flagged Y, plain upload', { payloadGzip: true, compress: false }],
    ['gzip payload flagged Y, transport gzip upload', { payloadGzip: true, compress: true }],
  ])('%s: compressed is what the sender did and the body is the payload', async (_, c) => {
    const xml = Buffer.from('<Query-Results>synthetic</Query-Results>'.repeat(50));
    const payload = c.payloadGzip ? gzipSync(xml) : xml;
    const { messageId } = await from.sendMessage({
      to: 'X26ABC2',
      workflowId: WORKFLOW,
      body: payload,
      compress: c.compress,
      ...(c.payloadGzip ? { compressed: true } : {}),
    });
    const message = await to.retrieveMessage(messageId);
    expect(message.compressed === true).toBe(c.payloadGzip);
    expect((await message.buffer()).equals(payload)).toBe(true);
    const download = sandbox.requests.filter((r) => r.route === 'download').at(-1);
    expect(download?.headers['accept-encoding']).toContain('gzip');
    await to.acknowledgeMessage(messageId);
  });
});
