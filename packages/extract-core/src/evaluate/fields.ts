import type { ProgramField } from '../compile/program.js';
import { ageInYears, parseIsoDate } from '../dates/calendar.js';
import type { JournalEntry } from '../record.js';
import type { TiePolicy } from '../spec/model.js';
import { compileCondition, type Resolver } from './closures.js';
import { type CondFn, type Ctx, numOrNull, type RawValue } from './context.js';
import { compareRecorded } from './order.js';
import type { Diagnostic } from './types.js';

/** What field closures read about the patient, prepared once per patient by the engine. @internal */
export interface PatientState {
  readonly journal: readonly JournalEntry[];
  /** Entry indices per cluster: dated, SNOMED CT, not removed by sealing. */
  readonly lists: readonly (readonly number[])[];
  /** Effective date (day number) by entry index; valid for the indices in `lists`. */
  readonly dates: ArrayLike<number>;
  /** GMS registration start and end dates (end NaN while open). */
  readonly regStart: readonly number[];
  readonly regEnd: readonly number[];
  readonly dob: number | null;
  readonly patient: Readonly<Record<string, unknown>>;
  diag(d: Diagnostic): void;
}

/** Computes one field for one patient. @internal */
export type FieldFn = (c: Ctx, s: PatientState) => RawValue;

/** Chooses among same-day values (P11). Returns true when `v`/`e` beats the current best. */
function beats(tie: TiePolicy, v: number, e: JournalEntry, bestV: number, bestE: JournalEntry): boolean {
  if (tie === 'min') return v < bestV;
  if (tie === 'max') return v > bestV;
  return compareRecorded(e, bestE) > 0;
}

