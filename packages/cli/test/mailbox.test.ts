import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCertificates, type FakeMesh, startFakeMesh } from '@gpes/mesh-client/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ANSI, gpes, meshEnv, sendArgs } from './support.js';

let fake: FakeMesh;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeMesh({
    mailboxes: [
      { id: 'X26ABC1', password: 'password', odsCode: 'X26', workflows: ['TEST_WF', 'OTHER_WF'] },
      { id: 'X26ABC2', password: 'password', odsCode: 'X27', workflows: ['TEST_WF', 'OTHER_WF'] },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'gpes-cli-mailbox-'));
  env = meshEnv(fake.url);
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

const inbox2 = () => ({ ...env, MESH_MAILBOX_ID: 'X26ABC2' });

describe('gpes mailbox check', () => {
  it('handshakes and reports clock, certificate, CA and proxy', async () => {
    const r = await gpes(['mailbox', 'check'], { env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^mailbox {6}X26ABC1 at http:\/\/127\.0\.0\.1:\d+$/m);
    expect(r.stdout).toMatch(/^handshake {4}ok \(\d+ ms\)$/m);
    expect(r.stdout).toMatch(/^clock {8}(in step with MESH|\d+ s (behind|ahead of) MESH) \(±1 s\)$/m);
    expect(r.stdout).toContain('certificate  none (no client certificate configured)');
    expect(r.stdout).toContain('CA           system (Node.js default)');
    expect(r.stdout).toContain('proxy        none');
    expect(r.stdout).not.toContain('\u001b[');
    expect(fake.requests.some((q) => q.route === 'handshake' && q.status === 200)).toBe(true);
  });

  it('prints one JSON document with --json', async () => {
    const r = await gpes(['--json', 'mailbox', 'check'], { env });
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: true, mailboxId: 'X26ABC1', handshake: { ok: true }, proxy: 'none' });
    expect(typeof doc.clockSkewSeconds).toBe('number');
  });

  it('exits 3 when MESH refuses the credentials, and never prints the secret', async () => {
    const r = await gpes(['mailbox', 'check'], { env: { ...env, MESH_PASSWORD: 'sw0rdfish-secret' } });
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/^handshake {4}FAILED: .*\[UNAUTHORIZED\]$/m);
    expect(r.stderr).toMatch(/^error: handshake failed/m);
    expect(r.stdout + r.stderr).not.toContain('sw0rdfish-secret');
  });

  it('lists every configuration problem at once and exits 2', async () => {
    const r = await gpes(['mailbox', 'check'], {
      env: { MESH_URL: 'ftp://nowhere', MESH_SHARED_KEY_FILE: join(dir, 'missing-key') },
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error: the MESH configuration is not valid');
    expect(r.stderr).toContain('  - MESH_MAILBOX_ID: is required');
    expect(r.stderr).toMatch(/ {2}- MESH_PASSWORD: is required/);
    expect(r.stderr).toMatch(/ {2}- MESH_SHARED_KEY_FILE: cannot read the file it names/);
    expect(r.stderr).toMatch(/ {2}- MESH_URL: /);
  });

  it('reads the extraction service config file; flags win over the environment, which wins over the file', async () => {
    const config = join(dir, 'gpes.json');
    writeFileSync(
      config,
      JSON.stringify({
        mesh: { url: 'http://127.0.0.1:1', mailboxId: 'X26ABC2', password: 'password', sharedKey: 'TestKey' },
        gpesMailboxId: 'X26ABC1',
        stateDir: './state',
      }),
    );
    // The file's URL is wrong; the environment's is right.
    const r = await gpes(['--json', 'mailbox', 'check', '--config', config], { env: { MESH_URL: fake.url } });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, mailboxId: 'X26ABC2', configFile: config });
    const flag = await gpes(['--json', 'mailbox', 'check', '--mailbox', 'X26ABC1'], {
      env: { GPES_CONFIG_FILE: config, MESH_URL: fake.url },
    });
    expect(JSON.parse(flag.stdout)).toMatchObject({ ok: true, mailboxId: 'X26ABC1' });
  });

  it('reports unknown keys and bad values in the config file with the rest', async () => {
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ mesh: { mailboxID: 'X', url: 42 }, extra: true }));
    const r = await gpes(['mailbox', 'check', '--config', config], { env: {} });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('  - config file: unknown key "extra"');
    expect(r.stderr).toContain('  - config file: unknown key "mesh.mailboxID"');
    expect(r.stderr).toContain('  - config file: mesh.url must be a string');
    expect(r.stderr).toContain('  - MESH_URL: is required');
  });
});

