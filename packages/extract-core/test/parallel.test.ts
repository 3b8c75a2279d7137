/**
 * The worker pool, run from the built package (dist/index.js and dist/index.cjs), because worker threads load the
 * built worker entry (dist/parallel-worker.{js,cjs}); `npm test` builds before it runs vitest. Results must be
 * identical to the single-threaded run of the same build. All records are synthetic.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DM017_REFERENCE_DATE, dm017RunContext, loadDm017Document } from '../bench/dm017-spec.js';
import { registerSetRun, registerSetSpecs } from '../bench/register-set-spec.js';
import type { PatientRecord, PatientResult, QuerySpecDocument, RunContext } from '../src/index.js';
import * as testing from '../src/testing/index.js';
import { generatePopulation } from '../src/testing/index.js';

type Api = typeof import('../src/index.js');

const DIST_ESM = new URL('../dist/index.js', import.meta.url).href;

let esm: Api;
let cjs: Api;
let spec: QuerySpecDocument;
const run = dm017RunContext();
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  if (!existsSync(fileURLToPath(new URL('../dist/parallel-worker.js', import.meta.url)))) {
    throw new Error(
      'build @gpes/extract-core first (npm test does): pnpm --filter @gpes/extract-core run build',
    );
  }
  esm = (await import(/* @vite-ignore */ DIST_ESM)) as Api;
  cjs = createRequire(import.meta.url)('../dist/index.cjs') as Api;
  spec = await loadDm017Document(esm);
});

afterAll(async () => {
  await Promise.all(open.map((pool) => pool.close()));
});

function population(seed: string, size: number, practiceOdsCode = 'Z99990'): PatientRecord[] {
  return [...generatePopulation({ seed, size, referenceDate: DM017_REFERENCE_DATE, practiceOdsCode })];
}

/** Repeats some records later in the stream, so duplicate handling (P3) is compared too. */
function withDuplicates(records: PatientRecord[]): PatientRecord[] {
  const out = [...records];
  for (let i = 0; i < records.length; i += 97) out.splice(Math.min(out.length, i * 2 + 13), 0, records[i]!);
  return out;
}

async function collect(results: AsyncIterable<PatientResult>): Promise<PatientResult[]> {
  const out: PatientResult[] = [];
  for await (const result of results) out.push(result);
  return out;
}

async function singleThreaded(api: Api, records: Iterable<PatientRecord>, context: RunContext = run) {
  const bound = await api.compileSpec(spec).bind(context);
  const results = await collect(api.evaluatePopulation(bound, records));
  const tally = api.createTally(bound);
  for (const result of results) tally.add(result);
  return { results, aggregates: tally.aggregates() };
}

async function pool(api: Api, options: Partial<Parameters<Api['createWorkerPool']>[0]> = {}) {
  const created = await api.createWorkerPool({ spec, run, workers: 2, batchSize: 64, ...options });
  open.push(created);
  return created;
}

describe('specification set worker pool (ESM build)', () => {
  it('gives evaluateSpecSet’s results, in input order, for every specification', async () => {
    const docs = registerSetSpecs(esm, testing);
    const setRun = registerSetRun([testing.TYPE1_DISSENT_CODE]);
    const records = withDuplicates(population('parallel-set', 800));
    const bound = await esm.compileSpecSet(docs).bind(setRun);
    const expected: (readonly PatientResult[])[] = [];
    for await (const results of esm.evaluateSpecSet(bound, records)) expected.push(results);
    const workers = await esm.createSpecSetWorkerPool({
      specs: docs,
      run: setRun,
      workers: 2,
      batchSize: 50,
    });
    open.push(workers);
    const got: (readonly PatientResult[])[] = [];
    for await (const results of workers.evaluatePopulation(records)) got.push(results);
    expect(got).toEqual(expected);
    expect(workers.set.specs.length).toBe(docs.length);
    const duplicates = got.filter((results) => results.every((r) => r.excluded === 'DUPLICATE_PATIENT'));
    expect(duplicates.length).toBeGreaterThan(5);
  });
});

