import type { QrAggregateRecord, QrPatientLevelRecord, QrRecord } from '@gpes/messages';
import type { BoundSpec } from '../compile/types.js';
import { aggregateSpecSet, evaluatePopulation, evaluateSpecSet } from '../evaluate/population.js';
import type { BoundSpecSet } from '../evaluate/set.js';
import { createTally } from '../evaluate/tally.js';
import type { AggregateResult, PatientResult } from '../evaluate/types.js';
import type { PatientRecord } from '../record.js';

/** Maps aggregate results to `@gpes/messages` Query Results `Aggregate-Record`s (RIDs left to the encoder). */
export function toQrAggregateRecords(aggregates: readonly AggregateResult[]): QrAggregateRecord[] {
  return aggregates.map((a) => ({
    kind: 'aggregate',
    aid: a.aid,
    ...(a.description !== undefined ? { description: a.description } : {}),
    value: a.value,
  }));
}

/** Maps a patient's result to a Query Results `Patient-Level-Record`, or undefined when it has none (§5.3). */
export function toQrPatientLevelRecord(result: PatientResult): QrPatientLevelRecord | undefined {
  if (result.excluded !== undefined || !result.patientLevel) return undefined;
  return {
    kind: 'patient-level',
    patientTables: result.patientLevel.patientTables,
    journalsTables: result.patientLevel.journalsTables,
  };
}

/** Options of {@link queryResultsRecords}. */
export interface QueryResultsRecordsOptions {
  readonly signal?: AbortSignal;
  /** Called with every patient result of the first pass (e.g. to count diagnostics). */
  readonly onResult?: (result: PatientResult) => void;
}

/**
 * Streams a practice's Query Results records in message order: every `Aggregate-Record` first (as in the v6.0
 * sample), then one `Patient-Level-Record` per selected patient in input order. Memory stays bounded because the
 * records are read twice rather than held: pass one tallies the aggregates, pass two (only when the spec has
 * patient-level extracts) produces the patient-level records. Evaluation is deterministic (P21), so both passes
 * see the same results.
 * @param spec a bound spec.
 * @param records a function returning the practice's records; it is called once or twice.
 */
export async function* queryResultsRecords(
  spec: BoundSpec,
  records: () => Iterable<PatientRecord> | AsyncIterable<PatientRecord>,
  options: QueryResultsRecordsOptions = {},
): AsyncIterable<QrRecord> {
  const signal = options.signal;
  const tally = createTally(spec);
  for await (const result of evaluatePopulation(spec, records(), signal ? { signal } : {})) {
    tally.add(result);
    options.onResult?.(result);
  }
  yield* toQrAggregateRecords(tally.aggregates());
  const hasPatientLevel = spec.spec.document.outputs.some((o) => o.type === 'patientLevelExtract');
  if (!hasPatientLevel) return;
  for await (const result of evaluatePopulation(spec, records(), signal ? { signal } : {})) {
    const record = toQrPatientLevelRecord(result);
    if (record) yield record;
  }
}

/** Options of {@link queryResultsRecordsOfSet}. */
export interface QueryResultsRecordsOfSetOptions {
  readonly signal?: AbortSignal;
  /** Called with every patient's results (one per specification) of the first pass. */
  readonly onResults?: (results: readonly PatientResult[]) => void;
}

/**
 * Streams the Query Results records of every specification of a set, each tagged with its specification's index:
 * one message per specification. Pass one evaluates the set once per patient and tallies every specification;
 * then come the `Aggregate-Record`s of specification 0, 1, …; pass two (only when a specification has
 * patient-level extracts) yields each patient's `Patient-Level-Record`s in input order. Taken per `spec`, the
 * records are exactly those of {@link queryResultsRecords} for that specification.
 * @param set a bound specification set.
 * @param records a function returning the practice's records; it is called once or twice.
 */
export async function* queryResultsRecordsOfSet(
  set: BoundSpecSet,
  records: () => Iterable<PatientRecord> | AsyncIterable<PatientRecord>,
  options: QueryResultsRecordsOfSetOptions = {},
): AsyncIterable<{ readonly spec: number; readonly record: QrRecord }> {
  const signal = options.signal;
  let aggregates: readonly (readonly AggregateResult[])[];
  if (options.onResults) {
    const tallies = set.specs.map((s) => createTally(s));
    for await (const results of evaluateSpecSet(set, records(), signal ? { signal } : {})) {
      for (const [i, r] of results.entries()) tallies[i]?.add(r);
      options.onResults(results);
    }
    aggregates = tallies.map((t) => t.aggregates());
  } else {
    // Nobody needs the per-patient results of pass one: count without building them.
    aggregates = await aggregateSpecSet(set, records(), signal ? { signal } : {});
  }
  for (const [spec, list] of aggregates.entries()) {
    for (const record of toQrAggregateRecords(list)) yield { spec, record };
  }
  const hasPatientLevel = set.specs.some((s) =>
    s.spec.document.outputs.some((o) => o.type === 'patientLevelExtract'),
  );
  if (!hasPatientLevel) return;
  for await (const results of evaluateSpecSet(set, records(), signal ? { signal } : {})) {
    for (const [spec, result] of results.entries()) {
      const record = toQrPatientLevelRecord(result);
      if (record) yield { spec, record };
    }
  }
}
