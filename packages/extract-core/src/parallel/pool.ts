import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RunContext, SubsumptionProvider } from '../bind/types.js';
import { compileSpec } from '../compile/compile.js';
import type { BoundSpec } from '../compile/types.js';
import { type BoundSpecSet, compileSpecSet } from '../evaluate/set.js';
import type { PatientResult } from '../evaluate/types.js';
import type { PatientRecord } from '../record.js';
import type { QuerySpecDocument } from '../spec/model.js';
import { duplicatePatientResult } from './duplicates.js';
import { WorkerPoolError } from './errors.js';
import {
  type BatchRequest,
  type PlainRunContext,
  subsumptionKey,
  type WorkerInit,
  type WorkerMessage,
} from './protocol.js';

/** Memory limits of each worker thread (Node's `ResourceLimits`). */
export interface WorkerResourceLimits {
  /** Maximum size of the main heap, in MiB. */
  readonly maxOldGenerationSizeMb?: number;
  /** Maximum size of the heap space for recently created objects, in MiB. */
  readonly maxYoungGenerationSizeMb?: number;
  /** Default maximum stack size for the thread, in MiB. */
  readonly stackSizeMb?: number;
}

/** Options of {@link createWorkerPool}. */
export interface WorkerPoolOptions {
  /**
   * The query specification, as given to `compileSpec`: XML text with cluster members already expanded (use
   * `loadSpec` first), or a `QuerySpecDocument`. It is compiled once on the calling thread and once per worker.
   */
  readonly spec: string | QuerySpecDocument;
  /**
   * The run context, as given to `CompiledSpec.bind`. Its functions stay on the calling thread: the subsumption
   * provider is asked once here and its answers are sent to the workers; the care-record-sharing hook is called
   * here for every record and its decision travels with the record.
   */
  readonly run: RunContext;
  /**
   * Number of worker threads.
   * @default max(1, os.availableParallelism() - 1)
   */
  readonly workers?: number;
  /**
   * Patients per message to a worker. Larger batches cost less messaging; smaller ones keep less in flight.
   * @default 256
   */
  readonly batchSize?: number;
  /**
   * Batches each stream may have in flight per worker, which bounds memory: at most
   * `workers × maxBatchesInFlightPerWorker × batchSize` records are held at once per stream.
   * @default 2
   */
  readonly maxBatchesInFlightPerWorker?: number;
  /** Memory limits of each worker; a worker that exceeds them fails the run with `WORKER_FAILED`. */
  readonly resourceLimits?: WorkerResourceLimits;
}

/** Options of {@link WorkerPool.evaluatePopulation}. */
export interface WorkerStreamOptions {
  /** Stops reading records; the iteration rejects with `signal.reason`. The pool stays usable. */
  readonly signal?: AbortSignal;
}

/**
 * Worker threads that evaluate one bound specification. Several streams (for example one per practice) may run
 * at the same time or one after another; each yields exactly what `evaluatePopulation(pool.spec, records)` yields
 * on the calling thread, in input order.
 */
export interface WorkerPool {
  /** The specification bound on the calling thread: pass it to `createTally` to aggregate the results. */
  readonly spec: BoundSpec;
  /** Number of worker threads. */
  readonly workers: number;
  /**
   * Evaluates a stream of patients across the workers. Results come in input order; a later occurrence of a
   * `patientId` already seen in this stream is reported as `DUPLICATE_PATIENT`, as on the calling thread (P3).
   * @throws WorkerPoolError `WORKER_FAILED`, `POOL_CLOSED`, `RECORD_NOT_CLONEABLE` (the iteration rejects).
   */
  evaluatePopulation(
    records: Iterable<PatientRecord> | AsyncIterable<PatientRecord>,
    options?: WorkerStreamOptions,
  ): AsyncIterable<PatientResult>;
  /** Stops the workers. Streams still running reject with `POOL_CLOSED`. Safe to call more than once. */
  close(): Promise<void>;
}

