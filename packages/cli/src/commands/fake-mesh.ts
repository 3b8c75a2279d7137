import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { ChildExit, CliError } from '../errors.js';
import type { CliIo } from '../io.js';

/** The path of `@gpes/mesh-client`'s `gpes-fake-mesh` command, as installed beside this package. */
function fakeMeshBin(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@gpes/mesh-client/package.json');
  const { bin } = require(manifest) as { bin: Record<string, string> };
  const path = bin['gpes-fake-mesh'];
  if (!path) throw new CliError('USAGE', '@gpes/mesh-client has no gpes-fake-mesh command');
  return join(dirname(manifest), path);
}

/** `gpes fake-mesh …`: the same command as `gpes-fake-mesh`, in a child process that owns the terminal. */
export function fakeMeshCommand(program: Command, io: CliIo): void {
  program
    .command('fake-mesh')
    .description('start the fake MESH server for tests (the same as gpes-fake-mesh; `gpes fake-mesh --help`)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[options...]', 'passed to gpes-fake-mesh')
    .action(async (args: string[]) => {
      const child = spawn(process.execPath, [fakeMeshBin(), ...args], { stdio: ['inherit', 'pipe', 'pipe'] });
      child.stdout.pipe(io.stdout, { end: false });
      child.stderr.pipe(io.stderr, { end: false });
      // Ctrl-C reaches the child from the terminal itself; the CLI's abort (SIGTERM, or an embedder) stops it too.
      const onAbort = () => child.kill('SIGTERM');
      io.signal?.addEventListener('abort', onAbort);
      const code = await new Promise<number>((done) =>
        child.on('close', (status, signal) => done(status ?? (signal ? 130 : 1))),
      );
      io.signal?.removeEventListener('abort', onAbort);
      if (code !== 0) throw new ChildExit(code);
    });
}
