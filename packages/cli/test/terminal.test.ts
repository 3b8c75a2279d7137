import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeMesh, startFakeMesh } from '@gpes/mesh-client/testing';
import { sampleMessagePath } from '@gpes/messages/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSI, ESC, gpesInTerminal, gpesPiped, meshEnv, requireBuilt, sendArgs } from './support.js';

// The built `gpes` bin, as an operator runs it: in a real pseudo-terminal (`script`), and piped.

/** SGR colour or bold (not the cursor movement a progress bar needs). */
const COLOUR = new RegExp(`${ESC}\\[(1|3\\d|9\\d)m`);

let fake: FakeMesh;
let dir: string;
let env: Record<string, string>;
beforeAll(async () => {
  requireBuilt();
  fake = await startFakeMesh();
  dir = mkdtempSync(join(tmpdir(), 'gpes-cli-tty-'));
  env = meshEnv(fake.url);
  writeFileSync(join(dir, 'eleven.bin'), Buffer.alloc(11 * 1024 * 1024, 1));
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const send = (localId: string) => sendArgs('eleven.bin', localId);

describe('in a terminal', () => {
  it('draws a progress bar with bytes, rate and ETA, in colour', async () => {
    const child = gpesInTerminal(send('TTY-1'), env, dir);
    expect(await child.exited).toBe(0);
    const out = child.output();
    expect(out).toMatch(
      /sending eleven\.bin \S*█+\S* 100% \| 11\.0 MiB of 11\.0 MiB \| [\d.]+ \S+\/s \| ETA \d+s/,
    );
    expect(out).toContain(`${ESC}[1G`); // the bar redraws in place
    expect(out).toMatch(COLOUR);
    expect(out).toMatch(
      new RegExp(`sent ${ESC}\\[1m\\S+${ESC}\\[22m \\(local id TTY-1, 3 chunk\\(s\\), 11\\.0 MiB\\)`),
    );
    expect(fake.messages.find((m) => m.localId === 'TTY-1')?.status).toBe('accepted');
  });

  it('respects NO_COLOR: the bar stays, the colour goes', async () => {
    const child = gpesInTerminal(send('TTY-2'), { ...env, NO_COLOR: '1' }, dir);
    expect(await child.exited).toBe(0);
    const out = child.output();
    expect(out).toMatch(/100% \| 11\.0 MiB of 11\.0 MiB/);
    expect(out).not.toMatch(COLOUR);
  });

  it('colours validation results', async () => {
    const child = gpesInTerminal(['message', 'validate', sampleMessagePath('rtp')], {}, dir);
    expect(await child.exited).toBe(0);
    expect(child.output()).toContain('\u001b[32mvalid\u001b[39m RTP');
  });

  it('Ctrl-C cancels an upload through the AbortSignal and exits 130', async () => {
    // Chunk 2 is held by the server, so the upload is certainly in progress when Ctrl-C arrives.
    fake.failNext('chunk', { delayMs: 30_000 });
    const child = gpesInTerminal(send('TTY-CANCEL'), env, dir);
    await child.waitFor(/5\.0 MiB of 11\.0 MiB/);
    child.write('\u0003');
    expect(await child.exited).toBe(130);
    const out = child.output();
    expect(out).toContain('interrupted: cancelling');
    expect(out).toContain('the send was interrupted');
    expect(out).toContain('gpes mailbox track --local-id TTY-CANCEL');
    expect(fake.messages.find((m) => m.localId === 'TTY-CANCEL')?.status).toBe('uploading');
  });
});

describe('piped (not a terminal)', () => {
  it('prints plain progress lines, no bar, no colour', async () => {
    const child = gpesPiped(send('PIPE-1'), env, dir);
    expect(await child.exited).toBe(0);
    const out = child.output();
    expect(out).not.toMatch(ANSI);
    expect(out).toMatch(/^sending eleven\.bin: 11\.0 MiB of 11\.0 MiB \(100%\), /m);
    expect(out).toMatch(/^sent \S+ \(local id PIPE-1, 3 chunk\(s\), 11\.0 MiB\)$/m);
  });

  it('prints no progress at all with --quiet', async () => {
    const child = gpesPiped(['--quiet', ...send('PIPE-2')], env, dir);
    expect(await child.exited).toBe(0);
    expect(child.output()).toMatch(/^sent \S+ \(local id PIPE-2, 3 chunk\(s\), 11\.0 MiB\)\n$/);
  });

  it('gpes fake-mesh starts the fake server, which another gpes process can use, and stops on SIGTERM', async () => {
    const server = gpesPiped(['fake-mesh', '--mailbox', 'X26ABC9:secret'], {}, dir);
    const url = /fake MESH listening on (\S+)/.exec(
      await server.waitFor(/listening on \S+\n/),
    )?.[1] as string;
    const check = gpesPiped(
      ['mailbox', 'check'],
      { ...meshEnv(url, 'X26ABC9'), MESH_PASSWORD: 'secret' },
      dir,
    );
    expect(await check.exited).toBe(0);
    expect(check.output()).toMatch(/^handshake {4}ok/m);
    server.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('fake MESH stopping (SIGTERM)');
  });

  it('gpes fake-mesh --help is the standalone command’s help', async () => {
    const child = gpesPiped(['fake-mesh', '--help'], {}, dir);
    expect(await child.exited).toBe(0);
    expect(child.output()).toMatch(/^Usage: gpes-fake-mesh \[options\]/);
  });
});
