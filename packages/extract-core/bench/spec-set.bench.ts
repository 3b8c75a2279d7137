/**
 * Benchmark: a QOF-like set of specifications that share the registration and age fields (bench/register-set-spec.ts:
 * eleven specifications, five registers and indicators, counts and a patient-level extract over them), evaluated as
 * one `compileSpecSet` pass against one pass per specification, with the same records and the same tallies. Runs
 * on the built package (`dist`), as vendors would.
 *
 * Two ways of running, each measured twice, in one run:
 * - every patient's results (`BoundSpecSet.evaluate` against `BoundSpec.evaluate` per specification), tallied;
 * - the aggregates alone (`aggregateSpecSet` over the whole set against `aggregateSpecSet` over each specification
 *   as a set of one), which builds no per-patient results: what an extraction service needs for Query Results
 *   without patient-level extracts. The whole-set target (under 100 ms for 10,000 patients) applies here.
 * over:
 * - a practice of BENCH_SET_PRACTICE patients (default 10,000) held in memory, warm: each side is run twice to
 *   warm up, then REPEATS times alternately; the median CPU time of each is reported (one thread, one core);
 * - BENCH_SET_PATIENTS patients (default 1,000,000) generated streaming in batches of BATCH: each batch is generated
 *   once (not timed, reported as generationSeconds), then run by both sides, each timed in CPU time, the two taking
 *   turns to go first (the first to touch a fresh batch pays for promoting it out of the young generation).
 * The aggregates of the two sides are checked equal before any figure is printed.
 */
import {
  type AggregateResult,
  aggregateSpecSet,
  compileSpec,
  compileSpecSet,
  createTally,
  libraryBuilder,
  rule,
  specBuilder,
} from '@gpes/extract-core';
import * as testing from '@gpes/extract-core/testing';
import type { BoundSpec, BoundSpecSet, PatientRecord, Tally } from '../src/index.js';
import { REGISTER_SET_REFERENCE_DATE, registerSetRun, registerSetSpecs } from './register-set-spec.js';

const PRACTICE = Number(process.env.BENCH_SET_PRACTICE ?? 10_000);
const PATIENTS = Number(process.env.BENCH_SET_PATIENTS ?? 1_000_000);
const REPEATS = 7;
const BATCH = 1000;

/** CPU time of this process in ms: other work on a shared machine does not land in one side's figure. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function bench(fields: Record<string, unknown>): void {
  console.log(`BENCH ${JSON.stringify(fields)}`);
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function separate(
  solo: readonly BoundSpec[],
  tallies: readonly Tally[],
  records: readonly PatientRecord[],
): void {
  for (let s = 0; s < solo.length; s++) {
    const spec = solo[s] as BoundSpec;
    const tally = tallies[s] as Tally;
    for (let i = 0; i < records.length; i++) tally.add(spec.evaluate(records[i] as PatientRecord));
  }
}

function together(set: BoundSpecSet, tallies: readonly Tally[], records: readonly PatientRecord[]): void {
  for (let i = 0; i < records.length; i++) {
    const results = set.evaluate(records[i] as PatientRecord);
    for (let s = 0; s < results.length; s++)
      (tallies[s] as Tally).add(results[s] as (typeof results)[number]);
  }
}

/** The aggregate-only path: the whole set in one pass, or (the baseline) each specification as a set of one. */
async function aggregates(sets: readonly BoundSpecSet[], records: readonly PatientRecord[]) {
  const out: AggregateResult[][] = [];
  for (const set of sets) out.push(...(await aggregateSpecSet(set, records)));
  return out;
}

/** Adds a batch's counts into running totals, per specification and aid (parameter values are not counts). */
function addCounts(totals: Map<string, number>, lists: readonly (readonly AggregateResult[])[]): void {
  lists.forEach((list, i) => {
    for (const a of list) {
      const n = Number(a.value);
      if (Number.isFinite(n)) totals.set(`${i}:${a.aid}`, (totals.get(`${i}:${a.aid}`) ?? 0) + n);
    }
  });
}

function sameAggregates(a: readonly Tally[], b: readonly Tally[]): void {
  const x = JSON.stringify(a.map((t) => t.aggregates()));
  const y = JSON.stringify(b.map((t) => t.aggregates()));
  if (x !== y) throw new Error('the set and the separate passes disagree');
}

