import { isMeshError } from '@gpes/mesh-client';
import { Command, CommanderError, Option } from 'commander';
import { fakeMeshCommand } from './commands/fake-mesh.js';
import { mailboxCommand } from './commands/mailbox.js';
import { messageCommand } from './commands/message.js';
import { specCommand } from './commands/spec.js';
import { ChildExit, CliError, ExitCode, isCliError } from './errors.js';
import { type CliIo, processIo } from './io.js';
import { Output } from './output.js';
import { VERSION } from './version.js';

const EXIT_HELP = `
Exit status:
  0    done (checks passed)
  1    the answer is no: invalid message or specification, failed check, no such send (track --local-id)
  2    usage, configuration or input file error; nothing was sent
  3    MESH or network error
  4    the outcome of a send is unknown: run \`gpes mailbox track --local-id ID\` before sending again
  130  interrupted (Ctrl-C)

Environment: NO_COLOR turns colour off; progress bars and colour appear only on a terminal.
Documentation: docs/cli.md in the GPES MESH SDK repository.`;

/**
 * Builds the `gpes` command tree (commander). Actions write to `io`; errors propagate to {@link runCli}.
 * Internal: commander's types stay out of the public API.
 * @param io streams, environment, working directory and the cancellation signal. @default the process's
 */
function createProgram(io: CliIo = processIo()): Command {
  const program = new Command('gpes')
    .description(
      'Operate a GPES extraction over MESH: mailboxes, messages, specifications, a fake MESH server.',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .helpCommand('help [command]', 'show help for a command')
    .option('--json', 'print one JSON document on stdout, for scripts')
    .option('-q, --quiet', 'no progress or status messages (errors only)')
    .addOption(new Option('--no-color', 'no colour (also NO_COLOR=1)'))
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false, helpWidth: 100 })
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(text),
    })
    .addHelpText('after', EXIT_HELP);
  mailboxCommand(program, io);
  messageCommand(program, io);
  specCommand(program, io);
  fakeMeshCommand(program, io);
  // Every command: no process.exit (runCli maps errors to exit codes), same output and help settings.
  const configure = (c: Command) => {
    c.exitOverride();
    c.configureOutput(program.configureOutput());
    c.showHelpAfterError('(add --help for usage)');
    for (const sub of c.commands) configure(sub);
  };
  configure(program);
  return program;
}

function report(out: Output, error: CliError): void {
  out.error(error.message);
  for (const p of error.problems) out.io.stderr.write(`  - ${p}\n`);
  for (const h of error.hints) out.io.stderr.write(`  ${h}\n`);
  if (out.json) {
    // Printed only when the command printed no document of its own (which already says what failed).
    out.result({
      ok: false,
      error: { code: error.code, message: error.message, problems: error.problems, ...error.details },
    });
  }
}

/**
 * Runs `gpes` with these arguments (without `node` and the script) and returns the exit status; never calls
 * `process.exit`. See the README for the exit statuses.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; its own messages are already written.
      return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    if (error instanceof ChildExit) return error.status;
    const g = program.opts<{ json?: boolean; quiet?: boolean; color?: boolean }>();
    const out = new Output(io, { json: g.json === true, quiet: g.quiet === true, colour: g.color !== false });
    if (isCliError(error)) {
      report(out, error);
      return error.exitCode;
    }
    if (io.signal?.aborted) {
      report(out, new CliError('INTERRUPTED', 'interrupted'));
      return ExitCode.INTERRUPTED;
    }
    if (isMeshError(error)) {
      report(out, new CliError('MESH_FAILED', error.message, { details: { meshCode: error.code } }));
      return ExitCode.MESH;
    }
    const message = error instanceof Error ? error.message : String(error);
    report(out, new CliError('CHECK_FAILED', `unexpected error: ${message}`));
    return ExitCode.FAILED;
  }
}