describe('gpes mailbox inbox, get, ack', () => {
  it('says the inbox is empty', async () => {
    const r = await gpes(['mailbox', 'inbox'], { env: inbox2() });
    expect(r).toMatchObject({ status: 0, stdout: 'inbox empty\n' });
  });

  it('lists and counts messages, with a workflow filter and details', async () => {
    const a = await fake.deliver({
      to: 'X26ABC2',
      from: 'X26ABC1',
      workflowId: 'TEST_WF',
      body: 'a',
      fileName: 'a.xml',
    });
    const b = await fake.deliver({ to: 'X26ABC2', from: 'X26ABC1', workflowId: 'OTHER_WF', body: 'b' });
    const all = await gpes(['mailbox', 'inbox'], { env: inbox2() });
    expect(all.stdout).toBe(`#  message id\n1  ${a}\n2  ${b}\n2 message(s) waiting\n`);
    const filtered = await gpes(['mailbox', 'inbox', '--workflow', 'TEST_WF', '--details'], {
      env: inbox2(),
    });
    expect(filtered.stdout).toMatch(new RegExp(`^1  ${a}  DATA  TEST_WF +X26ABC1  a\\.xml +1$`, 'm'));
    expect(filtered.stdout).toContain('1 message(s) waiting (workflow TEST_WF)');
    // Details come from HEAD requests: nothing was downloaded.
    expect(fake.requests.filter((r) => r.route === 'download').map((r) => r.method)).toEqual(['HEAD']);
    const json = await gpes(['--json', 'mailbox', 'inbox', '--limit', '1'], { env: inbox2() });
    expect(JSON.parse(json.stdout)).toEqual({ count: 1, more: true, messages: [{ messageId: a }] });
  });

  it('downloads a message to a file byte for byte, acknowledges it, and it leaves the inbox', async () => {
    const body = Buffer.from('<x>synthetic</x>'.repeat(1000));
    const id = await fake.deliver({
      to: 'X26ABC2',
      from: 'X26ABC1',
      workflowId: 'TEST_WF',
      chunks: [body.subarray(0, 7000), body.subarray(7000)],
    });
    const r = await gpes(['mailbox', 'get', id, '-o', 'out.xml', '--ack'], { env: inbox2(), cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`saved ${id} to out.xml and acknowledged it\n`);
    expect(r.stderr).toContain(`message ${id}: DATA from X26ABC1, workflow TEST_WF, 2 chunk(s)`);
    expect(readFileSync(join(dir, 'out.xml')).equals(body)).toBe(true);
    expect(fake.inbox('X26ABC2')).toHaveLength(0);
  });

  it('writes the body to stdout, quietly, and acknowledges separately', async () => {
    const id = await fake.deliver({ to: 'X26ABC2', workflowId: 'TEST_WF', body: 'payload' });
    const r = await gpes(['--quiet', 'mailbox', 'get', id], { env: inbox2() });
    expect(r).toMatchObject({ status: 0, stdout: 'payload', stderr: '' });
    const ack = await gpes(['mailbox', 'ack', id], { env: inbox2() });
    expect(ack).toMatchObject({ status: 0, stdout: `acknowledged ${id}\n` });
    const again = await gpes(['mailbox', 'get', id], { env: inbox2() });
    expect(again.status).toBe(3);
  });

  it('exits 3 with a hint for a message that does not exist', async () => {
    const r = await gpes(['mailbox', 'get', 'NO_SUCH_MESSAGE'], { env: inbox2() });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('No such message in this mailbox');
  });
});

describe('gpes mailbox send and track', () => {
  it('sends in chunks with plain progress lines when stderr is not a terminal, then tracks it', async () => {
    const file = join(dir, 'big.bin');
    const body = Buffer.alloc(11 * 1024 * 1024, 7);
    writeFileSync(file, body);
    const r = await gpes(sendArgs('big.bin', 'LOCAL-1'), { env, cwd: dir });
    expect(r.status).toBe(0);
    const id = /^sent (\S+) \(local id LOCAL-1, 3 chunk\(s\), 11\.0 MiB\)$/m.exec(r.stdout)?.[1];
    expect(id).toBeDefined();
    expect(r.stderr).toContain('sending big.bin (11.0 MiB) to X26ABC2, workflow TEST_WF, local id LOCAL-1\n');
    expect(r.stderr).toMatch(/^sending big\.bin: 5\.0 MiB of 11\.0 MiB \(45%\), /m);
    expect(r.stderr).toMatch(/^sending big\.bin: 11\.0 MiB of 11\.0 MiB \(100%\), /m);
    expect(r.stderr).not.toMatch(ANSI);
    expect((await fake.readMessageBody(id as string)).equals(body)).toBe(true);

    const tracked = await gpes(['mailbox', 'track', id as string], { env });
    expect(tracked.status).toBe(0);
    expect(tracked.stdout).toMatch(/^status {7}accepted$/m);
    expect(tracked.stdout).toContain('local id     LOCAL-1');
    const reconciled = await gpes(['mailbox', 'track', '--local-id', 'LOCAL-1'], { env });
    expect(reconciled.status).toBe(0);
    expect(reconciled.stdout).toContain(
      `MESH holds message ${id} for local id LOCAL-1 (status accepted): do not send it again`,
    );
  });

  it('prints nothing but the result with --quiet, and one JSON document with --json', async () => {
    writeFileSync(join(dir, 'small.txt'), 'hello');
    const quiet = await gpes(
      ['-q', 'mailbox', 'send', 'small.txt', '--to', 'X26ABC2', '--workflow', 'TEST_WF'],
      { env, cwd: dir },
    );
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toMatch(/^sent \S+ \(local id [0-9a-f-]{36}, 1 chunk\(s\), 5 B\)\n$/);
    const json = await gpes(['--json', 'mailbox', 'send', 'small.txt', '--workflow', 'TEST_WF'], {
      env: { ...env, GPES_MAILBOX_ID: 'x26abc2' },
      cwd: dir,
    });
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, totalChunks: 1, totalBytes: 5 });
    expect(fake.messages.filter((m) => m.recipient === 'X26ABC2')).toHaveLength(2);
  });

  it('says so when the outcome of a send is unknown, tells the operator to reconcile, and exits 4', async () => {
    writeFileSync(join(dir, 'qr.xml'), '<synthetic/>');
    fake.failNext('send', 'reset');
    const r = await gpes(
      ['mailbox', 'send', 'qr.xml', '--to', 'X26ABC2', '--workflow', 'TEST_WF', '--local-id', 'QR-42'],
      {
        env,
        cwd: dir,
      },
    );
    expect(r.status).toBe(4);
    expect(r.stderr).toContain(
      'error: the outcome of the send is unknown: MESH may or may not have accepted the message',
    );
    expect(r.stderr).toContain('Do NOT send it again blindly');
    const command = /gpes mailbox track --local-id QR-42 --closed-at (\S+)/.exec(r.stderr);
    expect(command).not.toBeNull();
    // The reset fault lets MESH accept the message: reconciling finds it (the grace period counts from
    // --closed-at; a time long past answers at once).
    const reconciled = await gpes(
      ['mailbox', 'track', '--local-id', 'QR-42', '--closed-at', '2000-01-01T00:00:00Z'],
      { env },
    );
    expect(reconciled.status).toBe(0);
    expect(reconciled.stdout).toMatch(
      /^MESH holds message \S+ for local id QR-42 \(status accepted\): do not send it again$/m,
    );
  });

  it('reconciling a local id MESH does not hold says it is safe to send again, exit 1', async () => {
    const r = await gpes(
      ['--json', 'mailbox', 'track', '--local-id', 'NEVER-SENT', '--closed-at', '2000-01-01T00:00:00Z'],
      { env },
    );
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      localId: 'NEVER-SENT',
      found: null,
      safeToResend: true,
    });
  });

  it('cancels an upload when the signal aborts (Ctrl-C), exit 130, and names the local id to check', async () => {
    writeFileSync(join(dir, 'slow.bin'), Buffer.alloc(6 * 1024 * 1024));
    fake.failNext('chunk', { delayMs: 20_000 });
    const controller = new AbortController();
    const run = gpes(sendArgs('slow.bin', 'SLOW-1'), {
      env,
      cwd: dir,
      signal: controller.signal,
    });
    await expect.poll(() => fake.requests.some((q) => q.route === 'send' && q.status === 202)).toBe(true);
    controller.abort(new Error('interrupted by SIGINT'));
    const r = await run;
    expect(r.status).toBe(130);
    expect(r.stderr).toContain('error: the send was interrupted');
    expect(r.stderr).toContain('gpes mailbox track --local-id SLOW-1');
    expect(fake.messages.find((m) => m.localId === 'SLOW-1')?.status).toBe('uploading');
  });

  it('refuses a send without a recipient or a readable file (exit 2), sending nothing', async () => {
    const noTo = await gpes(['mailbox', 'send', 'small.txt', '--workflow', 'TEST_WF'], { env, cwd: dir });
    expect(noTo.status).toBe(2);
    expect(noTo.stderr).toContain('no recipient');
    const noFile = await gpes(['mailbox', 'send', 'nope.bin', '--to', 'X26ABC2', '--workflow', 'TEST_WF'], {
      env,
      cwd: dir,
    });
    expect(noFile).toMatchObject({ status: 2, stderr: 'error: cannot read nope.bin\n' });
    const noWorkflow = await gpes(['mailbox', 'send', 'small.txt', '--to', 'X26ABC2'], { env, cwd: dir });
    expect(noWorkflow.status).toBe(2);
    expect(noWorkflow.stderr).toContain("required option '--workflow <id>' not specified");
    expect(fake.messages).toHaveLength(0);
  });

  it('exits 3 with the MESH code when MESH rejects the recipient', async () => {
    writeFileSync(join(dir, 'x.txt'), 'x');
    const r = await gpes(['mailbox', 'send', 'x.txt', '--to', 'X26ABC2', '--workflow', 'UNREGISTERED_WF'], {
      env,
      cwd: dir,
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/error: send failed: .*/);
    expect(r.stderr).toContain('gpes mailbox lookup');
  });
});

