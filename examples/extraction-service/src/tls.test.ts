import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GpesSimulator } from '@gpes/example-gpes-simulator';
import { isMeshError, MeshClient } from '@gpes/mesh-client';
import { createTestCertificates, type FakeMesh, startFakeMesh } from '@gpes/mesh-client/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from './main.js';
import { EXAMPLE_SPECIFICATIONS } from './specs.js';
import { DM017_SQI, GP, GPES, PASSWORD, REFERENCE_DATE } from './test-support/harness.js';

let mesh: FakeMesh | undefined;
let directory: string | undefined;
const clients: MeshClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  await mesh?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
  mesh = undefined;
  directory = undefined;
});

describe('extraction service over mutual TLS, configured from a file', () => {
  it('presents the configured client certificate and trusts the configured CA', async () => {
    const certificates = await createTestCertificates({
      clientCommonName: `${GP}.X26.api.mesh-client.nhs.uk`,
    });
    mesh = await startFakeMesh({
      mailboxes: [
        { id: GP, password: PASSWORD },
        { id: GPES, password: PASSWORD },
      ],
      tls: { cert: certificates.server.cert, key: certificates.server.key, ca: certificates.ca.cert },
    });
    directory = await mkdtemp(join(tmpdir(), 'gpes-tls-'));
    await writeFile(join(directory, 'client.pem'), certificates.client.cert);
    await writeFile(join(directory, 'client.key'), certificates.client.key);
    await writeFile(join(directory, 'nhs-ca.pem'), certificates.ca.cert);
    const file = {
      mesh: {
        url: mesh.url,
        mailboxId: GP,
        password: PASSWORD,
        sharedKey: 'TestKey',
        clientCert: 'client.pem',
        clientKey: 'client.key',
        caCert: 'nhs-ca.pem',
      },
      gpesMailboxId: GPES,
      stateDir: 'state',
      pollIntervalSeconds: 1,
      specs: EXAMPLE_SPECIFICATIONS,
    };
    await writeFile(join(directory, 'gpes.json'), JSON.stringify(file));
    const { clientCert: _cert, clientKey: _key, ...withoutCertificate } = file.mesh;
    await writeFile(join(directory, 'no-cert.json'), JSON.stringify({ ...file, mesh: withoutCertificate }));

    const gpes = new MeshClient({
      baseUrl: mesh.url,
      mailboxId: GPES,
      mailboxPassword: PASSWORD,
      sharedKey: 'TestKey',
      tls: { cert: certificates.client.cert, key: certificates.client.key, ca: certificates.ca.cert },
    });
    clients.push(gpes);
    const today = new Date().toISOString().slice(0, 10);
    const simulator = new GpesSimulator({
      client: gpes,
      gpMailboxId: GP,
      practices: ['A81001'],
      scheduledQueryInstanceId: DM017_SQI,
      executionDate: today,
      cutoffDate: '2099-12-31',
    });
    const env = {
      GPES_CONFIG_FILE: join(directory, 'gpes.json'),
      GPES_RUN_ONCE: '1',
      GPES_SYNTHETIC_PRACTICES: 'A81001=150',
      GPES_SYNTHETIC_REFERENCE_DATE: REFERENCE_DATE,
    };

    // Without its client certificate the service cannot even shake hands.
    const refused = await main({ ...env, GPES_CONFIG_FILE: join(directory, 'no-cert.json') }).catch(
      (e: unknown) => e,
    );
    expect(isMeshError(refused) && refused.code).toBe('NETWORK');

    await simulator.start();
    for (let pass = 0; pass < 10 && !simulator.done; pass++) {
      await main(env);
      await simulator.runOnce();
    }
    expect(simulator.problems).toEqual([]);
    expect(simulator.succeeded).toBe(true);
  });
});
