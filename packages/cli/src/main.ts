// The `gpes` command: runs the program on the process's streams, with Ctrl-C wired to cancellation.
import { processIo } from './io.js';
import { runCli } from './program.js';

const controller = new AbortController();
let interrupts = 0;
const interrupt = (signal: NodeJS.Signals) => {
  interrupts++;
  // A second Ctrl-C leaves at once (the first one is still cleaning up).
  if (interrupts > 1) process.exit(130);
  if (signal === 'SIGINT') process.stderr.write('\ninterrupted: cancelling (Ctrl-C again to quit at once)\n');
  controller.abort(new Error(`interrupted by ${signal}`));
};
process.on('SIGINT', () => interrupt('SIGINT'));
// `gpes mailbox inbox | head -1`: the reader went away; stop quietly, as other commands do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
process.on('SIGTERM', () => interrupt('SIGTERM'));

runCli(process.argv.slice(2), processIo(controller.signal)).then(
  (status) => {
    // Let stdout drain (a pipe may be slow), then leave even if a socket is still open.
    process.exitCode = status;
    process.stdout.write('', () => process.exit(status));
  },
  (error: unknown) => {
    process.stderr.write(`gpes: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
