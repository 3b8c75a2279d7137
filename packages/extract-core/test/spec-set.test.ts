// Specification sets: N specifications evaluated in one pass give exactly what each gives alone (differential).
import { readFile } from 'node:fs/promises';
import {
  aggregateSpecSet,
  type BoundSpec,
  type BoundSpecSet,
  compileSpec,
  compileSpecSet,
  createTally,
  evaluatePopulation,
  evaluateSpecSet,
  explain,
  libraryBuilder,
  type PatientRecord,
  type QuerySpecDocument,
  queryResultsRecords,
  queryResultsRecordsOfSet,
  type RunContext,
  renderExplanation,
  rule,
  specBuilder,
} from '@gpes/extract-core';
import * as codes from '@gpes/extract-core/testing';
import { generatePopulation } from '@gpes/extract-core/testing';
import { describe, expect, it } from 'vitest';
import { REGISTER_SET_REFERENCE_DATE, registerSetRun, registerSetSpecs } from '../bench/register-set-spec.js';
import { dm017Doc, entry, patient } from './support.js';

const FULL = new URL('../fixtures/full/full.xml', import.meta.url);
const PPED = { aid: '11111111-2222-3333-4444-555555555555', value: '2022-03-31' };

async function documents(): Promise<(QuerySpecDocument | string)[]> {
  return [
    ...registerSetSpecs({ specBuilder, libraryBuilder, rule }, codes),
    await dm017Doc(),
    await readFile(FULL, 'utf8'),
  ];
}

/** Each specification compiled and bound on its own, independently of the set. */
async function alone(docs: readonly (QuerySpecDocument | string)[], run: RunContext): Promise<BoundSpec[]> {
  return Promise.all(docs.map((d) => compileSpec(d).bind(run)));
}

/** True when the patient is on the diabetes register of the set's first specification. */
const together0 = (results: readonly { populations: Record<string, { selected: boolean }> }[]) =>
  results[0]?.populations.DM_REG?.selected === true;

const population = (seed: string, size: number) =>
  generatePopulation({ seed, size, referenceDate: REGISTER_SET_REFERENCE_DATE });

/** Hand-made records for what the generator rarely makes: Type 1 dissent, invalid dates, S-flags. */
function edgeRecords(): PatientRecord[] {
  const [af] = codes.AFIB_COD_CODES;
  const [dm] = codes.DM_COD_CODES;
  return [
    patient([entry(codes.TYPE1_DISSENT_CODE, '2020-01-01'), entry(af as string, '2019-01-01')], { id: 'E1' }),
    patient(
      [
        entry(codes.TYPE1_DISSENT_CODE, '2020-01-01'),
        entry(codes.TYPE1_DISSENT_WITHDRAWN_CODE, '2021-01-01'),
        entry(af as string, '2019-01-01'),
      ],
      { id: 'E2' },
    ),
    patient(
      [entry(dm as string, '2021-02-30'), entry(af as string, 'not a date'), entry('1001', '2020-13-01')],
      {
        id: 'E3',
      },
    ),
    patient([entry(dm as string, '2020-01-01')], { id: 'E4', dateOfBirth: null }),
    patient([entry(dm as string, '2020-01-01')], { id: 'E5', dateOfBirth: '2030-01-01' }),
    patient([entry(dm as string, '2020-01-01')], { id: 'E6', extra: { pdsSensitive: true } }),
    patient([entry('827241000000103', undefined, { recordedAt: '2019-01-01T00:00:00' })], { id: 'E7' }),
  ];
}

