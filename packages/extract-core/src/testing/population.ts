import { addYears, fromCivil, isLeapYear, parseIsoDate, toCivil } from '../dates/calendar.js';
import type { CalendarDate, JournalEntry, Patient, PatientRecord, Registration } from '../record.js';
import { SNOMED_CT_OID } from '../record.js';
import { DateFormatter } from './calendar.js';
import {
  AFIB_COD_CODES,
  AFIBRES_COD_CODES,
  AST_COD_CODES,
  ASTRES_COD_CODES,
  CKD_COD_CODES,
  CTV3_OID,
  DM_COD_CODES,
  DMRES_COD_CODES,
  FILLER,
  HBA1C,
  HYP_COD_CODES,
  HYPRES_COD_CODES,
  TYPE1_DISSENT_CODE,
  TYPE1_DISSENT_WITHDRAWN_CODE,
  type ValuedCode,
} from './codes.js';
import { syntheticNhsNumber } from './nhs-number.js';
import { hashSeed, Prng } from './prng.js';

/** Options of {@link generatePopulation}. */
export interface GeneratePopulationOptions {
  /** Seed of the population: the same seed and options give the same patients, byte for byte. */
  readonly seed: number | string;
  /** Number of patients. */
  readonly size: number;
  /**
   * The date the population is built around, normally the achievement date of the run: ages, registrations and
   * journal dates are drawn relative to it, with deliberate hits on its boundaries (registered or deregistered on
   * that day, 17th birthdays either side of it, entries dated after it).
   */
  readonly referenceDate: CalendarDate;
  /**
   * ODS code written to every `patient.practiceId`.
   * @default 'Z99990' (not a real practice)
   */
  readonly practiceOdsCode?: string;
  /**
   * Mean number of journal entries per patient; each patient has between 0.2× and 1.8× this many (plus a few
   * registration-independent extras for diabetic and opted-out patients).
   * @default 40
   */
  readonly entriesPerPatient?: number;
  /**
   * The conditions patients have: each with its codes and its prevalence among adults.
   * @default DEFAULT_CONDITIONS (diabetes 7%, hypertension 14%, asthma 6.5%, atrial fibrillation 2%, CKD 4%)
   */
  readonly conditions?: readonly ConditionPrevalence[];
  /**
   * Target share of **all** patients (children included) with a diabetes code, spread over ages as in primary care.
   * Sets the prevalence of the `DM_COD` condition of {@link DEFAULT_CONDITIONS}; not allowed with `conditions`.
   */
  readonly diabetesPrevalence?: number;
  /**
   * Index of the first patient. Patient `i` depends only on the seed, the options and `i`, so a population can be
   * generated in slices (`firstIndex: 0, size: 500` then `firstIndex: 500, size: 500` equals `size: 1000`).
   * @default 0
   */
  readonly firstIndex?: number;
  /**
   * `'realistic'` adds the data-quality problems an evaluator must survive (P9, P16, P17, P19, P22): undated,
   * future-dated, sealed and CTV3-coded entries, missing or future dates of birth, overlapping GMS registrations.
   * `'clean'` leaves them out.
   * @default 'realistic'
   */
  readonly dataQuality?: 'realistic' | 'clean';
  /**
   * Prefix of every `patientId`; the rest is the patient's index.
   * @default 'SYN-'
   */
  readonly patientIdPrefix?: string;
}

/**
 * A condition the generator gives patients: one of `codes` recorded one to four times from the diagnosis on,
 * sometimes a resolved code afterwards, and a monitoring observation a few times.
 */
export interface ConditionPrevalence {
  /** The register cluster the codes belong to, e.g. `'HYP_COD'`: a name for reports and errors. */
  readonly cluster: string;
  /** Codes recorded for the condition (SNOMED CT); at least one. */
  readonly codes: readonly string[];
  /** Share of adults (18 or over on the reference date) with the condition, between 0 and 0.5. */
  readonly prevalence: number;
  /**
   * Relative risk in the age bands 0–17, 18–39, 40–64, 65–84 and 85+ (scaled to meet `prevalence`).
   * @default [0.1, 0.3, 1, 2, 2] (rises with age)
   */
  readonly ageProfile?: readonly [number, number, number, number, number];
  /** Codes that resolve the condition: recorded for 8% of the patients with it (and a few without). */
  readonly resolvedCodes?: readonly string[];
  /** An observation recorded zero to six times from the diagnosis on (e.g. HbA1c for diabetes). */
  readonly monitoring?: ValuedCode;
}

