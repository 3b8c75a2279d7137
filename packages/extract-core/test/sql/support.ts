// Differential harness: the SQL runner against the JS evaluator on the same records. All data is synthetic.
import {
  type AggregateResult,
  type BoundSpec,
  compileSpecToSql,
  createTally,
  evaluateSql,
  inputModelDdl,
  loadPatientRecords,
  openPglite,
  type PatientRecord,
  type PatientResult,
  type SqlConnection,
  type SqlProgram,
  sqlAggregates,
  sqlPatientLevelRecords,
  toQrPatientLevelRecord,
} from '@gpes/extract-core';

/** Connection string of a real PostgreSQL server (set by `.ci/run`); the suites also run there when it is set. */
export const PG_URL = process.env.GPES_TEST_PG_URL;

/** The databases the differential suites run on: PGlite always, a real server when configured. */
export const engines: readonly ('pglite' | 'postgres')[] = PG_URL ? ['pglite', 'postgres'] : ['pglite'];

/** Opens an empty input model on an engine, in a schema of its own (so suites can share a server). */
export async function openEngine(engine: 'pglite' | 'postgres', schema: string): Promise<SqlConnection> {
  let db: SqlConnection;
  if (engine === 'pglite') db = await openPglite();
  else {
    const { connectPostgres } = await import('@gpes/extract-core');
    db = await connectPostgres(PG_URL as string);
  }
  await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await db.exec(inputModelDdl(schema));
  return db;
}

function byId(a: { patientId: string }, b: { patientId: string }): number {
  return a.patientId < b.patientId ? -1 : a.patientId > b.patientId ? 1 : 0;
}

/** What the evaluator gives, in the SQL runner's order and shape (no diagnostics, patient level apart). */
function jsSide(bound: BoundSpec, records: Iterable<PatientRecord>) {
  const tally = createTally(bound);
  const results: PatientResult[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    if (seen.has(r.patient.patientId)) continue;
    seen.add(r.patient.patientId);
    const res = bound.evaluate(r);
    tally.add(res);
    results.push(res);
  }
  results.sort(byId);
  const patientLevel = results.flatMap((r) => {
    const rec = toQrPatientLevelRecord(r);
    return rec ? [{ patientId: r.patientId, record: rec }] : [];
  });
  const strip = results.map(({ diagnostics: _d, patientLevel: _p, ...rest }) => ({
    ...rest,
    diagnostics: [],
  }));
  return { results: strip, aggregates: tally.aggregates(), patientLevel };
}

export interface Comparison {
  readonly patients: number;
  readonly differences: readonly string[];
  readonly aggregates: { readonly js: readonly AggregateResult[]; readonly sql: readonly AggregateResult[] };
  readonly program: SqlProgram;
}

/**
 * Loads `records` (one practice) into `db`'s `schema`, runs both ways and lists the differences by patient id and
 * part (no values).
 */
export async function compare(
  db: SqlConnection,
  schema: string,
  bound: BoundSpec,
  records: Iterable<PatientRecord>,
  practiceId: string,
  options: { readonly load?: boolean } = {},
): Promise<Comparison> {
  if (options.load !== false) {
    await db.exec(`TRUNCATE ${schema}.patient, ${schema}.registration, ${schema}.journal`);
    await loadPatientRecords(db, records, { schema });
  }
  const program = compileSpecToSql(bound, { schema });
  const js = jsSide(bound, records);
  const differences: string[] = [];
  const sqlResults: PatientResult[] = [];
  for await (const r of evaluateSql(program, db, practiceId)) sqlResults.push(r);
  if (sqlResults.length !== js.results.length)
    differences.push(`patients: ${sqlResults.length} vs ${js.results.length}`);
  const n = Math.min(sqlResults.length, js.results.length);
  for (let i = 0; i < n && differences.length < 20; i++) {
    const a = js.results[i] as PatientResult;
    const b = sqlResults[i] as PatientResult;
    for (const part of ['patientId', 'excluded', 'fields', 'populations', 'indicators', 'counts'] as const) {
      if (JSON.stringify(a[part]) !== JSON.stringify(b[part])) {
        differences.push(
          `${a.patientId} ${part}: js ${JSON.stringify(a[part])} sql ${JSON.stringify(b[part])}`,
        );
      }
    }
  }
  const sqlPl: { patientId: string; record: unknown }[] = [];
  for await (const r of sqlPatientLevelRecords(program, db, practiceId)) sqlPl.push(r);
  if (sqlPl.length !== js.patientLevel.length) {
    differences.push(`patient-level records: ${sqlPl.length} vs ${js.patientLevel.length}`);
  }
  for (let i = 0; i < Math.min(sqlPl.length, js.patientLevel.length) && differences.length < 40; i++) {
    const a = js.patientLevel[i];
    const b = sqlPl[i];
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      differences.push(`patient-level ${a?.patientId}: js ${JSON.stringify(a)} sql ${JSON.stringify(b)}`);
    }
  }
  const sqlAgg = await sqlAggregates(program, db, practiceId);
  if (JSON.stringify(sqlAgg) !== JSON.stringify(js.aggregates)) differences.push('aggregates');
  return {
    patients: js.results.length,
    differences,
    aggregates: { js: js.aggregates, sql: sqlAgg },
    program,
  };
}