async function main(): Promise<void> {
  const docs = registerSetSpecs({ specBuilder, libraryBuilder, rule }, testing);
  const run = registerSetRun();
  const solo = await Promise.all(docs.map((d) => compileSpec(d).bind(run)));
  const set = await compileSpecSet(docs).bind(run);
  const tallies = () => solo.map((s) => createTally(s));
  const soloSets = await Promise.all(docs.map((d) => compileSpecSet([d]).bind(run)));
  const common = {
    specs: docs.length,
    fields: set.sharing.fields,
    distinctFields: set.sharing.distinctFields,
  };

  // ---- one practice, in memory, warm -------------------------------------------------------------------------
  const practice = [
    ...testing.generatePopulation({
      seed: 'bench-set',
      size: PRACTICE,
      referenceDate: REGISTER_SET_REFERENCE_DATE,
    }),
  ];
  const a = tallies();
  const b = tallies();
  separate(solo, a, practice);
  together(set, b, practice);
  sameAggregates(a, b);
  separate(solo, tallies(), practice);
  together(set, tallies(), practice);
  const sep: number[] = [];
  const one: number[] = [];
  for (let k = 0; k < REPEATS; k++) {
    let t = cpuMs();
    separate(solo, tallies(), practice);
    sep.push(cpuMs() - t);
    t = cpuMs();
    together(set, tallies(), practice);
    one.push(cpuMs() - t);
  }
  const setMs = median(one);
  const sepMs = median(sep);
  bench({
    name: `spec set, ${docs.length} specifications, ${PRACTICE} patients in memory, warm, one core, every patient's results: one pass vs separate passes`,
    value: round(setMs),
    unit: 'ms',
    baseline: round(sepMs),
    ratio: round(sepMs / setMs),
    ...common,
    target: { ratio: 3 },
  });

  // The aggregates alone (what Query Results carry): aggregateSpecSet, for the set and for each spec as a set of one.
  const agg = JSON.stringify(await aggregates([set], practice));
  if (
    agg !== JSON.stringify(await aggregates(soloSets, practice)) ||
    agg !== JSON.stringify(b.map((t) => t.aggregates()))
  )
    throw new Error('aggregateSpecSet disagrees with the tallies');
  await aggregates([set], practice);
  await aggregates(soloSets, practice);
  const aggSep: number[] = [];
  const aggOne: number[] = [];
  for (let k = 0; k < REPEATS; k++) {
    let t = cpuMs();
    await aggregates(soloSets, practice);
    aggSep.push(cpuMs() - t);
    t = cpuMs();
    await aggregates([set], practice);
    aggOne.push(cpuMs() - t);
  }
  bench({
    name: `spec set, ${docs.length} specifications, ${PRACTICE} patients in memory, warm, one core, aggregates (aggregateSpecSet): the whole set vs each specification alone`,
    value: round(median(aggOne)),
    unit: 'ms',
    baseline: round(median(aggSep)),
    ratio: round(median(aggSep) / median(aggOne)),
    ...common,
    target: { ratio: 3, wholeSetMs: 100 },
  });

  // ---- a million patients, streaming -------------------------------------------------------------------------
  if (PATIENTS > 0) {
    const sa = tallies();
    const sb = tallies();
    const aggA = new Map<string, number>();
    const aggB = new Map<string, number>();
    let setTotal = 0;
    let sepTotal = 0;
    let aggSetTotal = 0;
    let aggSepTotal = 0;
    let genTotal = 0;
    for (let first = 0; first < PATIENTS; first += BATCH) {
      let t = cpuMs();
      const batch = [
        ...testing.generatePopulation({
          seed: 'bench-set-1m',
          firstIndex: first,
          size: Math.min(BATCH, PATIENTS - first),
          referenceDate: REGISTER_SET_REFERENCE_DATE,
        }),
      ];
      genTotal += cpuMs() - t;
      // The first side to touch a fresh batch pays for moving it out of the young generation: alternate.
      const setFirst = (first / BATCH) % 2 === 0;
      for (const side of setFirst ? ['set', 'separate'] : ['separate', 'set']) {
        t = cpuMs();
        if (side === 'set') together(set, sb, batch);
        else separate(solo, sa, batch);
        if (side === 'set') setTotal += cpuMs() - t;
        else sepTotal += cpuMs() - t;
      }
      for (const side of setFirst ? ['set', 'separate'] : ['separate', 'set']) {
        t = cpuMs();
        const lists = await aggregates(side === 'set' ? [set] : soloSets, batch);
        if (side === 'set') aggSetTotal += cpuMs() - t;
        else aggSepTotal += cpuMs() - t;
        addCounts(side === 'set' ? aggB : aggA, lists);
      }
    }
    sameAggregates(sa, sb);
    if (JSON.stringify([...aggA]) !== JSON.stringify([...aggB]))
      throw new Error('aggregateSpecSet sides disagree');
    bench({
      name: `spec set, ${docs.length} specifications, ${PATIENTS} patients streamed: one pass vs separate passes`,
      value: round(setTotal / 1000),
      unit: 's',
      baseline: round(sepTotal / 1000),
      ratio: round(sepTotal / setTotal),
      ...common,
      generationSeconds: round(genTotal / 1000),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    });
    bench({
      name: `spec set, ${docs.length} specifications, ${PATIENTS} patients streamed, aggregates (aggregateSpecSet): the whole set vs each specification alone`,
      value: round(aggSetTotal / 1000),
      unit: 's',
      baseline: round(aggSepTotal / 1000),
      ratio: round(aggSepTotal / aggSetTotal),
      ...common,
      target: { ratio: 3 },
    });
  }
}

await main();