describe('worker pool (ESM build)', () => {
  it('gives the same results, in input order, and the same aggregates as the single-threaded run', async () => {
    const records = withDuplicates(population('parallel-esm', 1200));
    const expected = await singleThreaded(esm, records);
    const workers = await pool(esm);
    const results = await collect(workers.evaluatePopulation(records));
    expect(results).toEqual(expected.results);
    const tally = esm.createTally(workers.spec);
    for (const result of results) tally.add(result);
    expect(tally.aggregates()).toEqual(expected.aggregates);
    expect(results.filter((r) => r.excluded === 'DUPLICATE_PATIENT').length).toBeGreaterThan(10);
    expect(Number(expected.aggregates[0]?.value)).toBeGreaterThan(30);
  });

  it('runs several practices at once on one pool, each stream in its own order', async () => {
    const practices = [population('practice-a', 400, 'Z99991'), population('practice-b', 300, 'Z99992')];
    const workers = await pool(esm, { batchSize: 16 });
    const [a, b] = await Promise.all(
      practices.map((records) => collect(workers.evaluatePopulation(records))),
    );
    expect(a).toEqual((await singleThreaded(esm, practices[0]!)).results);
    expect(b).toEqual((await singleThreaded(esm, practices[1]!)).results);
  });

  it('resolves the run context functions on the calling thread: subsumption answers and the sharing hook', async () => {
    const calls: string[] = [];
    const context: RunContext = {
      ...run,
      participation: {
        ...run.participation,
        ncrsDetailedCareRecordSharing: true,
        exclusionCodeStrings: [
          {
            codeSchemeId: esm.SNOMED_CT_OID,
            codeValues: [{ code: '73211009', includeChildren: true }],
          },
        ],
      },
      subsumption: {
        async descendantsOf(_scheme, code) {
          calls.push(code);
          return code === '73211009' ? ['44054006', '46635009'] : [];
        },
      },
      detailedCareRecordSharing: (record) => (record.patient.patientId.endsWith('3') ? 'exclude' : 'include'),
    };
    const records = population('parallel-context', 800);
    const expected = await singleThreaded(esm, records, context);
    const callsBefore = calls.length;
    const workers = await pool(esm, { run: context });
    const results = await collect(workers.evaluatePopulation(records));
    expect(results).toEqual(expected.results);
    // The provider is asked by the pool's own bind only, never by the workers.
    expect(calls.length - callsBefore).toBe(callsBefore);
    expect(results.some((r) => r.excluded === 'CARE_RECORD_SHARING')).toBe(true);
    expect(results.some((r) => r.excluded === 'EXCLUSION_CODE')).toBe(true);
  });

  it('stops early without hanging: break, abort, then the pool still works', async () => {
    const records = population('parallel-stop', 600);
    const workers = await pool(esm, { batchSize: 8 });
    let seen = 0;
    for await (const _ of workers.evaluatePopulation(records)) if (++seen === 20) break;
    expect(seen).toBe(20);
    const controller = new AbortController();
    const aborted = (async () => {
      for await (const _ of workers.evaluatePopulation(records, { signal: controller.signal }))
        controller.abort();
    })();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(await collect(workers.evaluatePopulation(records.slice(0, 50)))).toEqual(
      (await singleThreaded(esm, records.slice(0, 50))).results,
    );
  });
});

describe('worker pool (CommonJS build)', () => {
  it('evaluateInWorkers gives the single-threaded results', async () => {
    const records = population('parallel-cjs', 600);
    const results = await collect(cjs.evaluateInWorkers({ spec, run, records, workers: 2, batchSize: 50 }));
    expect(results).toEqual((await singleThreaded(cjs, records)).results);
  });
});

describe('worker pool failures', () => {
  it('surfaces a worker that runs out of memory as WORKER_FAILED and refuses further work', async () => {
    const workers = await pool(esm, { workers: 1, resourceLimits: { maxOldGenerationSizeMb: 12 } });
    expect(await collect(workers.evaluatePopulation(population('small', 20)))).toHaveLength(20);
    const huge: PatientRecord = {
      patient: { patientId: 'HUGE-1', practiceId: 'Z99990' },
      registrations: [],
      journal: Array.from({ length: 150_000 }, (_, i) => ({
        entryId: String(i),
        codeSystem: esm.SNOMED_CT_OID,
        code: '44054006',
        effectiveDate: '2020-01-01',
        recordedAt: '2020-01-01T00:00:00',
        kind: 'condition' as const,
        links: [`synthetic-link-${i}-${'x'.repeat(40)}`],
      })),
    };
    const failure = await collect(workers.evaluatePopulation([huge])).catch((error: unknown) => error);
    expect(esm.isWorkerPoolError(failure)).toBe(true);
    expect(cjs.isWorkerPoolError(failure)).toBe(true);
    expect(failure).toMatchObject({ code: 'WORKER_FAILED' });
    await expect(collect(workers.evaluatePopulation(population('after', 5)))).rejects.toMatchObject({
      code: 'WORKER_FAILED',
    });
  });

  it('fails createWorkerPool with WORKER_FAILED when a worker cannot start', async () => {
    await expect(
      esm.createWorkerPool({ spec, run, workers: 1, resourceLimits: { maxOldGenerationSizeMb: 1 } }),
    ).rejects.toMatchObject({ name: 'WorkerPoolError', code: 'WORKER_FAILED' });
  });

  it('reports a record that cannot be copied to a worker as RECORD_NOT_CLONEABLE', async () => {
    const [record] = population('uncloneable', 1);
    const bad = { ...record!, patient: { ...record!.patient, hook: () => 1 } } as PatientRecord;
    const workers = await pool(esm);
    await expect(collect(workers.evaluatePopulation([bad]))).rejects.toMatchObject({
      code: 'RECORD_NOT_CLONEABLE',
    });
  });

  it('rejects bad options and bad specs before any thread starts', async () => {
    await expect(esm.createWorkerPool({ spec, run, workers: 0 })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
    await expect(esm.createWorkerPool({ spec, run, batchSize: 1.5 })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
    const error = await esm.createWorkerPool({ spec: '<not-a-spec/>', run }).catch((e: unknown) => e);
    expect(esm.isSpecError(error)).toBe(true);
  });

  it('refuses work after close()', async () => {
    const workers = await pool(esm);
    await workers.close();
    await workers.close();
    await expect(collect(workers.evaluatePopulation(population('closed', 3)))).rejects.toMatchObject({
      code: 'POOL_CLOSED',
    });
  });
});
