/**
 * Differential test: the general evaluator, running the DM017 fixture spec, agrees patient by patient with a
 * hand-written DM017 function (bench/dm017-by-hand.ts) on 100,000 generated patients. All data is synthetic.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Dm017Result, type Dm017Run, dm017ByHand } from '../bench/dm017-by-hand.js';
import { bindDm017, DM017_REFERENCE_DATE, dm017HandRun } from '../bench/dm017-spec.js';
import {
  type BoundSpec,
  compileSpec,
  createTally,
  explain,
  loadSpec,
  type PatientRecord,
  type PatientResult,
  renderExplanation,
  SNOMED_CT_OID,
} from '../src/index.js';
import { generatePopulation } from '../src/testing/index.js';

const SIZE = 100_000;
const FIELDS = ['REG_DAT', 'DEREG_DAT', 'PAT_AGE', 'DMLAT_DAT', 'DMRES_DAT'] as const;

/** The differences between the two results, as short descriptions without values. */
function differences(general: PatientResult, hand: Dm017Result): string[] {
  const out: string[] = [];
  if (general.excluded !== hand.excluded) out.push('excluded');
  if (general.excluded !== undefined) return out;
  for (const name of FIELDS) if (general.fields[name] !== hand[name]) out.push(name);
  for (const table of ['GMS_REG', 'DM_REG'] as const) {
    const g = general.populations[table];
    const h = hand[table];
    if (g?.selected !== h?.selected || g?.rule !== h?.rule || g?.branch !== h?.branch) out.push(table);
  }
  return out;
}

describe('DM017: general evaluator vs hand-written function', () => {
  let bound: BoundSpec;
  let handRun: Dm017Run;

  beforeAll(async () => {
    bound = await bindDm017({ compileSpec, loadSpec });
    handRun = await dm017HandRun();
  });

  // Runs in about 10 s of CPU; the timeout only guards against a busy machine, not a slow evaluator.
  it(`agrees on every one of ${SIZE.toLocaleString('en-GB')} generated patients`, {
    timeout: 120_000,
  }, () => {
    const tally = createTally(bound);
    const population = generatePopulation({
      seed: 'differential-dm017',
      size: SIZE,
      referenceDate: DM017_REFERENCE_DATE,
    });
    const disagreements: { record: PatientRecord; fields: string[] }[] = [];
    const seen = { excluded: 0, notRegistered: 0, rule1Reject: 0, under17: 0, selected: 0, nullAge: 0 };
    let handRegister = 0;
    for (const record of population) {
      const general = bound.evaluate(record);
      const hand = dm017ByHand(record, handRun);
      tally.add(general);
      const fields = differences(general, hand);
      if (fields.length > 0 && disagreements.length < 20) disagreements.push({ record, fields });
      if (hand.excluded) seen.excluded++;
      else if (!hand.GMS_REG?.selected) seen.notRegistered++;
      else if (hand.DM_REG?.rule === 1) seen.rule1Reject++;
      else if (!hand.DM_REG?.selected) seen.under17++;
      else {
        seen.selected++;
        handRegister++;
        if (hand.PAT_AGE === null) seen.nullAge++;
      }
    }
    for (const { record, fields } of disagreements) {
      // Synthetic data only, so the explanation may show values.
      console.error(
        `DM017 disagreement for ${record.patient.patientId} on ${fields.join(', ')}:\n` +
          renderExplanation(explain(bound, record), { includeValues: true }),
      );
    }
    expect(disagreements.map((d) => `${d.record.patient.patientId}: ${d.fields.join(', ')}`)).toEqual([]);
    expect(tally.aggregates().find((a) => a.source.output === 'DM017')?.value).toBe(String(handRegister));
    // The population reaches every branch, so the agreement above means something.
    expect(seen.excluded).toBeGreaterThan(50);
    expect(seen.notRegistered).toBeGreaterThan(5000);
    expect(seen.rule1Reject).toBeGreaterThan(50_000);
    expect(seen.under17).toBeGreaterThan(20);
    expect(seen.selected).toBeGreaterThan(4000);
    expect(seen.nullAge).toBeGreaterThan(0);
  });
});

describe('the hand-written DM017 function itself', () => {
  let handRun: Dm017Run;
  beforeAll(async () => {
    handRun = await dm017HandRun();
  });

  const ACH = DM017_REFERENCE_DATE;
  const dm = (id: string, effectiveDate: string | undefined, code = '44054006') => ({
    entryId: id,
    codeSystem: SNOMED_CT_OID,
    code,
    recordedAt: '2020-01-01T10:00:00',
    kind: 'condition' as const,
    ...(effectiveDate === undefined ? {} : { effectiveDate }),
  });
  const record = (over: {
    dob?: string;
    regs?: { startDate: string; endDate?: string; type?: 'GMS' | 'TEMPORARY' }[];
    journal?: ReturnType<typeof dm>[];
  }): PatientRecord => ({
    patient: { patientId: 'T-1', practiceId: 'Z99990', ...(over.dob ? { dateOfBirth: over.dob } : {}) },
    registrations: (over.regs ?? [{ startDate: '2010-01-01' }]).map((r) => ({ type: 'GMS', ...r })),
    journal: over.journal ?? [dm('1', '2015-06-01')],
  });
  const selected = (r: PatientRecord) => dm017ByHand(r, handRun).DM_REG?.selected === true;

  it('follows the GMS rule: deregistered on ACHV_DAT is out, the day after is in', () => {
    expect(selected(record({ dob: '1960-01-01', regs: [{ startDate: '2010-01-01', endDate: ACH }] }))).toBe(
      false,
    );
    expect(
      selected(record({ dob: '1960-01-01', regs: [{ startDate: '2010-01-01', endDate: '2022-04-01' }] })),
    ).toBe(true);
    expect(selected(record({ dob: '1960-01-01', regs: [{ startDate: '2022-04-01' }] }))).toBe(false);
    expect(selected(record({ dob: '1960-01-01', regs: [{ startDate: ACH, type: 'TEMPORARY' }] }))).toBe(
      false,
    );
  });

  it('keeps a resolved code on the same day as the latest diagnosis from resolving it', () => {
    const sameDay = [dm('1', '2015-06-01'), dm('2', '2015-06-01', '315051004')];
    const after = [dm('1', '2015-06-01'), dm('2', '2015-06-02', '315051004')];
    expect(selected(record({ dob: '1960-01-01', journal: sameDay }))).toBe(true);
    expect(selected(record({ dob: '1960-01-01', journal: after }))).toBe(false);
  });

  it('ignores undated and future-dated diagnoses, and counts age in full years with 29 February on 1 March', () => {
    expect(selected(record({ dob: '1960-01-01', journal: [dm('1', undefined)] }))).toBe(false);
    expect(selected(record({ dob: '1960-01-01', journal: [dm('1', '2022-04-01')] }))).toBe(false);
    expect(selected(record({ dob: '2005-03-31' }))).toBe(true);
    expect(selected(record({ dob: '2005-04-01' }))).toBe(false);
    expect(
      dm017ByHand(record({ dob: '2004-02-29' }), { ...handRun, achievementDate: '2021-02-28' }).PAT_AGE,
    ).toBe(16);
    expect(
      dm017ByHand(record({ dob: '2004-02-29' }), { ...handRun, achievementDate: '2021-03-01' }).PAT_AGE,
    ).toBe(17);
    expect(selected(record({}))).toBe(true);
  });
});