/**
 * Plausible adult prevalences of the common QOF registers, with the shipped DM017 codes for diabetes and
 * illustrative codes for the others ({@link HYP_COD_CODES}, {@link AST_COD_CODES}, {@link AFIB_COD_CODES},
 * {@link CKD_COD_CODES}).
 */
export const DEFAULT_CONDITIONS: readonly ConditionPrevalence[] = Object.freeze([
  {
    cluster: 'DM_COD',
    codes: DM_COD_CODES,
    prevalence: 0.07,
    ageProfile: [0.003, 0.02, 0.08, 0.17, 0.14],
    resolvedCodes: DMRES_COD_CODES,
    monitoring: HBA1C,
  },
  {
    cluster: 'HYP_COD',
    codes: HYP_COD_CODES,
    prevalence: 0.14,
    ageProfile: [0.002, 0.03, 0.15, 0.45, 0.55],
    resolvedCodes: HYPRES_COD_CODES,
  },
  {
    cluster: 'AST_COD',
    codes: AST_COD_CODES,
    prevalence: 0.065,
    ageProfile: [0.07, 0.07, 0.065, 0.065, 0.05],
    resolvedCodes: ASTRES_COD_CODES,
  },
  {
    cluster: 'AFIB_COD',
    codes: AFIB_COD_CODES,
    prevalence: 0.02,
    ageProfile: [0, 0.001, 0.01, 0.07, 0.16],
    resolvedCodes: AFIBRES_COD_CODES,
  },
  { cluster: 'CKD_COD', codes: CKD_COD_CODES, prevalence: 0.04, ageProfile: [0, 0.002, 0.02, 0.12, 0.3] },
]);

/**
 * A synthetic population: iterable (sync or async) any number of times, yielding the same records each time.
 * Records are built on demand and never held, so a million patients stream in constant memory.
 */
export interface SyntheticPopulation extends Iterable<PatientRecord>, AsyncIterable<PatientRecord> {
  /** Number of patients the population yields. */
  readonly size: number;
  /** The patient at `index` (counted from `firstIndex`), built on its own. */
  patient(index: number): PatientRecord;
}

/**
 * Generates a seeded synthetic population of GP patient records for tests and benchmarks.
 *
 * Everything is synthetic. NHS numbers are in the `999` test range (never issued to patients) with a valid
 * modulus-11 check digit; postcodes use the `ZZ99` pseudo-postcode area; patient ids are `SYN-<index>`. The
 * diabetes codes are the DM017 cluster members; other codes are illustrative. Conditions and their prevalences
 * come from `conditions`; the rest of the journal is drawn from codes that belong to no register. No
 * `Math.random`, no clock: the same options give the same records on every run.
 *
 * @param options seed, size and reference date; see {@link GeneratePopulationOptions}.
 * @returns a re-iterable, streaming population.
 * @throws RangeError when `size`, `firstIndex`, `entriesPerPatient`, `diabetesPrevalence` or a condition is out of
 *   range, when both `conditions` and `diabetesPrevalence` are given, or when `referenceDate` is not a valid
 *   `YYYY-MM-DD` date.
 * @example
 * ```ts
 * for await (const record of generatePopulation({ seed: 1, size: 1000, referenceDate: '2022-03-31' })) { … }
 * ```
 */
export function generatePopulation(options: GeneratePopulationOptions): SyntheticPopulation {
  const context = createContext(options);
  const { size, firstIndex } = context;
  function* records(): Generator<PatientRecord> {
    // A fresh formatter per pass: its memo is bounded by the span of dates a population uses (a few 10k days).
    const dates = new DateFormatter(context.ref);
    for (let i = 0; i < size; i++) yield buildPatient(context, dates, firstIndex + i);
  }
  return {
    size,
    [Symbol.iterator]: records,
    async *[Symbol.asyncIterator]() {
      yield* records();
    },
    patient(index: number): PatientRecord {
      if (!Number.isInteger(index) || index < 0 || index >= size) {
        throw new RangeError(`patient index must be an integer in [0, ${size}), got ${index}`);
      }
      return buildPatient(context, new DateFormatter(context.ref), firstIndex + index);
    },
  };
}

