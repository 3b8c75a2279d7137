/**
 * Benchmark: DM017 evaluated inside PostgreSQL (compileSpecToSql, results streamed back through a cursor) against
 * reading the same rows out with `pg` and evaluating them in JavaScript, over the same database, in one run.
 *
 * Method. PRACTICES practices of PER_PRACTICE synthetic patients (default 1,000 × 1,000 = 1,000,000 patients with
 * about 40 journal entries each) are loaded into a throwaway PostgreSQL server (bench/postgres-server.ts), then
 * ANALYZEd. Each path then runs in a child process of its own, so that each reports its own peak RSS, over every
 * practice in turn:
 *   - sql: the tally (one statement) and every patient's result through a server-side cursor;
 *   - js: the practice's rows read with `pg` (readPracticeRecords), each patient evaluated, tallied.
 * Times are wall-clock: the SQL path's work happens in the server process. Both paths must give the same tallies.
 *
 * Environment: BENCH_SQL_PRACTICES (default 1000), BENCH_SQL_PER_PRACTICE (default 1000), GPES_BENCH_PG_URL (use
 * an existing server instead of starting one).
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import {
  compileSpec,
  compileSpecToSql,
  connectPostgres,
  createTally,
  evaluateSql,
  inputModelDdl,
  loadPatientRecords,
  loadSpec,
  readPracticeRecords,
  type SqlConnection,
  sqlAggregates,
} from '@gpes/extract-core';
import { generatePopulation } from '@gpes/extract-core/testing';
import { bindDm017, DM017_REFERENCE_DATE } from './dm017-spec.js';
import { startBenchServer } from './postgres-server.js';

const PRACTICES = Number(process.env.BENCH_SQL_PRACTICES ?? 1000);
const PER_PRACTICE = Number(process.env.BENCH_SQL_PER_PRACTICE ?? 1000);
const SCHEMA = 'gpes';
const practiceId = (i: number) => `B${String(i).padStart(5, '0')}`;

function bench(name: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  console.log(`BENCH ${JSON.stringify({ name, value: Math.round(value * 1000) / 1000, unit, ...extra })}`);
}

/** One path over every practice, in this process: elapsed ms, peak RSS and the summed tally (to compare). */
async function phase(kind: 'sql' | 'js', url: string): Promise<void> {
  const bound = await bindDm017({ compileSpec, loadSpec });
  const program = compileSpecToSql(bound, { schema: SCHEMA });
  const db = await connectPostgres(url, { max: 1 });
  const totals = new Map<string, number>();
  const started = performance.now();
  let patients = 0;
  try {
    for (let i = 0; i < PRACTICES; i++) {
      const practice = practiceId(i);
      if (kind === 'sql') {
        for await (const _ of evaluateSql(program, db, practice, { batchSize: 2000 })) patients++;
        for (const a of await sqlAggregates(program, db, practice)) {
          totals.set(a.aid, (totals.get(a.aid) ?? 0) + Number(a.value));
        }
      } else {
        const tally = createTally(bound);
        for await (const record of readPracticeRecords(db, practice, { schema: SCHEMA })) {
          tally.add(bound.evaluate(record));
          patients++;
        }
        for (const a of tally.aggregates()) totals.set(a.aid, (totals.get(a.aid) ?? 0) + Number(a.value));
      }
    }
  } finally {
    await db.close();
  }
  const ms = performance.now() - started;
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ ms, rssMiB, patients, totals: [...totals] }));
}

async function load(db: SqlConnection): Promise<{ patients: number; entries: number; ms: number }> {
  const started = performance.now();
  await db.exec(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await db.exec(inputModelDdl(SCHEMA));
  let patients = 0;
  let entries = 0;
  for (let i = 0; i < PRACTICES; i++) {
    const population = generatePopulation({
      seed: `bench-sql-${i}`,
      size: PER_PRACTICE,
      referenceDate: DM017_REFERENCE_DATE,
      practiceOdsCode: practiceId(i),
    });
    const n = await loadPatientRecords(db, population, { schema: SCHEMA, batchSize: 1000 });
    patients += n.patients;
    entries += n.entries;
  }
  await db.exec(`ANALYZE ${SCHEMA}.patient; ANALYZE ${SCHEMA}.registration; ANALYZE ${SCHEMA}.journal;`);
  return { patients, entries, ms: performance.now() - started };
}

function runPhase(
  kind: 'sql' | 'js',
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
  if (at >= 0) return phase(process.argv[at + 1] as 'sql' | 'js', process.argv[at + 2] as string);
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
    if (JSON.stringify(sql.totals) !== JSON.stringify(js.totals)) {
      throw new Error(
        `the SQL and JS paths disagree: ${JSON.stringify(sql.totals)} vs ${JSON.stringify(js.totals)}`,
      );
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
    bench('extract-core.sql.sqlPath.peakRss', sql.rssMiB, 'MiB', {
      baseline: 256,
      ratio: sql.rssMiB / 256,
      target: '< 1',
    });
    bench('extract-core.sql.jsPath.peakRss', js.rssMiB, 'MiB');
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
