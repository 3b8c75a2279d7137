import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestCertificates,
  type FakeMesh,
  startFakeMesh,
  type TestCertificates,
} from '../../src/testing/index.js';
import { MB1, mesh } from './fake-helpers.js';

let certs: TestCertificates;
let stranger: TestCertificates;
let fake: FakeMesh;

beforeAll(async () => {
  certs = await createTestCertificates();
  stranger = await createTestCertificates();
  fake = await startFakeMesh({ tls: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca.cert } });
});
afterAll(async () => {
  await fake?.close();
});

const inbox = (tls: { ca?: string; cert?: string; key?: string }) =>
  mesh(fake.url, MB1, { path: '/messageexchange/X26ABC1/inbox', tls });

describe('mutual TLS', () => {
  it('serves HTTPS on loopback and accepts a client certificate signed by the CA', async () => {
    expect(fake.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await inbox({ ca: certs.ca.cert, cert: certs.client.cert, key: certs.client.key });
    expect(res.status).toBe(200);
  });

  it('rejects a client without a certificate', async () => {
    await expect(inbox({ ca: certs.ca.cert })).rejects.toThrow();
  });

  it('rejects a client certificate from another CA', async () => {
    await expect(
      inbox({ ca: certs.ca.cert, cert: stranger.client.cert, key: stranger.client.key }),
    ).rejects.toThrow();
  });

  it('is rejected by a client that does not trust its CA', async () => {
    await expect(
      inbox({ ca: stranger.ca.cert, cert: certs.client.cert, key: certs.client.key }),
    ).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it('can serve TLS without requiring client certificates', async () => {
    const oneWay = await startFakeMesh({ tls: { cert: certs.server.cert, key: certs.server.key } });
    try {
      const res = await mesh(oneWay.url, MB1, {
        path: '/messageexchange/X26ABC1/inbox',
        tls: { ca: certs.ca.cert },
      });
      expect(res.status).toBe(200);
    } finally {
      await oneWay.close();
    }
  });
});