/** Options of {@link createSpecSetWorkerPool}: those of {@link WorkerPoolOptions}, with several specifications. */
export interface SpecSetWorkerPoolOptions extends Omit<WorkerPoolOptions, 'spec'> {
  /** The specifications, as given to `compileSpecSet` but as plain data: XML text (expanded) or documents. */
  readonly specs: readonly (string | QuerySpecDocument)[];
}

/** Worker threads that evaluate a specification set: each stream yields what `evaluateSpecSet` yields. */
export interface SpecSetWorkerPool {
  /** The set bound on the calling thread: its `specs` go to `createTally`, `explain` and QR output. */
  readonly set: BoundSpecSet;
  readonly workers: number;
  /**
   * Evaluates a stream of patients across the workers: per record, one result per specification, in input order,
   * duplicates reported as on the calling thread.
   * @throws WorkerPoolError `WORKER_FAILED`, `POOL_CLOSED`, `RECORD_NOT_CLONEABLE` (the iteration rejects).
   */
  evaluatePopulation(
    records: Iterable<PatientRecord> | AsyncIterable<PatientRecord>,
    options?: WorkerStreamOptions,
  ): AsyncIterable<readonly PatientResult[]>;
  close(): Promise<void>;
}

interface Pending {
  readonly resolve: (results: readonly unknown[]) => void;
  readonly reject: (error: unknown) => void;
  readonly handle: WorkerHandle;
}

interface WorkerHandle {
  readonly worker: Worker;
  inFlight: number;
}

/**
 * Starts worker threads for one specification and run.
 *
 * The spec is compiled and bound on the calling thread first, so an invalid spec or run context fails here with
 * the same `SpecError` or `ExtractConfigError` as a single-threaded run, before any thread starts.
 *
 * @param options the spec, the run context and the pool's size; see {@link WorkerPoolOptions}.
 * @returns a pool whose workers are ready. Close it with `close()` when done.
 * @throws SpecError, ExtractConfigError as `compileSpec` and `bind` do.
 * @throws WorkerPoolError `INVALID_OPTIONS`; `WORKER_FAILED` when a worker cannot start.
 */
export async function createWorkerPool(options: WorkerPoolOptions): Promise<WorkerPool> {
  const prepared = await prepare(options, (run) => compileSpec(options.spec).bind(run));
  const pool = await startPool<PatientResult>({
    ...prepared.start,
    init: { ...prepared.init, spec: options.spec },
    duplicate: duplicatePatientResult,
  });
  return { spec: prepared.bound, ...pool };
}

/**
 * Starts worker threads for a specification set (see `compileSpecSet`): each worker compiles and binds the whole
 * set and evaluates every patient for every specification in one pass.
 * @returns a pool whose workers are ready. Close it with `close()` when done.
 * @throws SpecError, ExtractConfigError as `compileSpecSet` and `bind` do.
 * @throws WorkerPoolError `INVALID_OPTIONS`; `WORKER_FAILED` when a worker cannot start.
 */
export async function createSpecSetWorkerPool(options: SpecSetWorkerPoolOptions): Promise<SpecSetWorkerPool> {
  if (!Array.isArray(options.specs)) {
    throw new WorkerPoolError('INVALID_OPTIONS', 'specs must be a list of specifications');
  }
  const prepared = await prepare(options, (run) => compileSpecSet(options.specs).bind(run));
  const n = options.specs.length;
  const pool = await startPool<readonly PatientResult[]>({
    ...prepared.start,
    init: { ...prepared.init, specs: options.specs },
    duplicate: (id) => Array.from({ length: n }, () => duplicatePatientResult(id)),
  });
  return { set: prepared.bound, ...pool };
}