interface Context {
  readonly seed: number;
  readonly size: number;
  readonly firstIndex: number;
  readonly ref: number;
  readonly practiceId: string;
  readonly meanEntries: number;
  readonly conditions: readonly ConditionPlan[];
  readonly realistic: boolean;
  readonly idPrefix: string;
}

/** The age pyramid: share of patients per band. The first band is the children (under 18). */
const AGE_BANDS: readonly { readonly share: number; readonly min: number; readonly max: number }[] = [
  { share: 0.2, min: 0, max: 17 },
  { share: 0.28, min: 18, max: 39 },
  { share: 0.33, min: 40, max: 64 },
  { share: 0.16, min: 65, max: 84 },
  { share: 0.03, min: 85, max: 104 },
];
const DEFAULT_PROFILE = [0.1, 0.3, 1, 2, 2] as const;

/** A condition with its risk per age band. */
interface ConditionPlan {
  readonly condition: ConditionPrevalence;
  readonly risk: readonly number[];
}

function planConditions(options: GeneratePopulationOptions): ConditionPlan[] {
  const { conditions, diabetesPrevalence } = options;
  if (conditions !== undefined && diabetesPrevalence !== undefined) {
    throw new RangeError('give conditions or diabetesPrevalence, not both');
  }
  if (conditions !== undefined && !Array.isArray(conditions))
    throw new RangeError('conditions must be a list');
  if (
    diabetesPrevalence !== undefined &&
    (!Number.isFinite(diabetesPrevalence) || diabetesPrevalence < 0 || diabetesPrevalence > 0.5)
  ) {
    throw new RangeError('diabetesPrevalence must be a number between 0 and 0.5');
  }
  return (conditions ?? DEFAULT_CONDITIONS).map((c, i) => {
    const name = typeof c?.cluster === 'string' ? c.cluster : `conditions[${i}]`;
    if (
      !Array.isArray(c?.codes) ||
      c.codes.length === 0 ||
      !c.codes.every((x: unknown) => typeof x === 'string')
    ) {
      throw new RangeError(`condition ${name} needs at least one code`);
    }
    if (!Number.isFinite(c.prevalence) || c.prevalence < 0 || c.prevalence > 0.5) {
      throw new RangeError(`the prevalence of condition ${name} must be a number between 0 and 0.5`);
    }
    const profile = c.ageProfile ?? DEFAULT_PROFILE;
    if (profile.length !== AGE_BANDS.length || !profile.every((r: number) => Number.isFinite(r) && r >= 0)) {
      throw new RangeError(
        `the ageProfile of condition ${name} needs ${AGE_BANDS.length} non-negative numbers`,
      );
    }
    let scale: number;
    if (diabetesPrevalence !== undefined && c.cluster === 'DM_COD') {
      // Legacy: a share of all patients.
      const base = AGE_BANDS.reduce((sum, band, b) => sum + band.share * (profile[b] as number), 0);
      scale = base > 0 ? diabetesPrevalence / base : 0;
    } else {
      let adults = 0;
      let base = 0;
      for (let b = 1; b < AGE_BANDS.length; b++) {
        adults += (AGE_BANDS[b] as (typeof AGE_BANDS)[number]).share;
        base += (AGE_BANDS[b] as (typeof AGE_BANDS)[number]).share * (profile[b] as number);
      }
      if (base === 0 && c.prevalence > 0) {
        throw new RangeError(`the ageProfile of condition ${name} gives adults no risk`);
      }
      scale = base > 0 ? (c.prevalence * adults) / base : 0;
    }
    return { condition: c, risk: profile.map((r: number) => Math.min(1, r * scale)) };
  });
}

function createContext(options: GeneratePopulationOptions): Context {
  const { size, firstIndex = 0, entriesPerPatient = 40 } = options;
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('size must be a non-negative integer');
  if (!Number.isSafeInteger(firstIndex) || firstIndex < 0) {
    throw new RangeError('firstIndex must be a non-negative integer');
  }
  if (!Number.isFinite(entriesPerPatient) || entriesPerPatient < 0 || entriesPerPatient > 10_000) {
    throw new RangeError('entriesPerPatient must be a number between 0 and 10000');
  }
  const ref = parseIsoDate(options.referenceDate);
  if (ref === null) throw new RangeError('referenceDate must be a valid YYYY-MM-DD date');
  if (typeof options.seed !== 'number' && typeof options.seed !== 'string') {
    throw new RangeError('seed must be a number or a string');
  }
  return {
    seed: hashSeed(options.seed),
    size,
    firstIndex,
    ref,
    practiceId: options.practiceOdsCode ?? 'Z99990',
    meanEntries: entriesPerPatient,
    conditions: planConditions(options),
    realistic: (options.dataQuality ?? 'realistic') === 'realistic',
    idPrefix: options.patientIdPrefix ?? 'SYN-',
  };
}

