import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PatientRecord } from '../record.js';
import { SNOMED_CT_OID } from '../record.js';
import { FILLER_CODES, TYPE1_DISSENT_CODE } from './codes.js';
import { loadDm017Spec } from './dm017.js';
import { checkDigit } from './nhs-number.js';
import { DEFAULT_CONDITIONS, generatePopulation } from './population.js';

const REF = '2022-03-31';
const ISO = /^\d{4}-\d{2}-\d{2}$/;
/** Born on or before this day: 18 or over on REF. */
const ADULT_BORN_BY = '2004-03-31';
const isAdult = (r: PatientRecord) => (r.patient.dateOfBirth ?? '9999') <= ADULT_BORN_BY;
/** Share of adults with at least one of the codes. */
const adultShare = (records: readonly PatientRecord[], codes: readonly string[]) => {
  const set = new Set(codes);
  const adults = records.filter(isAdult);
  return adults.filter((r) => r.journal.some((e) => set.has(e.code))).length / adults.length;
};

function take(n: number, seed: number | string = 7): PatientRecord[] {
  return [...generatePopulation({ seed, size: n, referenceDate: REF })];
}

// One 6,000-patient population serves both statistical tests.
let stats: PatientRecord[] | undefined;
const statsPopulation = () => {
  stats ??= take(6000, 'stats');
  return stats;
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('generatePopulation', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(take(200)).toEqual(take(200));
    expect(take(50, 'other')).not.toEqual(take(50));
  });

  it('never calls Math.random', () => {
    const spy = vi.spyOn(Math, 'random');
    take(300);
    expect(spy).not.toHaveBeenCalled();
  });

  it('builds each patient from (seed, index) alone, so slices concatenate to the whole', () => {
    const whole = take(300);
    const first = [...generatePopulation({ seed: 7, size: 120, referenceDate: REF })];
    const rest = [...generatePopulation({ seed: 7, size: 180, firstIndex: 120, referenceDate: REF })];
    expect([...first, ...rest]).toEqual(whole);
    expect(generatePopulation({ seed: 7, size: 300, referenceDate: REF }).patient(123)).toEqual(whole[123]);
  });

  it('yields the same records on every pass, synchronously or asynchronously', async () => {
    const population = generatePopulation({ seed: 3, size: 100, referenceDate: REF });
    const first = [...population];
    const again: PatientRecord[] = [];
    for await (const record of population) again.push(record);
    expect(again).toEqual(first);
    expect(population.size).toBe(100);
  });

  it('produces well-formed synthetic records: 999-range NHS numbers, ZZ99 postcodes, unique entry ids', () => {
    const problems: string[] = [];
    const check = (ok: boolean, what: string, r: PatientRecord) => {
      if (!ok) problems.push(`${r.patient.patientId}: ${what}`);
    };
    for (const r of take(1000)) {
      const { patient, registrations, journal } = r;
      check(/^SYN-\d+$/.test(patient.patientId), 'patientId', r);
      check(patient.practiceId === 'Z99990', 'practiceId', r);
      const nhs = patient.nhsNumber ?? '';
      check(/^999\d{7}$/.test(nhs) && checkDigit(nhs.slice(0, 9)) === Number(nhs[9]), 'nhsNumber', r);
      check(/^ZZ99 \d[A-Z]{2}$/.test(patient.postcode ?? ''), 'postcode', r);
      check(patient.dateOfBirth === undefined || ISO.test(patient.dateOfBirth), 'dateOfBirth', r);
      for (const g of registrations) {
        check(
          ISO.test(g.startDate) && (g.endDate === undefined || g.endDate >= g.startDate),
          'registration',
          r,
        );
      }
      check(new Set(journal.map((e) => e.entryId)).size === journal.length, 'entryId', r);
      for (const e of journal) {
        check(e.effectiveDate === undefined || ISO.test(e.effectiveDate), 'effectiveDate', r);
        check(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(e.recordedAt ?? ''), 'recordedAt', r);
      }
    }
    expect(problems).toEqual([]);
  });

  it('is realistic in aggregate: entries per patient, condition prevalences, age pyramid', () => {
    const records = statsPopulation();
    const entries = records.reduce((n, r) => n + r.journal.length, 0) / records.length;
    expect(entries).toBeGreaterThan(36);
    expect(entries).toBeLessThan(44);
    // The default prevalences among adults, within a fifth of the target (about three standard errors for AF).
    for (const c of DEFAULT_CONDITIONS) {
      expect({ [c.cluster]: adultShare(records, c.codes) }).toEqual({
        [c.cluster]: expect.closeTo(c.prevalence, -Math.log10(c.prevalence * 0.4)),
      });
    }
    const children = records.filter((r) => (r.patient.dateOfBirth ?? '0000') > '2005-03-31').length;
    expect(children / records.length).toBeGreaterThan(0.15);
    expect(children / records.length).toBeLessThan(0.27);
    const few = [...generatePopulation({ seed: 1, size: 2000, referenceDate: REF, entriesPerPatient: 10 })];
    const mean = few.reduce((n, r) => n + r.journal.length, 0) / few.length;
    expect(mean).toBeGreaterThan(9);
    expect(mean).toBeLessThan(12);
  });

  it('includes the boundary and data-quality cases evaluators must handle', () => {
    const records = statsPopulation();
    const some = (test: (r: PatientRecord) => boolean) => records.some(test);
    const gms = (r: PatientRecord) => r.registrations.filter((g) => g.type === 'GMS');
    expect(some((r) => r.journal.some((e) => e.effectiveDate === undefined))).toBe(true);
    expect(some((r) => r.journal.some((e) => e.codeSystem !== SNOMED_CT_OID))).toBe(true);
    expect(some((r) => r.journal.some((e) => e.sealed === true))).toBe(true);
    expect(some((r) => r.journal.some((e) => (e.effectiveDate ?? '') > REF))).toBe(true);
    expect(some((r) => r.journal.some((e) => e.code === TYPE1_DISSENT_CODE))).toBe(true);
    expect(some((r) => r.registrations.some((g) => g.type === 'TEMPORARY'))).toBe(true);
    expect(some((r) => gms(r).some((g) => g.endDate === REF))).toBe(true);
    expect(some((r) => gms(r).some((g) => g.startDate === REF))).toBe(true);
    expect(some((r) => gms(r).some((g) => g.startDate > REF))).toBe(true);
    expect(some((r) => gms(r).some((g) => (g.endDate ?? '9999') < REF))).toBe(true);
    expect(some((r) => gms(r).length >= 2)).toBe(true);
    expect(some((r) => r.registrations.length === 0)).toBe(true);
    expect(some((r) => r.patient.dateOfBirth === undefined)).toBe(true);
    expect(some((r) => (r.patient.dateOfBirth ?? '') > REF)).toBe(true);
    expect(some((r) => r.patient.dateOfBirth?.endsWith('-02-29') === true)).toBe(true);
    expect(some((r) => r.patient.dateOfBirth === '2005-03-31')).toBe(true);
    expect(some((r) => r.patient.pdsSensitive === true)).toBe(true);
    expect(some((r) => r.patient.recordSealed === true)).toBe(true);
  });

  it("leaves the data-quality problems out with dataQuality: 'clean'", () => {
    const records = [
      ...generatePopulation({ seed: 5, size: 3000, referenceDate: REF, dataQuality: 'clean' }),
    ];
    const problems = records.filter(
      (r) =>
        r.patient.dateOfBirth === undefined ||
        r.patient.dateOfBirth > REF ||
        r.journal.some(
          (e) => e.effectiveDate === undefined || e.codeSystem !== SNOMED_CT_OID || e.sealed === true,
        ),
    );
    expect(problems).toEqual([]);
  });

  it('meets configured prevalences and records only the configured conditions', () => {
    const records = [
      ...generatePopulation({
        seed: 'conditions',
        size: 4000,
        referenceDate: REF,
        conditions: [
          { cluster: 'A_COD', codes: ['1111000'], prevalence: 0.3 },
          { cluster: 'B_COD', codes: ['2222000', '3333000'], prevalence: 0.05, ageProfile: [1, 1, 1, 1, 1] },
        ],
      }),
    ];
    expect(adultShare(records, ['1111000'])).toBeCloseTo(0.3, 1);
    const b = adultShare(records, ['2222000', '3333000']);
    expect(b).toBeGreaterThan(0.04);
    expect(b).toBeLessThan(0.06);
    // A flat age profile gives children the adult prevalence too.
    const children = records.filter((r) => !isAdult(r) && r.patient.dateOfBirth !== undefined);
    const bChildren = children.filter((r) =>
      r.journal.some((e) => e.code === '2222000' || e.code === '3333000'),
    );
    expect(bChildren.length / children.length).toBeGreaterThan(0.03);
    const registerCodes = new Set(
      DEFAULT_CONDITIONS.flatMap((c) => [...c.codes, ...(c.resolvedCodes ?? [])]),
    );
    expect(records.filter((r) => r.journal.some((e) => registerCodes.has(e.code)))).toEqual([]);
  });

  it('draws the rest of the journal from filler codes that belong to no register cluster', async () => {
    const dm017 = await loadDm017Spec();
    const clusters = [
      ...dm017.clusters.map((c) => ({ name: c.name, codes: c.members.map((m) => m.code) })),
      ...DEFAULT_CONDITIONS.flatMap((c) => [
        { name: c.cluster, codes: c.codes },
        { name: `${c.cluster} resolved`, codes: c.resolvedCodes ?? [] },
      ]),
    ];
    const registers = clusters;
    expect(registers.map((c) => c.name)).toContain('DM_COD');
    const clashes = registers.flatMap((c) => FILLER_CODES.filter((code) => c.codes.includes(code)));
    expect(clashes).toEqual([]);
    // With no conditions, no generated entry matches a register cluster.
    const everyRegisterCode = new Set(registers.flatMap((c) => c.codes));
    const none = [...generatePopulation({ seed: 'filler', size: 1000, referenceDate: REF, conditions: [] })];
    expect(none.flatMap((r) => r.journal.filter((e) => everyRegisterCode.has(e.code)))).toEqual([]);
  });

  it('rejects out-of-range options with a RangeError', () => {
    expect(() => generatePopulation({ seed: 1, size: -1, referenceDate: REF })).toThrow(RangeError);
    expect(() => generatePopulation({ seed: 1, size: 1.5, referenceDate: REF })).toThrow(RangeError);
    expect(() => generatePopulation({ seed: 1, size: 1, referenceDate: '2022-02-30' })).toThrow(RangeError);
    expect(() => generatePopulation({ seed: 1, size: 1, referenceDate: REF, entriesPerPatient: -3 })).toThrow(
      RangeError,
    );
    expect(() => generatePopulation({ seed: 1, size: 1, referenceDate: REF, diabetesPrevalence: 2 })).toThrow(
      RangeError,
    );
    const conditions = (prevalence: number) => [{ cluster: 'X', codes: ['1'], prevalence }];
    expect(() =>
      generatePopulation({ seed: 1, size: 1, referenceDate: REF, conditions: conditions(0.7) }),
    ).toThrow(RangeError);
    expect(() =>
      generatePopulation({
        seed: 1,
        size: 1,
        referenceDate: REF,
        conditions: [{ cluster: 'X', codes: [], prevalence: 0.1 }],
      }),
    ).toThrow(RangeError);
    expect(() =>
      generatePopulation({
        seed: 1,
        size: 1,
        referenceDate: REF,
        conditions: conditions(0.1),
        diabetesPrevalence: 0.1,
      }),
    ).toThrow(RangeError);
    expect(() => generatePopulation({ seed: 1, size: 10, referenceDate: REF }).patient(10)).toThrow(
      RangeError,
    );
  });
});
