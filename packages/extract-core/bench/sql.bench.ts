/**
 * Benchmark: DM017 evaluated inside PostgreSQL (compileSpecToSql) against reading the same rows out with `pg` and
 * evaluating them in JavaScript, over the same database, in one run.
 *
 * Method. PRACTICES practices of PER_PRACTICE synthetic patients (default 1,000 × 1,000 = 1,000,000 patients with
 * about 40 journal entries each) are loaded into a throwaway PostgreSQL server (bench/postgres-server.ts), indexed
 * as inputModelDdl says, then ANALYZEd. Each path then runs in a child process of its own, so that each reports
 * its own peak RSS, over every practice in turn, producing what an extraction service sends:
 *   - sql: the practice's Query Results records from the database (sqlQueryResultsRecords);
 *   - js: the practice's rows read with `pg` (readPracticeRecords) and evaluated (queryResultsRecords);
 *   - sqlPatients (reported beside them): every patient's result streamed through a server-side cursor
 *     (evaluateSql), for a caller that needs per-patient results rather than the message.
 * Times are wall-clock: the SQL path's work happens in the server process. The paths must agree.
 *
 * Environment: BENCH_SQL_PRACTICES (default 1000), BENCH_SQL_PER_PRACTICE (default 1000),
 * BENCH_SQL_DISTINCT_PRACTICES (default 50, see `load`), GPES_BENCH_PG_URL (use an existing server instead of
 * starting one).
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import {
  compileSpec,
  compileSpecToSql,
  connectPostgres,
  evaluateSql,
  inputModelDdl,
  loadPatientRecords,
  loadSpec,
  queryResultsRecords,
  readPracticeRecords,
  type SqlConnection,
  sqlQueryResultsRecords,
} from '@gpes/extract-core';
import { generatePopulation } from '@gpes/extract-core/testing';
import type { QrRecord } from '@gpes/messages';
import { bindDm017, DM017_REFERENCE_DATE } from './dm017-spec.js';
import { startBenchServer } from './postgres-server.js';

const PRACTICES = Number(process.env.BENCH_SQL_PRACTICES ?? 1000);
const PER_PRACTICE = Number(process.env.BENCH_SQL_PER_PRACTICE ?? 1000);
const DISTINCT = Number(process.env.BENCH_SQL_DISTINCT_PRACTICES ?? 50);
const SCHEMA = 'gpes';
const practiceId = (i: number) => `B${String(i).padStart(5, '0')}`;

function bench(name: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  console.log(`BENCH ${JSON.stringify({ name, value: Math.round(value * 1000) / 1000, unit, ...extra })}`);
}

type PathKind = 'sql' | 'sqlPatients' | 'js';

/** One path over every practice, in this process: elapsed ms, peak RSS and what it produced (to compare). */
async function phase(kind: PathKind, url: string): Promise<void> {
  const bound = await bindDm017({ compileSpec, loadSpec });
  const program = compileSpecToSql(bound, { schema: SCHEMA });
  const db = await connectPostgres(url, { max: 1 });
  const totals = new Map<string, number>();
  const add = (records: readonly QrRecord[]) => {
    for (const r of records) {
      const key = r.kind === 'aggregate' ? r.aid : 'patient-level records';
      totals.set(key, (totals.get(key) ?? 0) + (r.kind === 'aggregate' ? Number(r.value) : 1));
    }
  };
  const started = performance.now();
  let patients = 0;
  try {
    for (let i = 0; i < PRACTICES; i++) {
      const practice = practiceId(i);
      if (kind === 'sql') {
        add(await collect(sqlQueryResultsRecords(program, db, practice)));
      } else if (kind === 'sqlPatients') {
        for await (const _ of evaluateSql(program, db, practice, { batchSize: 2000 })) patients++;
      } else {
        const records = () => readPracticeRecords(db, practice, { schema: SCHEMA });
        add(await collect(queryResultsRecords(bound, records, { onResult: () => patients++ })));
      }
    }
  } finally {
    await db.close();
  }
  const ms = performance.now() - started;
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ ms, rssMiB, patients, totals: [...totals] }));
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/**
 * Loads PRACTICES practices: DISTINCT of them generated and written with loadPatientRecords, the others copies
 * of those (practice k is a copy of practice k mod DISTINCT under its own code) made by the server, because
 * writing 40 million generated rows through bind parameters would take most of the run. Rows are written in
 * practice order, as a bulk load would; the indexes are built afterwards.
 */