const YEAR = 365;
const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const POSTCODE_LETTERS: readonly string[] = 'ABDEFGHJLNPQRSTUWXYZ'.split('');

/** A journal entry while the patient is being built: dates as day numbers, formatted at the end. */
interface DraftEntry {
  code: string;
  codeSystem: string;
  kind: 'condition' | 'prescription';
  day: number | undefined;
  value1?: number;
  value2?: number;
  sealed?: boolean;
  /** An entry of a condition (diagnosis or resolved code). */
  condition?: boolean;
}

function buildPatient(ctx: Context, dates: DateFormatter, index: number): PatientRecord {
  const rng = new Prng(ctx.seed, index);
  const R = ctx.ref;
  const bandIndex = pickBand(rng);
  const band = AGE_BANDS[bandIndex] as (typeof AGE_BANDS)[number];
  const age = rng.between(band.min, band.max);
  const dob = dateOfBirth(ctx, rng, age);

  const patient: {
    -readonly [K in keyof Patient]: Patient[K];
  } = {
    patientId: `${ctx.idPrefix}${index}`,
    practiceId: ctx.practiceId,
    nhsNumber: syntheticNhsNumber(ctx.seed, index),
    sex: sexOf(rng),
    postcode: `ZZ99 ${rng.int(10)}${rng.pick(POSTCODE_LETTERS)}${rng.pick(POSTCODE_LETTERS)}`,
  };
  if (dob !== undefined) patient.dateOfBirth = dates.format(dob);
  const born = dob ?? R - age * YEAR;

  // Death: mostly the elderly, mostly before the reference date; P18 says it never matters on its own.
  let death: number | undefined;
  if (age >= 65 && rng.chance(0.02)) death = R - rng.int(5 * YEAR);
  else if (rng.chance(0.001)) death = R + rng.between(1, 60);
  if (death !== undefined && death < born) death = undefined;
  if (death !== undefined) patient.dateOfDeath = dates.format(death);
  if (rng.chance(0.002)) patient.pdsSensitive = true;
  if (rng.chance(0.001)) patient.recordSealed = true;

  const registrations = buildRegistrations(ctx, rng, dates, born, death);
  const journal = buildJournal(ctx, rng, dates, born, bandIndex);
  return { patient, registrations, journal };
}

function pickBand(rng: Prng): number {
  let u = rng.next();
  for (let b = 0; b < AGE_BANDS.length; b++) {
    const share = (AGE_BANDS[b] as (typeof AGE_BANDS)[number]).share;
    if (u < share) return b;
    u -= share;
  }
  return AGE_BANDS.length - 1;
}

function sexOf(rng: Prng): '0' | '1' | '2' | '9' {
  const u = rng.next();
  return u < 0.49 ? '1' : u < 0.98 ? '2' : u < 0.99 ? '9' : '0';
}

/** Day number of birth, or undefined when the record has none. */
function dateOfBirth(ctx: Context, rng: Prng, age: number): number | undefined {
  const R = ctx.ref;
  const u = rng.next();
  // Boundary cases the DM register turns on: the 17th birthday a day or two either side of the reference date.
  if (u < 0.01) return addYears(R, -17, 'clamp') + rng.between(-2, 2);
  if (u < 0.012) {
    // A 29 February birthday (P13), in a leap year up to 100 years back.
    const [year] = toCivil(R);
    let y = year - 1 - rng.int(100);
    while (!isLeapYear(y)) y--;
    return fromCivil(y, 2, 29);
  }
  if (ctx.realistic && u < 0.014) return undefined;
  if (ctx.realistic && u < 0.015) return R + rng.between(1, 400);
  // Exactly `age` full years on the reference date.
  return addYears(R, -age, 'clamp') - rng.int(YEAR);
}

