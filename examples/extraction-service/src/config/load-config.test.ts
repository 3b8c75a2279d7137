import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ExtractionServiceError, isExtractionServiceError } from '../errors.js';
import { loadConfig } from './load-config.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gpes-config-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const SECRET_PASSWORD = 'pw-never-in-messages';
const SECRET_KEY = 'key-never-in-messages';

const loopbackEnv = {
  MESH_URL: 'http://127.0.0.1:4000/',
  MESH_MAILBOX_ID: 'x26abc1',
  MESH_PASSWORD: SECRET_PASSWORD,
  MESH_SHARED_KEY: SECRET_KEY,
  GPES_MAILBOX_ID: 'X26GPES',
  GPES_POLL_INTERVAL_SECONDS: '0.05',
};

async function failure(env: Record<string, string>): Promise<ExtractionServiceError> {
  const error = await loadConfig(env, directory).catch((e: unknown) => e);
  if (!isExtractionServiceError(error)) throw new Error('expected an ExtractionServiceError');
  expect(error.code).toBe('CONFIG_INVALID');
  return error;
}

describe('loadConfig', () => {
  it('reads a loopback configuration from variables, upper-casing mailboxes and applying defaults', async () => {
    const config = await loadConfig(loopbackEnv, directory);
    expect(config.mesh).toEqual({
      url: 'http://127.0.0.1:4000',
      mailboxId: 'X26ABC1',
      password: SECRET_PASSWORD,
      sharedKey: SECRET_KEY,
    });
    expect(config.pollIntervalMs).toBe(50);
    expect(config.stateDir).toBe(join(directory, 'gpes-state'));
    expect(config.gpSystemIdentifier).toBe('000.000.000.000');
  });

  it('lists every problem at once, naming settings but never their values', async () => {
    const error = await failure({ MESH_URL: 'ftp://example', MESH_PASSWORD: SECRET_PASSWORD });
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('MESH_URL'),
        expect.stringContaining('MESH_MAILBOX_ID'),
        expect.stringContaining('MESH_SHARED_KEY'),
        expect.stringContaining('GPES_MAILBOX_ID'),
      ]),
    );
    expect(error.message).not.toContain(SECRET_PASSWORD);
  });

  it('requires https, a client certificate and the 5-minute polling floor for a real MESH', async () => {
    const error = await failure({
      ...loopbackEnv,
      MESH_URL: 'http://msg.intspineservices.nhs.uk',
    });
    expect(error.problems.join('\n')).toMatch(/must be https/);
    expect(error.problems.join('\n')).toMatch(/client certificate/);
    expect(error.problems.join('\n')).toMatch(/5 minutes/);
  });

  it('reads a config file with paths relative to it, the variables winning', async () => {
    await writeFile(join(directory, 'client.pem'), 'CERT');
    await writeFile(join(directory, 'client.key'), 'KEY');
    await writeFile(join(directory, 'ca.pem'), 'CA');
    await writeFile(
      join(directory, 'gpes.json'),
      JSON.stringify({
        mesh: {
          url: 'https://msg.intspineservices.nhs.uk',
          mailboxId: 'X26ABC1',
          password: SECRET_PASSWORD,
          sharedKey: SECRET_KEY,
          clientCert: 'client.pem',
          clientKey: 'client.key',
          caCert: 'ca.pem',
        },
        gpesMailboxId: 'X26GPES',
        stateDir: 'state',
        specs: { D01700: 'specs/dm017.xml' },
      }),
    );
    const config = await loadConfig({ GPES_CONFIG_FILE: 'gpes.json', GPES_SUPPLIER: 'ACME' }, directory);
    expect(config.mesh.tls).toEqual({ cert: 'CERT', key: 'KEY', ca: 'CA' });
    const withPassphrase = await loadConfig(
      { GPES_CONFIG_FILE: 'gpes.json', MESH_CLIENT_KEY_PASSPHRASE: 'secret-passphrase' },
      directory,
    );
    expect(withPassphrase.mesh.tls?.passphrase).toBe('secret-passphrase');
    expect(config.stateDir).toBe(join(directory, 'state'));
    expect(config.specs).toEqual({ D01700: join(directory, 'specs/dm017.xml') });
    expect(config.pollIntervalMs).toBe(300_000);
    expect(config.supplier).toBe('ACME');
  });

  it('reports unreadable certificate files and a missing config file', async () => {
    const error = await failure({
      ...loopbackEnv,
      MESH_CLIENT_CERT: 'nope.pem',
      MESH_CLIENT_KEY: 'nope.key',
    });
    expect(error.problems.filter((p) => p.includes('cannot read'))).toHaveLength(2);
    const missing = await failure({ GPES_CONFIG_FILE: 'absent.json' });
    expect(missing.problems[0]).toMatch(/file not found/);
  });

  it('rejects a malformed specs map and bad query identifiers', async () => {
    expect((await failure({ ...loopbackEnv, GPES_SPECS: '[1]' })).problems).toHaveLength(1);
    const error = await failure({ ...loopbackEnv, GPES_SPECS: '{"d017":"x.xml"}' });
    expect(error.problems[0]).toMatch(/six-hex-digit/);
  });
});