async function load(db: SqlConnection): Promise<{ patients: number; entries: number; ms: number }> {
  const started = performance.now();
  const distinct = Math.min(DISTINCT, PRACTICES);
  await db.exec(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await db.exec(inputModelDdl(SCHEMA, { indexes: false }));
  for (let i = 0; i < distinct; i++) {
    const population = generatePopulation({
      seed: `bench-sql-${i}`,
      size: PER_PRACTICE,
      referenceDate: DM017_REFERENCE_DATE,
      practiceOdsCode: practiceId(i),
    });
    await loadPatientRecords(db, population, { schema: SCHEMA, batchSize: 1000 });
  }
  for (const table of ['patient', 'registration', 'journal']) {
    const cols = (
      await db.query(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name <> 'practice_id' ORDER BY ordinal_position`,
        [SCHEMA, table],
      )
    ).map((r) => String(r.column_name));
    for (let from = distinct; from < PRACTICES; from += distinct) {
      await db.query(
        `INSERT INTO ${SCHEMA}.${table} (practice_id, ${cols.join(', ')})
         SELECT 'B' || lpad((k.n)::text, 5, '0'), ${cols.map((c) => `t.${c}`).join(', ')}
         FROM generate_series($1::int, $2::int) AS k(n)
         JOIN ${SCHEMA}.${table} t ON t.practice_id = 'B' || lpad((k.n % $3::int)::text, 5, '0')
         ORDER BY k.n`,
        [from, Math.min(from + distinct, PRACTICES) - 1, distinct],
      );
    }
  }
  await db.exec(inputModelDdl(SCHEMA));
  await db.exec(`ANALYZE ${SCHEMA}.patient; ANALYZE ${SCHEMA}.registration; ANALYZE ${SCHEMA}.journal;`);
  const count = async (table: string) =>
    Number((await db.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.${table}`))[0]?.n);
  return {
    patients: await count('patient'),
    entries: await count('journal'),
    ms: performance.now() - started,
  };
}

function runPhase(
  kind: PathKind,
  url: string,
): { ms: number; rssMiB: number; patients: number; totals: unknown } {
  const out = execFileSync(
    process.execPath,
    [...process.execArgv, new URL(import.meta.url).pathname, '--phase', kind, url],
    {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--phase');
  if (at >= 0) return phase(process.argv[at + 1] as PathKind, process.argv[at + 2] as string);
  const server = await startBenchServer();
  if (!server) {
    bench('extract-core.sql.skipped', 0, 'none', {
      reason: 'no PostgreSQL server binaries and no GPES_BENCH_PG_URL',
    });
    return;
  }
  try {
    const db = await connectPostgres(server.url, { max: 1 });
    const loaded = await load(db);
    await db.close();
    const sql = runPhase('sql', server.url);
    const js = runPhase('js', server.url);
    const sqlPatients = runPhase('sqlPatients', server.url);
    if (JSON.stringify(sql.totals) !== JSON.stringify(js.totals)) {
      throw new Error(
        `the SQL and JS paths disagree: ${JSON.stringify(sql.totals)} vs ${JSON.stringify(js.totals)}`,
      );
    }
    if (sqlPatients.patients !== js.patients) {
      throw new Error(`evaluateSql gave ${sqlPatients.patients} patients, the JS path ${js.patients}`);
    }
    const common = {
      patients: loaded.patients,
      entries: loaded.entries,
      practices: PRACTICES,
      postgres: server.version,
    };
    bench('extract-core.sql.load', loaded.ms / 1000, 's', common);
    bench('extract-core.sql.sqlPath', sql.ms / 1000, 's', {
      ...common,
      baseline: js.ms / 1000,
      ratio: js.ms / sql.ms,
      target: '>= 3',
    });
    bench('extract-core.sql.jsPath', js.ms / 1000, 's', common);
    bench('extract-core.sql.sqlPatients', sqlPatients.ms / 1000, 's', {
      ...common,
      baseline: js.ms / 1000,
      ratio: js.ms / sqlPatients.ms,
    });
    bench('extract-core.sql.sqlPath.peakRss', sql.rssMiB, 'MiB', {
      baseline: 256,
      ratio: sql.rssMiB / 256,
      target: '< 1',
    });
    bench('extract-core.sql.jsPath.peakRss', js.rssMiB, 'MiB');
    bench('extract-core.sql.sqlPatients.peakRss', sqlPatients.rssMiB, 'MiB');
    bench('extract-core.sql.sqlPath.perPractice', sql.ms / PRACTICES, 'ms', {
      patientsPerPractice: PER_PRACTICE,
    });
    bench('extract-core.sql.jsPath.perPractice', js.ms / PRACTICES, 'ms', {
      patientsPerPractice: PER_PRACTICE,
    });
  } finally {
    server.stop();
  }
}

await main();
