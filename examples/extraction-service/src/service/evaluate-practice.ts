import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createGzip } from 'node:zlib';
import {
  type AggregateResult,
  type BoundSpec,
  compileSpecToSql,
  createTally,
  evaluatePopulation,
  type PatientRecord,
  type SqlConnection,
  sqlAggregates,
  sqlPatientLevelRecords,
} from '@gpes/extract-core';
import {
  encodeQueryResults,
  type QrAggregateRecord,
  type QrPatientLevelRecord,
  type QrRecord,
  type QueryResultsHeader,
  shouldCompress,
} from '@gpes/messages';
import type { FileStateStore } from '../state/store.js';

/** What the evaluation of one practice produced, ready to be queued for sending. */
export interface PracticeExtract {
  /** Spool file name of the Query Results document (gzip-compressed when `compressed`). */
  readonly file: string;
  readonly bytes: number;
  readonly compressed: boolean;
  readonly patients: number;
  readonly aggregates: readonly QrAggregateRecord[];
  readonly patientRecords: number;
}

/** A database holding the practices' records in @gpes/extract-core's input model (tables or views). */
export interface PracticeDatabase {
  readonly connection: SqlConnection;
  /** Schema of the input model. @default 'gpes' */
  readonly schema?: string;
}

export interface EvaluatePracticeOptions {
  readonly store: FileStateStore;
  readonly bound: BoundSpec;
  readonly records: () => AsyncIterable<PatientRecord> | Iterable<PatientRecord>;
  /**
   * Evaluate inside this database instead (the SQL runner over the input model): `records` is then not read.
   * `practiceId` is the practice's `practice_id` there.
   */
  readonly database?: PracticeDatabase & { readonly practiceId: string };
  /** Everything of the header except the execution statistics, which are measured here. */
  readonly header: (execution: { start: string; end: string }) => QueryResultsHeader;
  readonly fileBase: string;
  readonly now: () => string;
  /** Called every `progressEvery` patients of the first pass (a test may throw here: `mid-evaluation`). */
  readonly onProgress: (patients: number) => void;
  readonly progressEvery?: number;
  /** Payload compression threshold. @default the @gpes/messages registry's proposal (gzip above 1 MiB) */
  readonly compress?: (bytes: number) => boolean;
  /** RTP Show-Descriptions: write the optional friendly names (aggregate `Description`). */
  readonly showDescriptions: boolean;
  readonly signal: AbortSignal;
}

/**
 * Evaluates one practice and writes its Query Results document to the spool.
 *
 * Aggregate records come first in the document, as in the v6.0 sample, but are known only once every patient has
 * been seen. Rather than hold patient-level records in memory, a specification with patient-level outputs is
 * evaluated twice: evaluation is deterministic (P21), so the second pass yields exactly the records the first
 * counted, and memory stays bounded by one patient whatever the practice size.
 */
export async function evaluatePractice(options: EvaluatePracticeOptions): Promise<PracticeExtract> {
  const { store, signal } = options;
  const start = options.now();
  const pass = options.database ? await sqlPass(options, options.database) : await jsPass(options);
  const aggregates: QrAggregateRecord[] = pass.aggregates.map((a) => ({
    kind: 'aggregate',
    aid: a.aid,
    value: a.value,
    ...(options.showDescriptions && a.description !== undefined ? { description: a.description } : {}),
  }));
  const end = options.now();
  const { patients } = pass;
  let patientRecords = 0;

  async function* records(): AsyncGenerator<QrRecord> {
    yield* aggregates;
    if (!pass.hasPatientLevel) return;
    for await (const record of pass.patientLevel()) {
      patientRecords++;
      yield record;
    }
  }

  const plain = `${options.fileBase}.xml`;
  const bytes = await store.writeSpool(
    plain,
    encodeQueryResults(options.header({ start, end }), records()),
    signal,
  );
  const compress = options.compress ?? shouldCompress;
  if (!compress(bytes)) {
    return { file: plain, bytes, compressed: false, patients, aggregates, patientRecords };
  }
  // Payload compression (Mex-Content-Compressed: Y), not MESH transport compression: GPES receives the gzip file.
  const gzipped = `${options.fileBase}.xml.gz`;
  const compressedBytes = await store.writeSpool(gzipped, gzipFile(store.spoolPath(plain)), signal);
  await rm(store.spoolPath(plain), { force: true });
  return { file: gzipped, bytes: compressedBytes, compressed: true, patients, aggregates, patientRecords };
}

/** One evaluation pass: the aggregates and counts, and a way to stream the patient-level records afterwards. */
interface Pass {
  readonly aggregates: readonly AggregateResult[];
  readonly patients: number;
  /** False when no patient qualified for a patient-level record (the JS pass knows; SQL streams and sees). */
  readonly hasPatientLevel: boolean;
  patientLevel(): AsyncIterable<QrPatientLevelRecord>;
}

async function jsPass(options: EvaluatePracticeOptions): Promise<Pass> {
  const { bound, signal } = options;
  const every = options.progressEvery ?? 1000;
  const tally = createTally(bound);
  let patients = 0;
  let patientRecords = 0;
  for await (const result of evaluatePopulation(bound, options.records(), { signal })) {
    tally.add(result);
    if (result.patientLevel) patientRecords++;
    patients++;
    if (patients % every === 0) options.onProgress(patients);
  }
  return {
    aggregates: tally.aggregates(),
    patients,
    hasPatientLevel: patientRecords > 0,
    async *patientLevel() {
      for await (const result of evaluatePopulation(bound, options.records(), { signal })) {
        if (!result.patientLevel) continue;
        yield {
          kind: 'patient-level',
          patientTables: result.patientLevel.patientTables,
          journalsTables: result.patientLevel.journalsTables,
        };
      }
    },
  };
}

async function sqlPass(
  options: EvaluatePracticeOptions,
  database: PracticeDatabase & { practiceId: string },
): Promise<Pass> {
  const { connection: db, practiceId } = database;
  const schema = database.schema ?? 'gpes';
  const program = compileSpecToSql(options.bound, { schema });
  const aggregates = await sqlAggregates(program, db, practiceId);
  // The identifier is checked by compileSpecToSql; the practice is a bind parameter.
  const [counted] = await db.query(
    `SELECT count(*) AS n FROM ${program.schema}.patient WHERE practice_id = $1::text`,
    [practiceId],
  );
  const patients = Number(counted?.n ?? 0);
  options.onProgress(patients);
  return {
    aggregates,
    patients,
    hasPatientLevel: program.patientLevel !== undefined,
    async *patientLevel() {
      for await (const { record } of sqlPatientLevelRecords(program, db, practiceId, {
        signal: options.signal,
      })) {
        yield record;
      }
    },
  };
}

async function* gzipFile(path: string): AsyncGenerator<Uint8Array> {
  const gzip = createGzip();
  const source = createReadStream(path);
  source.on('error', (error) => gzip.destroy(error));
  source.pipe(gzip);
  yield* gzip;
}