describe('gpes mailbox lookup and search', () => {
  it('finds mailboxes by ODS code and workflow, and by workflow', async () => {
    const lookup = await gpes(['mailbox', 'lookup', 'X27', 'TEST_WF'], { env });
    expect(lookup).toMatchObject({ status: 0 });
    expect(lookup.stdout).toMatch(/^mailbox +name\nX26ABC2 +\S+/);
    const search = await gpes(['--json', 'mailbox', 'search', 'TEST_WF'], { env });
    const doc = JSON.parse(search.stdout);
    expect(doc.count).toBe(2);
    expect(doc.mailboxes.map((m: { mailboxId: string }) => m.mailboxId).sort()).toEqual([
      'X26ABC1',
      'X26ABC2',
    ]);
    const none = await gpes(['mailbox', 'search', 'NOBODY_WF'], { env });
    expect(none).toMatchObject({ status: 0, stdout: 'no mailbox found\n' });
  });
});

describe('gpes mailbox check over mutual TLS', () => {
  it('reports the client certificate, its expiry, the CA bundle and the clock, over https', async () => {
    const certs = await createTestCertificates({ clientCommonName: 'gpes-cli-test' });
    const tlsFake = await startFakeMesh({ tls: { ...certs.server, ca: certs.ca.cert } });
    try {
      for (const [name, pem] of Object.entries({
        'client.crt': certs.client.cert,
        'client.key': certs.client.key,
        'ca.pem': certs.ca.cert,
      })) {
        writeFileSync(join(dir, name), pem);
      }
      const tlsEnv = {
        ...meshEnv(tlsFake.url),
        MESH_CLIENT_CERT: 'client.crt',
        MESH_CLIENT_KEY: 'client.key',
        MESH_CA_CERT: 'ca.pem',
      };
      const r = await gpes(['mailbox', 'check'], { env: tlsEnv, cwd: dir });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^mailbox {6}X26ABC1 at https:\/\/(localhost|127\.0\.0\.1):\d+$/m);
      expect(r.stdout).toMatch(/^handshake {4}ok/m);
      expect(r.stdout).toMatch(/^clock {8}(in step with MESH|\d+ s (behind|ahead of) MESH) \(±1 s\)$/m);
      expect(r.stdout).toMatch(/^certificate {2}gpes-cli-test, expires \d{4}-\d\d-\d\d \(in [01] days\)$/m);
      expect(r.stdout).toContain('CA           1 certificate(s) from environment MESH_CA_CERT');
      // The test certificates live for a day: well inside the warning period.
      expect(r.stderr).toMatch(/^warning: the client certificate expires in [01] day\(s\)$/m);
      // Without the client certificate, MESH (here the fake) refuses the TLS connection.
      const noCert = await gpes(['mailbox', 'check'], {
        env: { ...meshEnv(tlsFake.url), MESH_CA_CERT: 'ca.pem' },
        cwd: dir,
      });
      expect(noCert.status).toBe(3);
      expect(noCert.stdout).toContain('certificate  none (no client certificate configured)');
    } finally {
      await tlsFake.close();
    }
  });
});
