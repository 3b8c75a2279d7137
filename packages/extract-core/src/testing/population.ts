import { addYears, fromCivil, isLeapYear, parseIsoDate, toCivil } from '../dates/calendar.js';
import type { CalendarDate, JournalEntry, Patient, PatientRecord, Registration } from '../record.js';
import { SNOMED_CT_OID } from '../record.js';
import { DateFormatter } from './calendar.js';
import {
  CTV3_OID,
  DM_COD_CODES,
  DMRES_COD_CODES,
  HBA1C,
  OTHER_CODES,
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
   * Target share of patients with a diabetes code, spread over ages as in primary care (rare in children,
   * commonest over 65).
   * @default 0.07
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
 * diabetes codes are the DM017 cluster members; other codes are illustrative. No `Math.random`, no clock: the
 * same options give the same records on every run.
 *
 * @param options seed, size and reference date; see {@link GeneratePopulationOptions}.
 * @returns a re-iterable, streaming population.
 * @throws RangeError when `size`, `firstIndex`, `entriesPerPatient` or `diabetesPrevalence` is out of range or
 *   `referenceDate` is not a valid `YYYY-MM-DD` date.
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
  readonly diabetesScale: number;
  readonly realistic: boolean;
  readonly idPrefix: string;
}

/** Diabetes risk by age band before scaling; with the age pyramid below it gives a prevalence of about 6.5%. */
const AGE_BANDS: readonly {
  readonly share: number;
  readonly min: number;
  readonly max: number;
  readonly dm: number;
}[] = [
  { share: 0.2, min: 0, max: 17, dm: 0.003 },
  { share: 0.28, min: 18, max: 39, dm: 0.02 },
  { share: 0.33, min: 40, max: 64, dm: 0.08 },
  { share: 0.16, min: 65, max: 84, dm: 0.17 },
  { share: 0.03, min: 85, max: 104, dm: 0.14 },
];
const BASE_PREVALENCE = AGE_BANDS.reduce((sum, band) => sum + band.share * band.dm, 0);

function createContext(options: GeneratePopulationOptions): Context {
  const { size, firstIndex = 0, entriesPerPatient = 40, diabetesPrevalence = 0.07 } = options;
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('size must be a non-negative integer');
  if (!Number.isSafeInteger(firstIndex) || firstIndex < 0) {
    throw new RangeError('firstIndex must be a non-negative integer');
  }
  if (!Number.isFinite(entriesPerPatient) || entriesPerPatient < 0 || entriesPerPatient > 10_000) {
    throw new RangeError('entriesPerPatient must be a number between 0 and 10000');
  }
  if (!Number.isFinite(diabetesPrevalence) || diabetesPrevalence < 0 || diabetesPrevalence > 0.5) {
    throw new RangeError('diabetesPrevalence must be a number between 0 and 0.5');
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
    diabetesScale: diabetesPrevalence / BASE_PREVALENCE,
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
  /** A DM_COD or DMRES_COD entry. */
  diabetes?: boolean;
}

function buildPatient(ctx: Context, dates: DateFormatter, index: number): PatientRecord {
  const rng = new Prng(ctx.seed, index);
  const R = ctx.ref;
  const band = pickBand(rng);
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
  const journal = buildJournal(ctx, rng, dates, born, band.dm * ctx.diabetesScale);
  return { patient, registrations, journal };
}

function pickBand(rng: Prng): (typeof AGE_BANDS)[number] {
  let u = rng.next();
  for (const band of AGE_BANDS) {
    if (u < band.share) return band;
    u -= band.share;
  }
  return AGE_BANDS[AGE_BANDS.length - 1]!;
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
  diabetesRisk: number,
): JournalEntry[] {
  const R = ctx.ref;
  const target = Math.floor(ctx.meanEntries * (0.2 + 1.6 * rng.next()));
  const historyStart = Math.min(Math.max(born, R - 25 * YEAR), R - 30);
  const drafts: DraftEntry[] = [];
  const diabetes = (code: string, day: number) =>
    drafts.push({ code, codeSystem: SNOMED_CT_OID, kind: 'condition', day, diabetes: true });
  const snomed = (code: string, day: number) =>
    drafts.push({ code, codeSystem: SNOMED_CT_OID, kind: 'condition', day });
  const clinicalDay = () => rng.between(historyStart, R);

  if (rng.chance(diabetesRisk)) {
    const firstPossible = Math.min(Math.max(born + YEAR, R - 20 * YEAR), R);
    const diagnosis = rng.chance(0.02) ? R + rng.between(1, 300) : rng.between(firstPossible, R);
    let latest = diagnosis;
    diabetes(rng.pick(DM_COD_CODES), diagnosis);
    for (let k = rng.int(4); k > 0; k--) {
      const day = rng.chance(0.03) ? R + rng.between(1, 200) : rng.between(Math.min(diagnosis, R), R);
      if (day <= R && day > latest) latest = day;
      diabetes(rng.pick(DM_COD_CODES), day);
    }
    if (rng.chance(0.08)) {
      // Resolved: mostly after the latest diagnosis, sometimes on the same day (not "after", P6), before it,
      // or only after the reference date; a few are diagnosed again later.
      const v = rng.next();
      let resolved: number;
      if (v < 0.5) resolved = latest < R ? rng.between(latest + 1, R) : R;
      else if (v < 0.7) resolved = latest;
      else if (v < 0.85) resolved = latest - rng.between(1, 400);
      else resolved = R + rng.between(1, 100);
      diabetes(rng.pick(DMRES_COD_CODES), resolved);
      if (rng.chance(0.15) && resolved < R) diabetes(rng.pick(DM_COD_CODES), rng.between(resolved, R));
    }
    for (let k = rng.int(7); k > 0; k--)
      drafts.push(valued(rng, HBA1C, rng.between(Math.min(diagnosis, R), R)));
  } else if (rng.chance(0.003)) {
    diabetes(rng.pick(DMRES_COD_CODES), clinicalDay());
  }

  if (rng.chance(0.03)) {
    const dissent = rng.between(R - 8 * YEAR, R + 60);
    snomed(TYPE1_DISSENT_CODE, dissent);
    const v = rng.next();
    if (v < 0.3) snomed(TYPE1_DISSENT_WITHDRAWN_CODE, dissent + rng.between(1, 800));
    else if (v < 0.35) snomed(TYPE1_DISSENT_WITHDRAWN_CODE, dissent);
  }

  while (drafts.length < target) {
    const code = rng.pick(OTHER_CODES);
    const day = ctx.realistic && rng.chance(0.01) ? R + rng.between(1, 400) : clinicalDay();
    drafts.push(valued(rng, code, day));
  }

  if (ctx.realistic) {
    for (const draft of drafts) {
      // Diabetes entries get the data problems more often, so that they change the register in a test of size 10k.
      const weight = draft.diabetes ? 4 : 1;
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
