/**
 * The exit codes of `gpes`, for scripts. Documented in the package README and docs/cli.md.
 * - `OK` (0): done; for checks, everything passed.
 * - `FAILED` (1): the command ran and the answer is "no": a message or specification with errors, a failed
 *   mailbox check, a local id MESH holds no complete message for.
 * - `USAGE` (2): bad command line, configuration or input file; nothing was sent.
 * - `MESH` (3): MESH or the network refused or failed the request.
 * - `SEND_OUTCOME_UNKNOWN` (4): a send may or may not have reached MESH. Do not send again: run
 *   `gpes mailbox track --local-id <id>` first.
 * - `INTERRUPTED` (130): stopped by Ctrl-C (SIGINT) or SIGTERM.
 */
export const ExitCode = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  MESH: 3,
  SEND_OUTCOME_UNKNOWN: 4,
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** What went wrong, as a closed set; each code has one exit code. */
export const CliErrorCode = {
  /** The command line is wrong (unknown option, missing argument). Exit 2. */
  USAGE: 'USAGE',
  /** The MESH configuration (flags, environment, config file) has problems, all listed in `problems`. Exit 2. */
  CONFIG_INVALID: 'CONFIG_INVALID',
  /** An input file cannot be read or parsed. Exit 2. */
  INPUT_INVALID: 'INPUT_INVALID',
  /** A check failed: invalid message or specification, failed mailbox check. Exit 1. */
  CHECK_FAILED: 'CHECK_FAILED',
  /** MESH or the network failed the request. Exit 3. */
  MESH_FAILED: 'MESH_FAILED',
  /** A send may or may not have reached MESH; reconcile before sending again. Exit 4. */
  SEND_OUTCOME_UNKNOWN: 'SEND_OUTCOME_UNKNOWN',
  /** Interrupted by a signal. Exit 130. */
  INTERRUPTED: 'INTERRUPTED',
} as const;
export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];

const EXIT_OF: Record<CliErrorCode, ExitCode> = {
  USAGE: ExitCode.USAGE,
  CONFIG_INVALID: ExitCode.USAGE,
  INPUT_INVALID: ExitCode.USAGE,
  CHECK_FAILED: ExitCode.FAILED,
  MESH_FAILED: ExitCode.MESH,
  SEND_OUTCOME_UNKNOWN: ExitCode.SEND_OUTCOME_UNKNOWN,
  INTERRUPTED: ExitCode.INTERRUPTED,
};

/** Fields of a {@link CliError}. */
export interface CliErrorOptions {
  /** Every problem found (configuration), one line each. Never contains a secret. */
  problems?: readonly string[];
  /** What the operator should do next, one line each. */
  hints?: readonly string[];
  /** Extra fields for `--json` output (never secrets or payloads). */
  details?: Readonly<Record<string, unknown>>;
  cause?: unknown;
}

/** The one error type of `@gpes/cli`. Messages never contain passwords, keys, certificates or payloads. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: CliErrorCode;
  readonly exitCode: ExitCode;
  readonly problems: readonly string[];
  readonly hints: readonly string[];
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: CliErrorCode, message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = EXIT_OF[code];
    this.problems = options.problems ?? [];
    this.hints = options.hints ?? [];
    this.details = options.details ?? {};
  }
}

/** True for a {@link CliError} (also across copies of the package). */
export function isCliError(value: unknown): value is CliError {
  return value instanceof Error && value.name === 'CliError' && 'exitCode' in value && 'code' in value;
}

/** @internal A child command (fake-mesh) ended with this status; the CLI exits with it, printing nothing. */
export class ChildExit extends Error {
  override readonly name = 'ChildExit';
  constructor(readonly status: number) {
    super(`exited with status ${status}`);
  }
}
