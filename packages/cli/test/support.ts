import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../src/index.js';

export const packageDir = join(import.meta.dirname, '..');
export const bin = join(packageDir, 'bin', 'gpes.js');

/** The fake server's default credentials (mesh-sandbox's). */
export const meshEnv = (url: string, mailbox = 'X26ABC1') => ({
  MESH_URL: url,
  MESH_MAILBOX_ID: mailbox,
  MESH_PASSWORD: 'password',
  MESH_SHARED_KEY: 'TestKey',
});

class Collector extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  get text() {
    return Buffer.concat(this.chunks).toString('utf8');
  }
  get bytes() {
    return Buffer.concat(this.chunks);
  }
}

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

/** Runs the command tree in this process with collecting streams (not terminals). */
export async function gpes(
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; signal?: AbortSignal } = {},
): Promise<Run> {
  const stdout = new Collector();
  const stderr = new Collector();
  const status = await runCli(args, {
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    ...(options.signal && { signal: options.signal }),
  });
  return { status, stdout: stdout.text, stderr: stderr.text, stdoutBytes: stdout.bytes };
}

/** Fails with a clear message when the package has not been built (`npm test` builds first). */
export function requireBuilt(): void {
  if (!existsSync(join(packageDir, 'dist', 'main.js'))) {
    throw new Error('packages/cli is not built: run `pnpm run build` (npm test does it) first');
  }
}

/** A child process with its combined output so far, and a promise of its exit status. */
export interface Child {
  output(): string;
  write(text: string): void;
  /** Resolves when the output matches. */
  waitFor(pattern: RegExp): Promise<string>;
  exited: Promise<number>;
  kill(signal?: NodeJS.Signals): void;
}

function child(command: string, args: string[], env: Record<string, string | undefined>, cwd: string): Child {
  const p = spawn(command, args, { env: { PATH: process.env.PATH, ...env } as NodeJS.ProcessEnv, cwd });
  let out = '';
  const waiters: { pattern: RegExp; done: (s: string) => void }[] = [];
  const onData = (d: Buffer) => {
    out += d.toString('utf8');
    for (const w of [...waiters]) {
      if (w.pattern.test(out)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.done(out);
      }
    }
  };
  p.stdout.on('data', onData);
  p.stderr.on('data', onData);
  const exited = new Promise<number>((resolve) =>
    p.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1))),
  );
  return {
    output: () => out,
    write: (text) => p.stdin.write(text),
    waitFor: (pattern) =>
      pattern.test(out)
        ? Promise.resolve(out)
        : new Promise((done, fail) => {
            waiters.push({ pattern, done });
            exited.then(() => {
              if (!pattern.test(out)) fail(new Error(`exited before ${pattern}:\n${out}`));
            });
          }),
    exited,
    kill: (signal) => p.kill(signal),
  };
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs the built `gpes` bin inside a real pseudo-terminal (`script -qfc`), TERM set, as an operator would. */
export function gpesInTerminal(args: string[], env: Record<string, string | undefined>, cwd: string): Child {
  requireBuilt();
  const command = [process.execPath, bin, ...args].map(quote).join(' ');
  return child('script', ['-qfec', command, '/dev/null'], { TERM: 'xterm-256color', ...env }, cwd);
}

/** Runs the built `gpes` bin with stdout and stderr piped (not a terminal). */
export function gpesPiped(args: string[], env: Record<string, string | undefined>, cwd: string): Child {
  requireBuilt();
  return child(process.execPath, [bin, ...args], env, cwd);
}

/** The escape character that starts ANSI sequences. */
export const ESC = '\u001b';
/** ANSI escape sequences (colour, cursor). */
export const ANSI = new RegExp(`${ESC}\\[`);

/** `gpes mailbox send FILE` to X26ABC2 on TEST_WF in 5 MiB chunks, with this local id. */
export const sendArgs = (file: string, localId: string) => [
  'mailbox',
  'send',
  file,
  '--to',
  'X26ABC2',
  '--workflow',
  'TEST_WF',
  '--chunk-size',
  '5',
  '--local-id',
  localId,
];