/** Checks the options, binds on the calling thread (recording subsumption answers) and builds the worker data. */
async function prepare<B>(
  options: Omit<WorkerPoolOptions, 'spec'>,
  bind: (run: RunContext) => Promise<B>,
): Promise<{
  bound: B;
  init: Omit<WorkerInit, 'spec' | 'specs'>;
  start: Omit<StartOptions<unknown>, 'init' | 'duplicate'>;
}> {
  const size = options.workers ?? Math.max(1, availableParallelism() - 1);
  const batchSize = options.batchSize ?? 256;
  const perWorker = options.maxBatchesInFlightPerWorker ?? 2;
  checkInteger('workers', size, 1, 256);
  checkInteger('batchSize', batchSize, 1, 1_000_000);
  checkInteger('maxBatchesInFlightPerWorker', perWorker, 1, 1024);

  const { run } = options;
  const descendants: Record<string, string[]> = {};
  const recording = run?.subsumption ? recordingProvider(run.subsumption, descendants) : undefined;
  const bound = await bind(recording ? { ...run, subsumption: recording } : run);

  const plainRun: PlainRunContext = {
    participation: run.participation,
    ...(run.parameters ? { parameters: run.parameters } : {}),
    ...(run.substitutionValues ? { substitutionValues: run.substitutionValues } : {}),
    ...(run.policies ? { policies: run.policies } : {}),
  };
  const hook = run.participation?.ncrsDetailedCareRecordSharing ? run.detailedCareRecordSharing : undefined;
  return {
    bound,
    init: { run: plainRun, ...(recording ? { descendants } : {}), sharingHook: hook !== undefined },
    start: { size, batchSize, perWorker, hook, resourceLimits: options.resourceLimits },
  };
}

/**
 * Evaluates one stream of patients across worker threads: {@link createWorkerPool}, one stream, then `close()`.
 * @returns the results in input order, identical to `evaluatePopulation` on the calling thread.
 * @throws as {@link createWorkerPool} and {@link WorkerPool.evaluatePopulation} (the iteration rejects).
 */
export async function* evaluateInWorkers(
  options: WorkerPoolOptions & {
    readonly records: Iterable<PatientRecord> | AsyncIterable<PatientRecord>;
    readonly signal?: AbortSignal;
  },
): AsyncIterable<PatientResult> {
  const pool = await createWorkerPool(options);
  try {
    yield* pool.evaluatePopulation(options.records, options.signal ? { signal: options.signal } : {});
  } finally {
    await pool.close();
  }
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new WorkerPoolError('INVALID_OPTIONS', `${name} must be an integer from ${min} to ${max}`);
  }
}

/** Wraps the vendor's provider so that its answers can be replayed to the workers without calling it again. */
function recordingProvider(
  provider: SubsumptionProvider,
  into: Record<string, string[]>,
): SubsumptionProvider {
  return {
    async descendantsOf(codeSchemeId, code) {
      const answer = await provider.descendantsOf(codeSchemeId, code);
      const codes = [...answer];
      into[subsumptionKey(codeSchemeId, code)] = codes;
      return codes;
    },
  };
}

function workerUrl(): URL {
  // tsup builds this module into dist/index.js (ESM, maybe a chunk beside it) and dist/index.cjs (with an
  // import.meta.url shim); the worker entry sits next to it in the same format.
  const here = import.meta.url;
  return new URL(here.endsWith('.cjs') ? './parallel-worker.cjs' : './parallel-worker.js', here);
}

interface StartOptions<T> {
  readonly init: WorkerInit;
  /** The result of a later occurrence of a patient id in one stream. */
  readonly duplicate: (patientId: string) => T;
  readonly size: number;
  readonly batchSize: number;
  readonly perWorker: number;
  readonly hook: RunContext['detailedCareRecordSharing'];
  readonly resourceLimits: WorkerResourceLimits | undefined;
}

/** The pool's machinery, for one result type per record (a result, or a set's results). */
interface Pool<T> {
  readonly workers: number;
  evaluatePopulation(
    records: Iterable<PatientRecord> | AsyncIterable<PatientRecord>,
    options?: WorkerStreamOptions,
  ): AsyncIterable<T>;
  close(): Promise<void>;
}

