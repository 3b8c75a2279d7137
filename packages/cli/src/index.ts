/**
 * `@gpes/cli`: the `gpes` command. The package is used through its bin; these exports let a supplier embed the
 * command tree (for example in their own operations tool) or run it in tests with their own streams.
 * @packageDocumentation
 */
export { type ConnectionFlags, type MeshConfig, resolveMeshConfig } from './config.js';
export { CliError, CliErrorCode, type CliErrorOptions, ExitCode, isCliError } from './errors.js';
export type { CliIo, CliOutputStream } from './io.js';
export { runCli } from './program.js';
export { VERSION } from './version.js';
