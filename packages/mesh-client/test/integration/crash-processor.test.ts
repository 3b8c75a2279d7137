import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInboxProcessor, MeshClient } from '../../src/index.js';
import { type FakeMesh, startFakeMesh } from '../../src/testing/index.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const entry = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

let fake: FakeMesh;

beforeAll(async () => {
  fake = await startFakeMesh();
});
afterAll(async () => {
  await fake.close();
});

/**
 * A separate process runs the processor; its handler reads half the body, announces itself, then hangs. The test
 * kills the process with SIGKILL at that moment: no cleanup code can run, as in a real crash.
 */
function runAndKillMidMessage(url: string): Promise<string> {
  const script = `
    import { MeshClient, createInboxProcessor } from ${JSON.stringify(entry)};
    const client = new MeshClient({ baseUrl: ${JSON.stringify(url)}, mailboxId: 'X26ABC2', mailboxPassword: 'password', sharedKey: 'TestKey' });
    const processor = createInboxProcessor({ client, handler: async (message) => {
      for await (const piece of message.body) { process.stdout.write('HANDLING ' + message.messageId + '\\n'); break; }
      await new Promise(() => {});
    } });
    await processor.runOnce();
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child never started handling: ${err.slice(0, 2000)}`));
    }, 20_000);
    child.stdout.on('data', (data: Buffer) => {
      out += data.toString();
      const match = /HANDLING (\S+)/.exec(out);
      if (match) child.kill('SIGKILL');
    });
    child.stderr.on('data', (data: Buffer) => {
      err += data.toString();
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      const match = /HANDLING (\S+)/.exec(out);
      if (signal === 'SIGKILL' && match?.[1]) resolve(match[1]);
      else reject(new Error(`child exited without handling (signal ${signal}): ${err.slice(0, 2000)}`));
    });
  });
}

describe('crash safety', () => {
  it('a process killed mid-message leaves the message in the inbox for the next run', async () => {
    const id = await fake.deliver({
      to: 'X26ABC2',
      from: 'X26ABC1',
      workflowId: 'WF',
      chunks: [Buffer.alloc(200_000, 'a'), Buffer.alloc(200_000, 'b')],
    });
    expect(await runAndKillMidMessage(fake.url)).toBe(id);
    expect(fake.message(id)?.status).toBe('accepted');

    const client = new MeshClient({
      baseUrl: fake.url,
      mailboxId: 'X26ABC2',
      mailboxPassword: 'password',
      sharedKey: 'TestKey',
    });
    const bodies: number[] = [];
    const processor = createInboxProcessor({
      client,
      handler: async (message) => void bodies.push((await message.buffer()).length),
    });
    expect(await processor.runOnce()).toEqual({ processed: 1, failed: 0, deferred: 0 });
    expect(bodies).toEqual([400_000]);
    expect(fake.message(id)?.status).toBe('acknowledged');
    await client.close();
  });
});