async function startPool<T>(options: StartOptions<T>): Promise<Pool<T>> {
  const { init, size, batchSize, perWorker, hook, duplicate: duplicateResult } = options;
  const handles: WorkerHandle[] = [];
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let closing = false;
  let failure: WorkerPoolError | undefined;

  function fail(error: WorkerPoolError): void {
    if (failure || closing) return;
    failure = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    for (const h of handles) void h.worker.terminate();
  }

  const url = workerUrl();
  const ready: Promise<void>[] = [];
  for (let i = 0; i < size; i++) {
    let worker: Worker;
    try {
      worker = new Worker(url, {
        workerData: init,
        ...(options.resourceLimits ? { resourceLimits: { ...options.resourceLimits } } : {}),
      });
    } catch (cause) {
      // E.g. a spec or run context that is not plain data (structured clone fails) or a missing worker file.
      closing = true;
      await Promise.all(handles.map((h) => h.worker.terminate()));
      throw new WorkerPoolError('WORKER_FAILED', 'could not start a worker thread', { cause });
    }
    const handle: WorkerHandle = { worker, inFlight: 0 };
    handles.push(handle);
    ready.push(
      new Promise<void>((resolve, reject) => {
        const onStartFailure = (error: WorkerPoolError) => {
          fail(error);
          reject(error);
        };
        worker.on('message', (message: WorkerMessage) => {
          switch (message.type) {
            case 'ready':
              resolve();
              return;
            case 'initFailed':
              onStartFailure(
                new WorkerPoolError(
                  'WORKER_FAILED',
                  `a worker thread could not bind the spec (${label(message)})`,
                ),
              );
              return;
            case 'unreadable':
              onStartFailure(new WorkerPoolError('WORKER_FAILED', 'a worker thread could not read a batch'));
              return;
            case 'results':
            case 'batchFailed': {
              const p = pending.get(message.id);
              if (!p) return;
              pending.delete(message.id);
              if (--handle.inFlight === 0) worker.unref();
              if (message.type === 'results') p.resolve(message.results as readonly unknown[]);
              else
                p.reject(
                  new WorkerPoolError(
                    'WORKER_FAILED',
                    `evaluation failed in a worker thread (${label(message)})`,
                  ),
                );
            }
          }
        });
        worker.on('error', (error: unknown) => {
          const code = (error as { code?: unknown } | null)?.code;
          const name = error instanceof Error ? error.name : 'error';
          onStartFailure(
            new WorkerPoolError(
              'WORKER_FAILED',
              `a worker thread failed (${typeof code === 'string' ? `${name} ${code}` : name})`,
            ),
          );
        });
        worker.on('messageerror', () =>
          onStartFailure(
            new WorkerPoolError('WORKER_FAILED', 'a worker thread sent a message that could not be read'),
          ),
        );
        worker.on('exit', (exitCode) =>
          onStartFailure(
            new WorkerPoolError(
              'WORKER_FAILED',
              `a worker thread exited unexpectedly (exit code ${exitCode})`,
            ),
          ),
        );
      }),
    );
  }
  try {
    await Promise.all(ready);
  } catch (error) {
    closing = true;
    await Promise.all(handles.map((h) => h.worker.terminate()));
    throw error;
  }
  // Idle workers must not keep the process alive; a worker is referenced only while it has work (see dispatch).
  for (const h of handles) h.worker.unref();

  function dispatch(request: Omit<BatchRequest, 'type' | 'id'>): Promise<readonly T[]> {
    if (failure) return Promise.reject(failure);
    if (closing) return Promise.reject(new WorkerPoolError('POOL_CLOSED', 'the worker pool is closed'));
    let handle = handles[0]!;
    for (const h of handles) if (h.inFlight < handle.inFlight) handle = h;
    const id = nextId++;
    return new Promise<readonly T[]>((resolve, reject) => {
      try {
        handle.worker.postMessage({ type: 'batch', id, ...request } satisfies BatchRequest);
      } catch (error) {
        reject(
          new WorkerPoolError(
            'RECORD_NOT_CLONEABLE',
            'a patient record could not be copied to a worker thread; pass plain data objects',
            { cause: error },
          ),
        );
        return;
      }
      pending.set(id, { resolve: resolve as (results: readonly unknown[]) => void, reject, handle });
      if (handle.inFlight++ === 0) handle.worker.ref();
    });
  }

  async function* evaluatePopulation(
    records: Iterable<PatientRecord> | AsyncIterable<PatientRecord>,
    streamOptions: WorkerStreamOptions = {},
  ): AsyncGenerator<T> {
    const { signal } = streamOptions;
    const maxInFlight = size * perWorker;
    const seen = new Set<string>();
    const source = openSource(records);
    const inFlight: Promise<readonly T[]>[] = [];
    let exhausted = false;
    try {
      for (;;) {
        while (!exhausted && inFlight.length < maxInFlight) {
          signal?.throwIfAborted();
          const batch = await source.take(batchSize);
          if (batch.length < batchSize) exhausted = true;
          if (batch.length === 0) break;
          const job = submit(batch, seen);
          // Rejections are observed when the batch's turn comes; this keeps an early failure of a later batch
          // from being reported as unhandled.
          job.catch(() => {});
          inFlight.push(job);
        }
        const next = inFlight.shift();
        if (!next) return;
        const results = await next;
        signal?.throwIfAborted();
        yield* results;
      }
    } finally {
      await source.close();
    }
  }

  /** Sends the first occurrences to a worker and fills in duplicates here, keeping input order. */
  async function submit(batch: readonly PatientRecord[], seen: Set<string>): Promise<readonly T[]> {
    const firsts: PatientRecord[] = [];
    const duplicates: (string | undefined)[] = [];
    for (const record of batch) {
      // Keyed as the single-threaded evaluatePopulation keys it, so odd ids deduplicate the same way.
      const raw = (record as Partial<PatientRecord> | null | undefined)?.patient?.patientId;
      const id = typeof raw === 'string' ? raw : String(raw);
      if (seen.has(id)) duplicates.push(id);
      else {
        seen.add(id);
        firsts.push(record);
        duplicates.push(undefined);
      }
    }
    const sharing = hook ? firsts.map((record) => hook(record)) : undefined;
    const evaluated =
      firsts.length > 0 ? await dispatch(sharing ? { records: firsts, sharing } : { records: firsts }) : [];
    if (firsts.length === batch.length) return evaluated;
    const merged: T[] = [];
    let k = 0;
    for (const duplicate of duplicates)
      merged.push(duplicate === undefined ? evaluated[k++]! : duplicateResult(duplicate));
    return merged;
  }

  return {
    workers: size,
    evaluatePopulation,
    async close() {
      if (closing) return;
      closing = true;
      const error = new WorkerPoolError('POOL_CLOSED', 'the worker pool was closed');
      for (const p of pending.values()) p.reject(error);
      pending.clear();
      await Promise.all(handles.map((h) => h.worker.terminate()));
    },
  };
}

function label(message: { readonly name: string; readonly code?: string }): string {
  return message.code ? `${message.name} ${message.code}` : message.name;
}

/** Reads records in batches from a sync or async iterable; sync sources are read without an await per record. */
function openSource(records: Iterable<PatientRecord> | AsyncIterable<PatientRecord>): {
  take(n: number): Promise<PatientRecord[]>;
  close(): Promise<void>;
} {
  if (Symbol.iterator in records) {
    const it = (records as Iterable<PatientRecord>)[Symbol.iterator]();
    let done = false;
    return {
      async take(n) {
        const out: PatientRecord[] = [];
        while (!done && out.length < n) {
          const r = it.next();
          if (r.done) done = true;
          else out.push(r.value);
        }
        return out;
      },
      async close() {
        if (!done) it.return?.();
      },
    };
  }
  const it = (records as AsyncIterable<PatientRecord>)[Symbol.asyncIterator]();
  let done = false;
  return {
    async take(n) {
      const out: PatientRecord[] = [];
      while (!done && out.length < n) {
        const r = await it.next();
        if (r.done) done = true;
        else out.push(r.value);
      }
      return out;
    },
    async close() {
      if (!done) await it.return?.();
    },
  };
}
