import type { BoundSpec } from '../compile/types.js';
import type { PatientRecord } from '../record.js';
import { idText } from './context.js';
import { type BoundSpecSet, setCounter } from './set.js';
import { aggregatesFromCounts, createTally } from './tally.js';
import type { AggregateResult, PatientResult } from './types.js';

/** Options of {@link evaluatePopulation}. */
export interface EvaluatePopulationOptions {
  /** Stops the evaluation: the iterator rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

const EMPTY_OBJ: Readonly<Record<string, never>> = Object.freeze({});

function duplicate(patientId: string): PatientResult {
  return {
    patientId,
    excluded: 'DUPLICATE_PATIENT',
    fields: EMPTY_OBJ,
    populations: EMPTY_OBJ,
    indicators: EMPTY_OBJ,
    counts: EMPTY_OBJ,
    diagnostics: [
      {
        code: 'DUPLICATE_PATIENT',
        message: 'a patient id seen earlier in this run: only the first occurrence counts',
      },
    ],
  };
}

function isAsyncIterable<T>(x: Iterable<T> | AsyncIterable<T>): x is AsyncIterable<T> {
  return typeof (x as AsyncIterable<T>)[Symbol.asyncIterator] === 'function';
}

/**
 * Evaluates a practice's patients as a stream: one result per input record, in input order (P21), holding only
 * one record at a time (plus the set of patient ids seen, for P3). A later occurrence of a patient id gives a
 * result with `excluded: 'DUPLICATE_PATIENT'` that counts towards nothing.
 * @param spec a bound spec.
 * @param records the practice's records, sync or async.
 * @param options `signal` to stop early.
 * @returns an async iterable of results.
 * @throws the abort reason (not wrapped) when `signal` aborts.
 */
export async function* evaluatePopulation(
  spec: BoundSpec,
  records: Iterable<PatientRecord> | AsyncIterable<PatientRecord>,
  options: EvaluatePopulationOptions = {},
): AsyncIterable<PatientResult> {
  yield* stream(records, options, (record) => spec.evaluate(record), duplicate);
}

/**
 * Evaluates a practice's patients for every specification of a set, as a stream: one list of results per input
 * record (result `i` for `set.specs[i]`), in input order, each list exactly what {@link evaluatePopulation} gives
 * for that specification (duplicates included).
 * @param set a bound specification set (`compileSpecSet(...).bind(run)`).
 * @param records the practice's records, sync or async.
 * @param options `signal` to stop early.
 * @throws the abort reason (not wrapped) when `signal` aborts.
 */
export async function* evaluateSpecSet(
  set: BoundSpecSet,
  records: Iterable<PatientRecord> | AsyncIterable<PatientRecord>,
  options: EvaluatePopulationOptions = {},
): AsyncIterable<readonly PatientResult[]> {
  yield* stream(
    records,
    options,
    (record) => set.evaluate(record),
    (key) => set.specs.map(() => duplicate(key)),
  );
}

/**
 * The aggregate results of every specification of a set over a practice's patients: list `i` is exactly
 * `createTally(set.specs[i]).aggregates()` after adding every result {@link evaluateSpecSet} gives. Computed in one
 * pass per patient without building per-patient results (no fields, outcomes or diagnostics are kept), so it is
 * the fastest way to the `Aggregate-Record`s of many specifications. Excluded patients and later occurrences of a
 * patient id count towards nothing (P19, P3).
 * @param set a bound specification set.
 * @param records the practice's records, sync or async.
 * @param options `signal` to stop early.
 * @throws the abort reason (not wrapped) when `signal` aborts.
 */
export async function aggregateSpecSet(
  set: BoundSpecSet,
  records: Iterable<PatientRecord> | AsyncIterable<PatientRecord>,
  options: EvaluatePopulationOptions = {},
): Promise<AggregateResult[][]> {
  const counter = setCounter(set);
  if (!counter) {
    const tallies = set.specs.map((s) => createTally(s));
    for await (const results of evaluateSpecSet(set, records, options)) {
      results.forEach((r, i) => {
        tallies[i]?.add(r);
      });
    }
    return tallies.map((t) => [...t.aggregates()]);
  }
  const counts = counter.slots;
  const one = firstOccurrences(
    (record) => counter.count(record, counts),
    () => undefined,
  );
  const { signal } = options;
  signal?.throwIfAborted();
  // A plain loop for a list: nothing is yielded, so an async generator per record would only add cost.
  if (isAsyncIterable(records)) {
    for await (const record of records) {
      signal?.throwIfAborted();
      one(record);
    }
  } else {
    for (const record of records) {
      signal?.throwIfAborted();
      one(record);
    }
  }
  return set.specs.map((spec, i) => aggregatesFromCounts(spec, counter.byKey(i, counts[i] as Float64Array)));
}

/** P3: `evaluate` for the first record with a patient id, `duplicateOf` for every later one. */
function firstOccurrences<T>(
  evaluate: (record: PatientRecord) => T,
  duplicateOf: (patientId: string) => T,
): (record: PatientRecord) => T {
  const seen = new Set<string>();
  return (record) => {
    const key = idText(record?.patient?.patientId);
    if (seen.has(key)) return duplicateOf(key);
    seen.add(key);
    return evaluate(record);
  };
}

/** Streams records through `evaluate` in input order; a patient id seen earlier gets `duplicateOf` (P3). */
async function* stream<T>(
  records: Iterable<PatientRecord> | AsyncIterable<PatientRecord>,
  options: EvaluatePopulationOptions,
  evaluate: (record: PatientRecord) => T,
  duplicateOf: (patientId: string) => T,
): AsyncIterable<T> {
  const { signal } = options;
  signal?.throwIfAborted();
  const one = firstOccurrences(evaluate, duplicateOf);
  if (isAsyncIterable(records)) {
    for await (const record of records) {
      signal?.throwIfAborted();
      yield one(record);
    }
  } else {
    for (const record of records) {
      signal?.throwIfAborted();
      yield one(record);
    }
  }
}
