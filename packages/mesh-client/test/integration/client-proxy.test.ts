import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshClient } from '../../src/index.js';
import { createTestCertificates, type FakeMesh, startFakeMesh } from '../../src/testing/index.js';

/** A minimal CONNECT proxy on loopback that records the targets it tunnelled to. */
async function startConnectProxy(): Promise<{ url: string; targets: string[]; close(): Promise<void> }> {
  const targets: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    targets.push(target);
    const [host, port] = target.split(':');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    targets,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

let proxy: Awaited<ReturnType<typeof startConnectProxy>>;
let fake: FakeMesh;
let certs: Awaited<ReturnType<typeof createTestCertificates>>;

beforeAll(async () => {
  certs = await createTestCertificates();
  fake = await startFakeMesh({ tls: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca.cert } });
  proxy = await startConnectProxy();
});
afterAll(async () => {
  await proxy.close();
  await fake.close();
});

describe('proxy', () => {
  it('tunnels mutual TLS through an HTTP CONNECT proxy with the same certificates', async () => {
    const client = new MeshClient({
      baseUrl: fake.url,
      mailboxId: 'X26ABC1',
      mailboxPassword: 'password',
      sharedKey: 'TestKey',
      proxy: proxy.url,
      tls: { cert: certs.client.cert, key: certs.client.key, ca: certs.ca.cert },
    });
    await client.handshake();
    const sent = await client.sendMessage({ to: 'X26ABC2', workflowId: 'WF', body: 'via proxy' });
    expect((await fake.readMessageBody(sent.messageId)).toString()).toBe('via proxy');
    expect(proxy.targets.length).toBeGreaterThan(0);
    expect(proxy.targets[0]).toBe(new URL(fake.url).host);
    await client.close();
  });
});