describe('compileSpecSet', () => {
  const runs: [string, RunContext][] = [
    ['a plain run', { ...registerSetRun(), substitutionValues: [PPED] }],
    [
      'a run with exclusion codes (one a Type 1 dissent code)',
      {
        ...registerSetRun([codes.HYP_COD_CODES[3] as string, codes.TYPE1_DISSENT_CODE]),
        substitutionValues: [PPED],
      },
    ],
  ];
  for (const [name, run] of runs) {
    it(`gives each specification's results, tallies and explanations exactly, in ${name}`, async () => {
      const docs = await documents();
      expect(docs.length).toBeGreaterThanOrEqual(12);
      const set = await compileSpecSet(docs).bind(run);
      const solo = await alone(docs, run);
      // The registration and age fields are computed once for the whole set.
      expect(set.sharing.distinctFields).toBeLessThan(set.sharing.fields - 20);
      const tallies = solo.map((s) => createTally(s));
      const setTallies = set.specs.map((s) => createTally(s));
      let compared = 0;
      const records = [...population(`set:${name}`, 3000), ...edgeRecords()];
      for (const record of records) {
        const together = set.evaluate(record);
        for (const [i, s] of solo.entries()) {
          const one = s.evaluate(record);
          // JSON text, so that key order (which QR output and explanations follow) is compared too.
          if (JSON.stringify(together[i]) !== JSON.stringify(one)) {
            expect({ spec: i, patient: record.patient.patientId, result: together[i] }).toEqual({
              spec: i,
              patient: record.patient.patientId,
              result: one,
            });
          }
          tallies[i]?.add(one);
          setTallies[i]?.add(together[i] as (typeof together)[number]);
          compared++;
        }
      }
      expect(compared).toBe(records.length * docs.length);
      expect(setTallies.map((t) => t.aggregates())).toEqual(tallies.map((t) => t.aggregates()));
      // Some of every kind of outcome happened.
      const registers = tallies.slice(0, 5).map((t) => Number(t.aggregates()[0]?.value));
      expect(registers.every((n) => n > 20)).toBe(true);
      // Explanations come from the set's bound specifications, and match those of each specification alone.
      const record = records.find((r) => together0(set.evaluate(r))) as PatientRecord;
      for (const [i, s] of solo.entries()) {
        expect(renderExplanation(explain(set.specs[i] as BoundSpec, record), { includeValues: true })).toBe(
          renderExplanation(explain(s, record), { includeValues: true }),
        );
      }
    });
  }

  it('streams results per patient with duplicates handled as evaluatePopulation does', async () => {
    const docs = await documents();
    const run = { ...registerSetRun(), substitutionValues: [PPED] };
    const set = await compileSpecSet(docs).bind(run);
    const solo = await alone(docs, run);
    const records = [...population('stream', 300)];
    const input = [...records, records[5] as PatientRecord];
    const together: (readonly unknown[])[] = [];
    for await (const results of evaluateSpecSet(set, input)) together.push(results);
    for (const [i, s] of solo.entries()) {
      const one: unknown[] = [];
      for await (const r of evaluatePopulation(s, input)) one.push(r);
      expect(together.map((rs) => rs[i])).toEqual(one);
    }
    expect(((together.at(-1) ?? [])[0] as { excluded?: string }).excluded).toBe('DUPLICATE_PATIENT');
  });

  for (const [name, run] of runs) {
    it(`counts aggregates without building results exactly as tallying each specification alone, in ${name}`, async () => {
      const docs = await documents();
      const set = await compileSpecSet(docs).bind(run);
      const solo = await alone(docs, run);
      const records = [...population(`aggregate:${name}`, 2000), ...edgeRecords()];
      // A repeated patient counts once (P3), from a sync list and from an async stream alike.
      const input = [...records, records[3] as PatientRecord, records[records.length - 1] as PatientRecord];
      const expected = solo.map((s) => {
        const tally = createTally(s);
        for (const r of records) tally.add(s.evaluate(r));
        return tally.aggregates();
      });
      async function* streamed() {
        yield* input;
      }
      expect(await aggregateSpecSet(set, input)).toEqual(expected);
      expect(await aggregateSpecSet(set, streamed())).toEqual(expected);
      expect(expected.flat().filter((a) => a.value !== '0').length).toBeGreaterThan(10);
      // A set that is not from compileSpecSet (a stand-in) is tallied from its results instead, with the same answer.
      const standIn: BoundSpecSet = {
        specs: set.specs,
        sharing: set.sharing,
        evaluate: (r) => set.evaluate(r),
      };
      expect(await aggregateSpecSet(standIn, input)).toEqual(expected);
    });
  }

  it('stops counting when the signal aborts', async () => {
    const set = await compileSpecSet(await documents()).bind({
      ...registerSetRun(),
      substitutionValues: [PPED],
    });
    const controller = new AbortController();
    let n = 0;
    function* records() {
      for (const r of population('abort', 100)) {
        if (++n === 50) controller.abort(new Error('stop'));
        yield r;
      }
    }
    await expect(aggregateSpecSet(set, records(), { signal: controller.signal })).rejects.toThrow('stop');
    expect(n).toBe(50);
  });

  it('writes each specification’s Query Results records exactly as queryResultsRecords does', async () => {
    const docs = await documents();
    const run = { ...registerSetRun([codes.TYPE1_DISSENT_CODE]), substitutionValues: [PPED] };
    const set = await compileSpecSet(docs).bind(run);
    const solo = await alone(docs, run);
    const records = () => population('qr', 500);
    const bySpec: unknown[][] = docs.map(() => []);
    for await (const { spec, record } of queryResultsRecordsOfSet(set, records)) bySpec[spec]?.push(record);
    for (const [i, s] of solo.entries()) {
      const one: unknown[] = [];
      for await (const r of queryResultsRecords(s, records)) one.push(r);
      expect(bySpec[i]).toEqual(one);
    }
    expect(bySpec.some((r) => r.some((x) => (x as { kind: string }).kind === 'patient-level'))).toBe(true);
  });

  it('accepts compiled specifications and refuses what is not a list', async () => {
    const dm = compileSpec(await dm017Doc());
    const set = await compileSpecSet([dm, dm]).bind(registerSetRun());
    expect(set.sharing).toEqual({ fields: 10, distinctFields: 5, clusters: 4, distinctClusters: 2 });
    expect(() => compileSpecSet('x' as never)).toThrow(TypeError);
  });
});
