import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMeshError, MeshClient, type MeshClientOptions } from '../../src/index.js';
import {
  createTestCertificates,
  type FakeMesh,
  startFakeMesh,
  type TestCertificates,
} from '../../src/testing/index.js';

let certs: TestCertificates;
let other: TestCertificates;
let fake: FakeMesh;

function clientWith(tls: MeshClientOptions['tls']): MeshClient {
  return new MeshClient({
    baseUrl: fake.url,
    mailboxId: 'X26ABC1',
    mailboxPassword: 'password',
    sharedKey: 'TestKey',
    retry: { limit: 0 },
    ...(tls && { tls }),
  });
}

beforeAll(async () => {
  // Throwaway CA, server and client certificates made for this run only.
  certs = await createTestCertificates();
  other = await createTestCertificates();
  fake = await startFakeMesh({ tls: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca.cert } });
});
afterAll(async () => {
  await fake.close();
});

describe('mutual TLS', () => {
  it('connects with the client certificate and the private CA', async () => {
    expect(fake.url.startsWith('https://')).toBe(true);
    const client = clientWith({ cert: certs.client.cert, key: certs.client.key, ca: certs.ca.cert });
    await client.handshake();
    const sent = await client.sendMessage({ to: 'X26ABC2', workflowId: 'WF', body: 'over mTLS' });
    expect((await fake.readMessageBody(sent.messageId)).toString()).toBe('over mTLS');
    await client.close();
  });

  it('fails without a client certificate', async () => {
    const client = clientWith({ ca: certs.ca.cert });
    const error = await client.handshake().catch((e: unknown) => e);
    expect(isMeshError(error) && error.code).toBe('NETWORK');
    await client.close();
  });

  it('refuses a server whose certificate is not signed by the trusted CA (verification cannot be disabled)', async () => {
    const client = clientWith({ cert: certs.client.cert, key: certs.client.key, ca: other.ca.cert });
    const error = await client.handshake().catch((e: unknown) => e);
    expect(isMeshError(error) && error.code).toBe('NETWORK');
    expect(fake.requests.filter((r) => r.route === 'handshake' && r.status === 200)).toHaveLength(1);
    await client.close();
  });
});
