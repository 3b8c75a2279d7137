import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CliUsageError, parseCliArgs, parseMailboxSpec } from '../../src/testing/cli-args.js';
import { mesh } from './fake-helpers.js';

const CLI = fileURLToPath(new URL('../../src/testing/cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

/** Starts the CLI from source and resolves with the URL it prints. */
function startCli(args: string[]): Promise<{ url: string; output: () => string }> {
  child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child!.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, output: () => out });
    });
    child!.stderr!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child!.on('exit', (code) => reject(new Error(`CLI exited with ${code}: ${out}`)));
  });
}

function exited(p: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (p.exitCode !== null) resolve(p.exitCode);
    else p.on('exit', (code) => resolve(code));
  });
}

describe('gpes-fake-mesh command', () => {
  it('starts with the given mailboxes, serves MESH, and stops on SIGTERM', async () => {
    const { url, output } = await startCli([
      '--mailbox',
      'A12345X:pw:A12345:GPES_REQ',
      '--shared-key',
      'OtherKey',
    ]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const lookup = await fetch(`${url}/messageexchange/endpointlookup/A12345/GPES_REQ`);
    expect(await lookup.json()).toMatchObject({ results: [{ address: 'A12345X' }] });
    const { createMeshAuthorization } = await import('../../src/auth.js');
    const res = await fetch(`${url}/messageexchange/A12345X/inbox`, {
      headers: {
        accept: 'application/vnd.mesh.v2+json',
        authorization: createMeshAuthorization({
          mailboxId: 'A12345X',
          mailboxPassword: 'pw',
          sharedKey: 'OtherKey',
        }),
      },
    });
    expect(res.status).toBe(200);
    const p = child!;
    p.kill('SIGTERM');
    expect(await exited(p)).toBe(0);
    expect(output()).toContain('stopping (SIGTERM)');
    expect(output()).not.toContain('pw');
  }, 20_000);

  it('stops on SIGINT and reads a JSON config file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-mesh-cli-'));
    try {
      const config = join(dir, 'config.json');
      writeFileSync(
        config,
        JSON.stringify({ mailboxes: [{ id: 'X26ABC1', password: 'cfg' }], defaultPageSize: 2 }),
      );
      const { url } = await startCli(['--config', config]);
      const res = await mesh(
        url,
        { id: 'X26ABC1', password: 'cfg' },
        { path: '/messageexchange/X26ABC1/inbox' },
      );
      expect(res.status).toBe(200);
      const p = child!;
      p.kill('SIGINT');
      expect(await exited(p)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);

  it('exits with status 2 on bad arguments', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', 'abc'], { cwd: ROOT, stdio: 'pipe' });
    expect(await exited(child)).toBe(2);
  }, 20_000);
});

describe('command-line parsing', () => {
  it('parses mailboxes, ports and TLS pairs', () => {
    expect(parseMailboxSpec('X26ABC1:pw')).toEqual({ id: 'X26ABC1', password: 'pw' });
    expect(parseMailboxSpec('X26ABC1:pw:X26:A,B')).toEqual({
      id: 'X26ABC1',
      password: 'pw',
      odsCode: 'X26',
      workflows: ['A', 'B'],
    });
    expect(parseMailboxSpec('X26ABC1:pw:X26:A,>S,<R')).toEqual({
      id: 'X26ABC1',
      password: 'pw',
      odsCode: 'X26',
      workflows: ['A'],
      sends: ['S'],
      receives: ['R'],
    });
    expect(() => parseMailboxSpec('X26ABC1')).toThrow(CliUsageError);
    expect(parseCliArgs(['--port', '8700', '--page-size', '10'])).toMatchObject({
      port: 8700,
      defaultPageSize: 10,
    });
    expect(parseCliArgs(['--help'])).toBe('help');
    expect(() => parseCliArgs(['--port', '70000'])).toThrow(CliUsageError);
    expect(() => parseCliArgs(['--tls-cert', 'x.pem'])).toThrow(/go together/);
    expect(() => parseCliArgs(['--tls-ca', 'x.pem'])).toThrow(CliUsageError);
    expect(() => parseCliArgs(['--config', '/nonexistent/config.json'])).toThrow(/cannot read/);
    expect(() => parseCliArgs(['stray'])).toThrow(CliUsageError);
  });
});