/** Builds the closure of one field at bind time. @internal */
export function compileField(
  f: ProgramField,
  r: Resolver,
  clusterOf: (name: string) => number,
  paramDay: (name: string) => number | undefined,
): FieldFn {
  const d = f.decl;
  const where: CondFn | null = f.where ? compileCondition(f.where, r) : null;
  switch (d.kind) {
    case 'patientAttribute': {
      const attr = d.attribute;
      if (attr === 'dateOfBirth') return (_c, s) => s.dob;
      if (attr === 'dateOfDeath') return (_c, s) => parseIsoDate(s.patient.dateOfDeath);
      return (_c, s) => {
        const x = s.patient[attr];
        return typeof x === 'string' ? x : null;
      };
    }
    case 'age': {
      const name = d.name;
      const atField = r.field(d.at);
      const atParam = atField === undefined ? paramDay(d.at) : undefined;
      return (c, s) => {
        const at = atField === undefined ? (atParam ?? null) : (c.v[atField] as number | null);
        if (s.dob === null) {
          s.diag({
            code: 'MISSING_DATE_OF_BIRTH',
            field: name,
            message: 'no valid date of birth: the age is null',
          });
          return null;
        }
        if (at === null) return null;
        const age = ageInYears(s.dob, at);
        if (age < 0)
          s.diag({
            code: 'NEGATIVE_AGE',
            field: name,
            message: 'the date of birth is after the reference date',
          });
        return age;
      };
    }
    case 'registrationDate': {
      const latest = d.select === 'latest';
      const start = d.boundary === 'start';
      return (c, s) => {
        const ds = start ? s.regStart : s.regEnd;
        let best: number | null = null;
        for (let i = 0; i < ds.length; i++) {
          const x = ds[i] as number;
          if (Number.isNaN(x)) continue;
          if (best !== null && (latest ? x <= best : x >= best)) continue;
          if (where) {
            c.cd = x;
            c.ce = undefined;
            if (!where(c)) continue;
          }
          best = x;
        }
        return best;
      };
    }
    case 'date': {
      const latest = d.select === 'latest';
      if ('cluster' in d.source) {
        const ci = clusterOf(d.source.cluster);
        return (c, s) => {
          const list = s.lists[ci] as readonly number[];
          const dates = s.dates;
          let best: number | null = null;
          for (let i = 0; i < list.length; i++) {
            const k = list[i] as number;
            const x = dates[k] as number;
            // Only a candidate that would improve on the best so far needs its Where evaluated.
            if (best !== null && (latest ? x <= best : x >= best)) continue;
            if (where) {
              c.cd = x;
              c.ce = s.journal[k];
              if (!where(c)) continue;
            }
            best = x;
          }
          return best;
        };
      }
      const ai = r.field(d.source.fromArray) as number;
      return (c) => {
        const arr = c.v[ai] as readonly number[];
        let best: number | null = null;
        for (let i = 0; i < arr.length; i++) {
          const x = arr[i] as number;
          if (best !== null && (latest ? x <= best : x >= best)) continue;
          if (where) {
            c.cd = x;
            c.ci = i;
            if (!where(c)) continue;
          }
          best = x;
        }
        return best;
      };
    }
    case 'dateArray': {
      const ci = clusterOf(d.cluster);
      return (c, s) => {
        const list = s.lists[ci] as readonly number[];
        const out: number[] = [];
        for (let i = 0; i < list.length; i++) {
          const k = list[i] as number;
          const x = s.dates[k] as number;
          if (where) {
            c.cd = x;
            c.ce = s.journal[k];
            if (!where(c)) continue;
          }
          out.push(x);
        }
        out.sort((a, b) => a - b);
        let n = 0;
        for (let i = 0; i < out.length; i++)
          if (i === 0 || out[i] !== out[n - 1]) out[n++] = out[i] as number;
        out.length = n;
        return out;
      };
    }
    case 'value': {
      const ci = clusterOf(d.cluster);
      const on = r.field(d.recordedOn) as number;
      const slot = d.slot;
      const tie = d.tie;
      return (c, s) => {
        const target = c.v[on] as number | null;
        if (target === null) return null;
        const list = s.lists[ci] as readonly number[];
        let bestV: number | null = null;
        let bestE: JournalEntry | undefined;
        for (let i = 0; i < list.length; i++) {
          const k = list[i] as number;
          if (s.dates[k] !== target) continue;
          const e = s.journal[k] as JournalEntry;
          const v = numOrNull(e[slot]);
          if (v === null) continue;
          if (where) {
            c.cd = target;
            c.ce = e;
            if (!where(c)) continue;
          }
          if (bestV === null || beats(tie, v, e, bestV, bestE as JournalEntry)) {
            bestV = v;
            bestE = e;
          }
        }
        return bestV;
      };
    }
    case 'valueArray': {
      const ci = clusterOf(d.cluster);
      const on = r.field(d.recordedOnEach) as number;
      const slot = d.slot;
      const tie = d.tie;
      return (c, s) => {
        const arr = c.v[on] as readonly number[];
        const out: (number | null)[] = new Array(arr.length).fill(null);
        const bestE: (JournalEntry | undefined)[] = new Array(arr.length);
        const list = s.lists[ci] as readonly number[];
        for (let i = 0; i < list.length; i++) {
          const k = list[i] as number;
          const x = s.dates[k] as number;
          const pos = binarySearch(arr, x);
          if (pos < 0) continue;
          const e = s.journal[k] as JournalEntry;
          const v = numOrNull(e[slot]);
          if (v === null) continue;
          if (where) {
            c.cd = x;
            c.ce = e;
            if (!where(c)) continue;
          }
          const cur = out[pos] as number | null;
          if (cur === null || beats(tie, v, e, cur, bestE[pos] as JournalEntry)) {
            out[pos] = v;
            bestE[pos] = e;
          }
        }
        return out;
      };
    }
    case 'latestOf':
    case 'earliestOf': {
      const idx = d.of.map((n) => r.field(n) as number);
      const latest = d.kind === 'latestOf';
      return (c) => {
        let best: number | null = null;
        for (const i of idx) {
          const x = c.v[i] as number | null;
          if (x !== null && (best === null || (latest ? x > best : x < best))) best = x;
        }
        return best;
      };
    }
  }
}

function binarySearch(arr: readonly number[], x: number): number {
  let lo = 0;
  let hi = arr.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = arr[mid] as number;
    if (m === x) return mid;
    if (m < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
