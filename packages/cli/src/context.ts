import type { Command } from 'commander';
import type { CliIo } from './io.js';
import { Output } from './output.js';

/** The options every command has (`gpes --json --quiet --no-color`). */
export interface GlobalOptions {
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
}

/** What a command's action gets: the streams and the output helper built from the global options. */
export interface CommandContext {
  readonly io: CliIo;
  readonly out: Output;
}

/** Builds the context of a command from its own and its parents' options. */
export function contextOf(io: CliIo, command: Command): CommandContext {
  const g = command.optsWithGlobals<GlobalOptions>();
  const out = new Output(io, { json: g.json === true, quiet: g.quiet === true, colour: g.color !== false });
  return { io, out };
}
