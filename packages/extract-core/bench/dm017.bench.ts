/**
 * Benchmark: the DM017 register and its fields over a streamed synthetic population (default 1,000,000 patients
 * with about 40 journal entries each), against the hand-written single-purpose function over the same records in
 * the same run. Runs on the built package (`dist`), as vendors would.
 *
 * Method. Patients are generated in batches of BATCH. Each batch is generated once (timed on its own), then the
 * hand-written function runs over it (timed), then its records are handed one by one to a single
 * `evaluatePopulation` stream over the whole population, whose results go into a `createTally`. The general
 * evaluator's time is the stream's CPU time minus the generation and hand-written CPU time spent inside its source,
 * so neither side pays for generation and both see the same records. Memory: only one batch is alive at a time;
 * peak RSS is the process's maxRSS.
 *
 * Environment: BENCH_PATIENTS (default 1000000), BENCH_ENTRIES (default 40), BENCH_WORKERS (default 0: also time
 * the worker pool over BENCH_WORKER_PATIENTS patients when > 0).
 */
import { performance } from 'node:perf_hooks';
import { compileSpec, createTally, createWorkerPool, evaluatePopulation, loadSpec } from '@gpes/extract-core';
import { generatePopulation } from '@gpes/extract-core/testing';
import type { PatientRecord } from '../src/record.js';
import { type Dm017Run, dm017ByHand } from './dm017-by-hand.js';
import {
  bindDm017,
  DM017_REFERENCE_DATE,
  dm017HandRun,
  dm017RunContext,
  loadDm017Document,
} from './dm017-spec.js';

const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 1_000_000);
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 40);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 0);
const WORKER_PATIENTS = Number(process.env.BENCH_WORKER_PATIENTS ?? 100_000);
const BATCH = 100;

/**
 * CPU time of this process in ms. Sections are timed in CPU time, not wall time, so that other work on a shared
 * machine does not land in one side's figure; evaluation is single-threaded, so on an idle machine the two agree
 * (V8's helper GC threads make CPU time slightly larger, which only understates the rates).
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
const CHECKPOINT = Math.min(100_000, PATIENTS);

function bench(
  name: string,
  value: number,
  unit: string,
  baseline: number | null,
  ratio: number | null,
): void {
  const round = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
  console.log(
    `BENCH ${JSON.stringify({ name, value: round(value), unit, baseline: round(baseline), ratio: round(ratio) })}`,
  );
}

async function main(): Promise<void> {
  const bound = await bindDm017({ compileSpec, loadSpec });
  const handRun: Dm017Run = await dm017HandRun();
  const tally = createTally(bound);
  const population = generatePopulation({
    seed: 'bench-dm017',
    size: PATIENTS,
    referenceDate: DM017_REFERENCE_DATE,
    entriesPerPatient: ENTRIES,
  });

  let generationMs = 0;
  let handMs = 0;
  let handRegister = 0;
  let entries = 0;
  async function* source(): AsyncGenerator<PatientRecord> {
    const it = population[Symbol.iterator]();
    for (;;) {
      let t = cpuMs();
      const batch: PatientRecord[] = [];
      for (let i = 0; i < BATCH; i++) {
        const next = it.next();
        if (next.done) break;
        batch.push(next.value);
      }
      generationMs += cpuMs() - t;
      if (batch.length === 0) return;
      t = cpuMs();
      for (const record of batch) if (dm017ByHand(record, handRun).DM_REG?.selected) handRegister++;
      handMs += cpuMs() - t;
      for (const record of batch) entries += record.journal.length;
      yield* batch;
      if (batch.length < BATCH) return;
    }
  }

  let processed = 0;
  let atCheckpoint: { general: number; hand: number } | undefined;
  const start = cpuMs();
  const wallStart = performance.now();
  for await (const result of evaluatePopulation(bound, source())) {
    tally.add(result);
    if (++processed === CHECKPOINT) {
      atCheckpoint = { general: cpuMs() - start - generationMs - handMs, hand: handMs };
    }
  }
  const totalMs = cpuMs() - start;
  const wallMs = performance.now() - wallStart;
  const generalMs = totalMs - generationMs - handMs;
  const rssMiB = process.resourceUsage().maxRSS / 1024;

  const dm017 = tally.aggregates().find((a) => a.source.output === 'DM017');
  console.log(
    `dm017: ${processed} patients, ${(entries / Math.max(1, processed)).toFixed(1)} entries each; register ` +
      `general=${dm017?.value ?? '?'} hand-written=${handRegister}; wall ${(wallMs / 1000).toFixed(1)} s, ` +
      `CPU ${(totalMs / 1000).toFixed(1)} s (generation ${(generationMs / 1000).toFixed(1)} s, hand-written ${(handMs / 1000).toFixed(1)} s, ` +
      `general ${(generalMs / 1000).toFixed(1)} s)`,
  );
  if (dm017?.value !== String(handRegister)) {
    console.error('dm017: the general evaluator and the hand-written function disagree on the register size');
    process.exitCode = 1;
  }

  const generalRate = processed / (generalMs / 1000);
  const handRate = processed / (handMs / 1000);
  bench(
    'extract-core.dm017.general.patientsPerSecond',
    generalRate,
    'patients/s',
    handRate,
    generalRate / handRate,
  );
  bench('extract-core.dm017.handWritten.patientsPerSecond', handRate, 'patients/s', null, null);
  if (atCheckpoint && processed > CHECKPOINT) {
    const linear = (atCheckpoint.general * processed) / CHECKPOINT;
    bench(`extract-core.dm017.general.timeAt${CHECKPOINT}`, atCheckpoint.general / 1000, 's', null, null);
    bench(
      `extract-core.dm017.general.timeAt${processed}`,
      generalMs / 1000,
      's',
      linear / 1000,
      generalMs / linear,
    );
  }
  bench('extract-core.dm017.peakRss', rssMiB, 'MiB', 512, rssMiB / 512);

  if (WORKERS > 0) await benchWorkers();
}

/** Throughput of the worker pool (generation included on the calling thread, so it is a lower bound). */
async function benchWorkers(): Promise<void> {
  const spec = await loadDm017Document({ compileSpec, loadSpec });
  const pool = await createWorkerPool({ spec, run: dm017RunContext(), workers: WORKERS });
  try {
    const records = generatePopulation({
      seed: 'bench-dm017-workers',
      size: WORKER_PATIENTS,
      referenceDate: DM017_REFERENCE_DATE,
      entriesPerPatient: ENTRIES,
    });
    const t = performance.now();
    let n = 0;
    for await (const _ of pool.evaluatePopulation(records)) n++;
    const rate = n / ((performance.now() - t) / 1000);
    bench(
      `extract-core.dm017.workers${WORKERS}.patientsPerSecondWithGeneration`,
      rate,
      'patients/s',
      null,
      null,
    );
  } finally {
    await pool.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