function buildRegistrations(
  ctx: Context,
  rng: Prng,
  dates: DateFormatter,
  born: number,
  death: number | undefined,
): Registration[] {
  const R = ctx.ref;
  const out: { type: Registration['type']; start: number; end?: number }[] = [];
  const u = rng.next();
  if (u < 0.001) return [];
  if (u < 0.011) {
    out.push(temporary(rng, R, born));
  } else {
    const earliest = Math.max(born, R - 40 * YEAR);
    const v = rng.next();
    let start: number;
    if (earliest > R) start = earliest + rng.int(100);
    else if (v < 0.02) start = R + rng.between(1, 200);
    else if (v < 0.023) start = R;
    else start = rng.between(earliest, R);

    const w = rng.next();
    let end: number | undefined;
    if (w < 0.06 && start < R) end = rng.between(start + 1, R - 1 > start ? R - 1 : start + 1);
    else if (w < 0.08) end = Math.max(R, start) + rng.between(1, YEAR);
    else if (w < 0.083 && start <= R) end = R;
    else if (w < 0.085) end = start;
    if (death !== undefined && death < R && rng.chance(0.8)) {
      const deregistered = Math.max(start, death + rng.int(14));
      if (end === undefined || end > deregistered) end = deregistered;
    }
    out.push(end === undefined ? { type: 'GMS', start } : { type: 'GMS', start, end });

    // Earlier GMS registrations that ended before this one began (re-registration), a few ending the same day.
    if (rng.chance(0.04)) {
      const priorEnd = rng.chance(0.1) ? start : start - rng.between(1, 3 * YEAR);
      const priorStart = Math.max(born, priorEnd - rng.between(30, 10 * YEAR));
      if (priorStart < priorEnd) out.push({ type: 'GMS', start: priorStart, end: priorEnd });
    }
    if (ctx.realistic && rng.chance(0.002)) {
      const overlapStart = start + rng.between(-100, 100);
      out.push(
        rng.chance(0.5) ? { type: 'GMS', start: overlapStart } : { type: 'GMS', start: overlapStart, end: R },
      );
    }
    if (rng.chance(0.03)) out.push(temporary(rng, R, born));
    if (rng.chance(0.002)) out.push({ type: 'PRIVATE', start: rng.between(R - 5 * YEAR, R) });
    if (rng.chance(0.001)) out.push({ type: 'OTHER', start: rng.between(R - 5 * YEAR, R), end: R });
  }
  shuffle(rng, out);
  return out.map((r) =>
    r.end === undefined
      ? { type: r.type, startDate: dates.format(r.start) }
      : { type: r.type, startDate: dates.format(r.start), endDate: dates.format(r.end) },
  );
}

function temporary(rng: Prng, R: number, born: number): { type: 'TEMPORARY'; start: number; end: number } {
  const start = Math.max(born, R - rng.int(2 * YEAR));
  return { type: 'TEMPORARY', start, end: start + rng.between(1, 90) };
}

