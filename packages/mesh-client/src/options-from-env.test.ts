import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isMeshError, type MeshError } from './errors.js';
import { meshClientOptionsFromEnv } from './options-from-env.js';

const PASSWORD = 'pw-never-in-messages';
const KEY = 'key-never-in-messages';
const PASSPHRASE = 'passphrase-never-in-messages';
const dir = mkdtempSync(join(tmpdir(), 'mesh-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const loopback = {
  MESH_URL: 'http://127.0.0.1:4000/',
  MESH_MAILBOX_ID: 'x26abc1',
  MESH_PASSWORD: PASSWORD,
  MESH_SHARED_KEY: KEY,
};

function failure(env: Record<string, string>): MeshError {
  try {
    meshClientOptionsFromEnv(env);
  } catch (error) {
    if (isMeshError(error)) return error;
    throw error;
  }
  throw new Error('expected the environment to be rejected');
}

describe('meshClientOptionsFromEnv', () => {
  it('reads the variables the extraction service uses', () => {
    expect(meshClientOptionsFromEnv(loopback)).toEqual({
      baseUrl: 'http://127.0.0.1:4000/',
      mailboxId: 'x26abc1',
      mailboxPassword: PASSWORD,
      sharedKey: KEY,
    });
  });

  it('reads certificate files and secrets from *_FILE variables', () => {
    const options = meshClientOptionsFromEnv({
      MESH_URL: 'https://msg.intspineservices.nhs.uk',
      MESH_MAILBOX_ID: 'X26ABC1',
      MESH_PASSWORD_FILE: file('password', `${PASSWORD}\n`),
      MESH_SHARED_KEY: KEY,
      MESH_CLIENT_CERT: file('client.pem', 'CERT'),
      MESH_CLIENT_KEY: file('client.key', 'KEY'),
      MESH_CLIENT_KEY_PASSPHRASE_FILE: file('passphrase', PASSPHRASE),
      MESH_CA_CERT: file('ca.pem', 'CA'),
      MESH_PROXY: 'http://proxy.example:3128',
    });
    expect(options).toEqual({
      baseUrl: 'https://msg.intspineservices.nhs.uk',
      mailboxId: 'X26ABC1',
      mailboxPassword: PASSWORD,
      sharedKey: KEY,
      tls: { cert: 'CERT', key: 'KEY', passphrase: PASSPHRASE, ca: 'CA' },
      proxy: 'http://proxy.example:3128',
    });
  });

  it('lists every problem at once by variable name, never echoing a secret', () => {
    const error = failure({
      MESH_URL: 'http://msg.intspineservices.nhs.uk',
      MESH_MAILBOX_ID: 'bad id',
      MESH_PASSWORD: PASSWORD,
      MESH_PASSWORD_FILE: file('pw2', PASSWORD),
      MESH_CLIENT_CERT: join(dir, 'absent.pem'),
      MESH_CLIENT_KEY_PASSPHRASE: PASSPHRASE,
      MESH_ALLOW_INSECURE_HTTP: 'maybe',
    });
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.issues?.map((i) => i.path)).toEqual([
      'MESH_PASSWORD',
      'MESH_SHARED_KEY',
      'MESH_CLIENT_KEY',
      'MESH_CLIENT_CERT',
      'MESH_ALLOW_INSECURE_HTTP',
      'MESH_URL',
      'MESH_MAILBOX_ID',
    ]);
    expect(error.message).toMatch(/^Invalid MESH client environment \(7 problems\)/);
    for (const secret of [PASSWORD, KEY, PASSPHRASE]) {
      expect(error.message).not.toContain(secret);
      expect(JSON.stringify(error)).not.toContain(secret);
    }
  });

  it('accepts plain http to a remote host only with MESH_ALLOW_INSECURE_HTTP=true', () => {
    const remote = { ...loopback, MESH_URL: 'http://mesh.internal' };
    expect(failure(remote).issues).toEqual([{ path: 'MESH_URL', message: expect.stringMatching(/https/) }]);
    expect(meshClientOptionsFromEnv({ ...remote, MESH_ALLOW_INSECURE_HTTP: 'true' }).allowInsecureHttp).toBe(
      true,
    );
  });

  it('reports missing required variables', () => {
    expect(failure({}).issues?.map((i) => i.path)).toEqual([
      'MESH_URL',
      'MESH_MAILBOX_ID',
      'MESH_PASSWORD',
      'MESH_SHARED_KEY',
    ]);
  });
});
