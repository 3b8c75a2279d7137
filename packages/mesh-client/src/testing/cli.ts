#!/usr/bin/env node
// The `gpes-fake-mesh` command: the fake MESH server for test suites that are not written in JavaScript.
import { CliUsageError, parseCliArgs, USAGE } from './cli-args.js';
import { startFakeMesh } from './server.js';

async function main(): Promise<void> {
  let options: ReturnType<typeof parseCliArgs>;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof CliUsageError) {
      process.stderr.write(`gpes-fake-mesh: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const fake = await startFakeMesh(options);
  // The server is unref()'d for in-process use; here it is the whole point of the process.
  const keepAlive = setInterval(() => {}, 1 << 30);
  process.stdout.write(`fake MESH listening on ${fake.url}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`fake MESH stopping (${signal})\n`);
    clearInterval(keepAlive);
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`gpes-fake-mesh: ${message}\n`);
  process.exit(1);
});
