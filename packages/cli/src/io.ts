/** A stream the CLI writes to: `process.stdout`, or a test's collector. */
export type CliOutputStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** Where the CLI reads and writes; `process` by default, injected by tests and embedders. */
export interface CliIo {
  readonly stdout: CliOutputStream;
  readonly stderr: CliOutputStream;
  /** Environment variables (configuration, `NO_COLOR`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Base of relative paths. */
  readonly cwd: string;
  /** Aborted on Ctrl-C: cancels an upload or download in progress. */
  readonly signal?: AbortSignal;
}

/** The process's own streams, environment and working directory. */
export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    ...(signal && { signal }),
  };
}
