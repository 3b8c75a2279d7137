/**
 * What went wrong in the extraction service.
 *
 * - `CONFIG_INVALID`: the configuration is missing a value or has a bad one (every problem is listed in `problems`).
 * - `STATE_CORRUPT`: the state directory holds a file the service cannot read; it is never overwritten silently.
 * - `SPEC_NOT_FOUND`: a configured specification file cannot be read or does not compile.
 *
 * Stopping the service is not an error of its own: operations reject with the AbortSignal's reason.
 */
export type ExtractionServiceErrorCode = 'CONFIG_INVALID' | 'STATE_CORRUPT' | 'SPEC_NOT_FOUND';

const brand = Symbol.for('@gpes/example-extraction-service/ExtractionServiceError');

/** The one error class of the extraction service. Messages never contain credentials or patient data. */
export class ExtractionServiceError extends Error {
  override readonly name = 'ExtractionServiceError';
  readonly code: ExtractionServiceErrorCode;
  /** For `CONFIG_INVALID`: one line per problem, naming the setting but never its value. */
  readonly problems: readonly string[];
  readonly [brand] = true;

  constructor(
    code: ExtractionServiceErrorCode,
    message: string,
    options?: { problems?: readonly string[]; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.problems = options?.problems ?? [];
  }
}

/** True for an {@link ExtractionServiceError}, even one from another copy of this module. */
export function isExtractionServiceError(value: unknown): value is ExtractionServiceError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
