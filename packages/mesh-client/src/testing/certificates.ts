import { MeshError } from '../errors.js';

type Generate = typeof import('selfsigned').generate;

// `selfsigned` is an optional peer: only tests of mutual TLS need it, so a supplier's production install of the
// client does not carry its twenty packages. Loaded on first use.
async function loadGenerate(): Promise<Generate> {
  try {
    return (await import('selfsigned')).generate;
  } catch (cause) {
    throw new MeshError(
      'createTestCertificates needs the optional peer dependency `selfsigned` (5.x): install it as a dev dependency',
      { code: 'MISSING_DEPENDENCY', cause },
    );
  }
}

/** PEM certificate and private key. */
export interface PemPair {
  cert: string;
  key: string;
}

/** A throwaway CA and the server and client certificates it signed. */
export interface TestCertificates {
  /** The CA: trust it on both sides (`ca` option of the fake server and of the client). */
  ca: PemPair;
  /** Server certificate for `localhost` and `127.0.0.1`. */
  server: PemPair;
  /** Client certificate (CN in the MESH `mailbox.ods.api.mesh-client.nhs.uk` style). */
  client: PemPair;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Generates a fresh CA, a loopback server certificate and a client certificate, valid for a day, for tests of
 * mutual TLS. Never use them outside tests.
 * @param options.clientCommonName @default 'X26ABC1.X26.api.mesh-client.nhs.uk'
 */
export async function createTestCertificates(
  options: { clientCommonName?: string } = {},
): Promise<TestCertificates> {
  const generate = await loadGenerate();
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + DAY_MS);
  const common = {
    keyType: 'ec' as const,
    curve: 'P-256' as const,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
  };
  const ca = await generate([{ name: 'commonName', value: 'GPES fake MESH test CA' }], {
    ...common,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const caPair = { cert: ca.cert, key: ca.private };
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    ...common,
    ca: caPair,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  const client = await generate(
    [{ name: 'commonName', value: options.clientCommonName ?? 'X26ABC1.X26.api.mesh-client.nhs.uk' }],
    {
      ...common,
      ca: caPair,
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', clientAuth: true },
      ],
    },
  );
  return {
    ca: caPair,
    server: { cert: server.cert, key: server.private },
    client: { cert: client.cert, key: client.private },
  };
}