function buildJournal(
  ctx: Context,
  rng: Prng,
  dates: DateFormatter,
  born: number,
  band: number,
): JournalEntry[] {
  const R = ctx.ref;
  const target = Math.floor(ctx.meanEntries * (0.2 + 1.6 * rng.next()));
  const historyStart = Math.min(Math.max(born, R - 25 * YEAR), R - 30);
  const drafts: DraftEntry[] = [];
  const coded = (code: string, day: number) =>
    drafts.push({ code, codeSystem: SNOMED_CT_OID, kind: 'condition', day, condition: true });
  const snomed = (code: string, day: number) =>
    drafts.push({ code, codeSystem: SNOMED_CT_OID, kind: 'condition', day });
  const clinicalDay = () => rng.between(historyStart, R);

  for (const { condition: c, risk } of ctx.conditions) {
    if (rng.chance(risk[band] as number)) {
      const firstPossible = Math.min(Math.max(born + YEAR, R - 20 * YEAR), R);
      const diagnosis = rng.chance(0.02) ? R + rng.between(1, 300) : rng.between(firstPossible, R);
      let latest = diagnosis;
      coded(rng.pick(c.codes), diagnosis);
      for (let k = rng.int(4); k > 0; k--) {
        const day = rng.chance(0.03) ? R + rng.between(1, 200) : rng.between(Math.min(diagnosis, R), R);
        if (day <= R && day > latest) latest = day;
        coded(rng.pick(c.codes), day);
      }
      if (c.resolvedCodes && c.resolvedCodes.length > 0 && rng.chance(0.08)) {
        // Resolved: mostly after the latest diagnosis, sometimes on the same day (not "after", P6), before it,
        // or only after the reference date; a few are diagnosed again later.
        const v = rng.next();
        let resolved: number;
        if (v < 0.5) resolved = latest < R ? rng.between(latest + 1, R) : R;
        else if (v < 0.7) resolved = latest;
        else if (v < 0.85) resolved = latest - rng.between(1, 400);
        else resolved = R + rng.between(1, 100);
        coded(rng.pick(c.resolvedCodes), resolved);
        if (rng.chance(0.15) && resolved < R) coded(rng.pick(c.codes), rng.between(resolved, R));
      }
      if (c.monitoring) {
        for (let k = rng.int(7); k > 0; k--)
          drafts.push(valued(rng, c.monitoring, rng.between(Math.min(diagnosis, R), R)));
      }
    } else if (c.resolvedCodes && c.resolvedCodes.length > 0 && rng.chance(0.003)) {
      coded(rng.pick(c.resolvedCodes), clinicalDay());
    }
  }

  if (rng.chance(0.03)) {
    const dissent = rng.between(R - 8 * YEAR, R + 60);
    snomed(TYPE1_DISSENT_CODE, dissent);
    const v = rng.next();
    if (v < 0.3) snomed(TYPE1_DISSENT_WITHDRAWN_CODE, dissent + rng.between(1, 800));
    else if (v < 0.35) snomed(TYPE1_DISSENT_WITHDRAWN_CODE, dissent);
  }

  while (drafts.length < target) {
    const code = rng.pick(FILLER);
    const day = ctx.realistic && rng.chance(0.01) ? R + rng.between(1, 400) : clinicalDay();
    drafts.push(valued(rng, code, day));
  }

  if (ctx.realistic) {
    for (const draft of drafts) {
      // Condition entries get the data problems more often, so that they change registers in a test of size 10k.
      const weight = draft.condition ? 4 : 1;
      const u = rng.next();
      if (u < 0.005 * weight) draft.day = undefined;
      else if (u < 0.01 * weight) draft.codeSystem = CTV3_OID;
      else if (u < 0.012 * weight) draft.sealed = true;
    }
  }

  shuffle(rng, drafts);
  return drafts.map((draft, i) => toEntry(rng, dates, draft, i + 1, historyStart, R));
}

function valued(rng: Prng, code: ValuedCode, day: number): DraftEntry {
  const draft: DraftEntry = { code: code.code, codeSystem: SNOMED_CT_OID, kind: code.kind, day };
  if (code.value1) draft.value1 = drawValue(rng, code.value1);
  if (code.value2) draft.value2 = drawValue(rng, code.value2);
  return draft;
}

function drawValue(rng: Prng, [min, max, decimals]: readonly [number, number, number]): number {
  const scale = 10 ** decimals;
  return Math.round((min + rng.next() * (max - min)) * scale) / scale;
}

function toEntry(
  rng: Prng,
  dates: DateFormatter,
  draft: DraftEntry,
  id: number,
  historyStart: number,
  R: number,
): JournalEntry {
  const recordedDay =
    draft.day === undefined
      ? rng.between(historyStart, R)
      : draft.day + (rng.chance(0.8) ? 0 : rng.between(1, 30));
  const recordedAt = `${dates.format(recordedDay)}T${TWO_DIGITS[rng.between(8, 18)]}:${TWO_DIGITS[rng.int(60)]}:${TWO_DIGITS[rng.int(60)]}`;
  const entry: { -readonly [K in keyof JournalEntry]: JournalEntry[K] } = {
    entryId: String(id),
    codeSystem: draft.codeSystem,
    code: draft.code,
    recordedAt,
    kind: draft.kind,
  };
  if (draft.day !== undefined) entry.effectiveDate = dates.format(draft.day);
  if (draft.value1 !== undefined) entry.value1 = draft.value1;
  if (draft.value2 !== undefined) entry.value2 = draft.value2;
  if (draft.sealed) entry.sealed = true;
  return entry;
}

function shuffle<T>(rng: Prng, items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = items[i] as T;
    items[i] = items[j] as T;
    items[j] = t;
  }
}
