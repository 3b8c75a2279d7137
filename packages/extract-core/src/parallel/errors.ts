import { inspect } from 'node:util';

/** Codes of {@link WorkerPoolError}. */
export type WorkerPoolErrorCode =
  /**
   * A worker thread crashed, exited, ran out of memory or threw while evaluating. The run is abandoned and the
   * pool stops: every later stream fails with the same error. Check `resourceLimits`, then run again with a
   * new pool.
   */
  | 'WORKER_FAILED'
  /** The pool was closed by `close()`. Create a new pool. */
  | 'POOL_CLOSED'
  /**
   * A record could not be copied to a worker (structured clone): it holds functions, symbols-only data or
   * non-cloneable objects. Pass plain data objects, as the record model describes.
   */
  | 'RECORD_NOT_CLONEABLE'
  /** A pool option is out of range (`workers`, `batchSize`, `resourceLimits`). */
  | 'INVALID_OPTIONS';

/**
 * Evaluation across worker threads failed for a reason that is not in the spec or the run context (those throw
 * `SpecError` and `ExtractConfigError` as in a single-threaded run). Messages never contain record data.
 */
export class WorkerPoolError extends Error {
  override readonly name = 'WorkerPoolError';
  readonly code: WorkerPoolErrorCode;

  constructor(code: WorkerPoolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** Brand for {@link isWorkerPoolError}. */
  get isWorkerPoolError(): true {
    return true;
  }

  /** Prints code and message only. */
  [inspect.custom](): string {
    return `WorkerPoolError [${this.code}]: ${this.message}`;
  }
}

/** True for a {@link WorkerPoolError} from any copy of this package (ESM or CJS). */
export function isWorkerPoolError(error: unknown): error is WorkerPoolError {
  return (
    error instanceof WorkerPoolError ||
    (typeof error === 'object' &&
      error !== null &&
      (error as { isWorkerPoolError?: unknown }).isWorkerPoolError === true)
  );
}
