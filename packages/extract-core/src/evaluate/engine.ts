import type { Program, ProgramOutput } from '../compile/program.js';
import type { BoundSpec, CompiledSpec } from '../compile/types.js';
import { formatDate, parseDatePart, parseIsoDate } from '../dates/calendar.js';
import { compilePatientLevel, type PatientLevelFn } from '../output/patient-level.js';
import { type JournalEntry, type PatientRecord, SNOMED_CT_OID } from '../record.js';
import type { Resolver } from './closures.js';
import { type Ctx, idText, type RawValue } from './context.js';
import { compileField, type FieldFn, type PatientState } from './fields.js';
import { compileTable, type TableFn } from './rules.js';
import type { RunSettings } from './settings.js';
import { tallyKey } from './tally.js';
import type { Diagnostic, ExclusionReason, FieldValue, PatientResult, RuleOutcome } from './types.js';

const EMPTY: readonly never[] = Object.freeze([]);
const EMPTY_OBJ: Readonly<Record<string, never>> = Object.freeze({});

/** Internal access for `explain` and the parallel runner, shared across ESM and CJS copies. @internal */
export const ENGINE = Symbol.for('@gpes/extract-core/engine');

/** The per-patient evaluation of a bound spec. @internal */
export interface EvaluationTrace {
  readonly result: PatientResult;
  /** Present unless the patient was excluded. */
  readonly ctx?: Ctx;
  readonly populations: readonly (RuleOutcome | undefined)[];
}

type ResultFormatter = (v: RawValue) => FieldValue;

/** A bound specification: closures built once per run, evaluated per patient. @internal */
export class BoundEngine implements BoundSpec {
  readonly policies: { readonly monthArithmetic: 'clamp' | 'rollForward' };
  readonly parameterValues: Readonly<Record<string, string | number>>;
  readonly resolver: Resolver;
  private readonly codeIndex: Map<string, number[]>;
  private readonly fieldFns: FieldFn[];
  private readonly formatters: ResultFormatter[];
  private readonly tables: TableFn[];
  private readonly outputTables: (
    | { readonly denominator: TableFn; readonly numerator: TableFn }
    | TableFn
    | undefined
  )[];
  private readonly nClusters: number;
  private readonly patientLevel: PatientLevelFn | undefined;
  private readonly resultFields: readonly (readonly [string, number])[];
  private readonly popScratch: (RuleOutcome | undefined)[];
  /** Scratch reused across patients; `busy` guards against re-entry through a vendor hook. */
  private scratchLists: number[][] | undefined;
  private scratchDates = new Float64Array(64);
  private busy = false;

  constructor(
    readonly spec: CompiledSpec,
    readonly program: Program,
    readonly settings: RunSettings,
  ) {
    this.policies = Object.freeze({ monthArithmetic: settings.monthArithmetic });
    this.parameterValues = settings.parameterValues;
    const fieldIndex = new Map(program.fields.map((f, i) => [f.decl.name, i] as const));
    this.resolver = {
      field: (name) => fieldIndex.get(name),
      isTextField: (i) => program.fields[i]?.type === 'text',
      arrayKind: (i) => {
        const t = program.fields[i]?.type;
        return t === 'dateArray' || t === 'valueArray' ? t : undefined;
      },
      param: (name) => settings.params.get(name) as number | string,
      monthArithmetic: settings.monthArithmetic,
    };
    this.codeIndex = new Map();
    program.clusters.forEach((c, ci) => {
      if (c.codeSystem !== SNOMED_CT_OID) return; // P16: clusters are SNOMED CT reference sets
      for (const m of c.members) {
        const list = this.codeIndex.get(m.code);
        if (!list) this.codeIndex.set(m.code, [ci]);
        else if (!list.includes(ci)) list.push(ci);
      }
    });
    this.nClusters = program.clusters.length;
    const clusterOf = (name: string) => program.clusterIndex.get(name) as number;
    const paramDay = (name: string) => {
      const p = settings.params.get(name);
      return typeof p === 'number' ? p : undefined;
    };
    this.fieldFns = program.fields.map((f) => compileField(f, this.resolver, clusterOf, paramDay));
    this.resultFields = program.declaredFieldOrder.map(
      (name) => [name, fieldIndex.get(name) as number] as const,
    );
    this.patientLevel = compilePatientLevel(program, this.resolver);
    this.formatters = program.fields.map((f) => formatterFor(f.type));
    this.tables = program.populations.map((p) => compileTable(p.rules, this.resolver));
    this.outputTables = program.outputs.map((o) => {
      if (o.type === 'proportionIndicator') {
        return {
          denominator: compileTable(o.denominator.rules, this.resolver),
          numerator: compileTable(o.numerator.rules, this.resolver),
        };
      }
      if (o.type === 'count') return compileTable(o.rules, this.resolver);
      return undefined;
    });
    this.popScratch = new Array(program.populations.length);
  }

  /** Internal hooks for `explain`. */
  get [ENGINE](): BoundEngine {
    return this;
  }

  evaluate(record: PatientRecord): PatientResult {
    return this.trace(record).result;
  }

  /** Evaluates one patient and keeps the state an explanation needs. */
  trace(record: PatientRecord): EvaluationTrace {
    const reentrant = this.busy;
    this.busy = true;
    try {
      return this.run(record, reentrant);
    } finally {
      if (!reentrant) this.busy = false;
    }
  }

  private run(record: PatientRecord, fresh: boolean): EvaluationTrace {
    const program = this.program;
    const settings = this.settings;
    const { rec, patient, patientId, journal } = patientParts(record);
    let diags: Diagnostic[] | undefined;
    const diag = (d: Diagnostic) => {
      if (diags) diags.push(d);
      else diags = [d];
    };

    // Scratch buffers: per-cluster entry lists and entry dates, reused across patients.
    let lists = fresh ? undefined : this.scratchLists;
    if (!lists) {
      lists = Array.from({ length: this.nClusters }, () => []);
      if (!fresh) this.scratchLists = lists;
    } else for (const l of lists) l.length = 0;
    if (!fresh) this.scratchDates = datesScratch(this.scratchDates, journal.length);
    const dates = fresh ? new Float64Array(journal.length) : this.scratchDates;

    // One pass over the journal: sealing, exclusion codes, dissent, cluster membership, dates (P9, P14-P16, P19).
    const sealedOut = !settings.sealedDataUsed;
    const excl = settings.exclusionCodes.size > 0 ? settings.exclusionCodes : undefined;
    const dissent = program.dissentCluster;
    const withdrawn = program.dissentWithdrawnCluster;
    const found = new Findings();
    const codeIndex = this.codeIndex;
    for (let i = 0; i < journal.length; i++) {
      const e = journal[i];
      if (typeof e !== 'object' || e === null) continue;
      if (sealedOut && e.sealed === true) continue;
      if (excl) found.exclusionCode(e, excl.get(e.codeSystem)?.get(e.code));
      if (e.codeSystem !== SNOMED_CT_OID) {
        diag(nonSnomed(e));
        continue;
      }
      const cls = codeIndex.get(e.code);
      if (cls === undefined) {
        if (e.effectiveDate === undefined) diag(undated(e, false));
        continue;
      }
      const d = parseIsoDate(e.effectiveDate);
      for (let j = 0; j < cls.length; j++) {
        const ci = cls[j] as number;
        if (ci === dissent) found.dissent(e, d);
        if (ci === withdrawn) found.withdrawal(e, d);
        if (d !== null) (lists[ci] as number[]).push(i);
      }
      if (d === null) diag(undated(e, e.effectiveDate !== undefined));
      else dates[i] = d;
    }

    // Participation exclusions, in the order P19 lists them.
    const excluded = found.exclusion(program.type1OptOut, settings, patient, () =>
      careDecision(settings, record),
    );
    if (excluded !== undefined) return excludedTrace(patientId, excluded);

    const { regStart, regEnd } = gmsRegistrations(rec, diag);
    const dob = patient.dateOfBirth === undefined ? null : parseIsoDate(patient.dateOfBirth);
    const state: PatientState = { journal, lists, dates, regStart, regEnd, dob, patient, diag };
    const n = this.fieldFns.length;
    const ctx: Ctx = { v: new Array<RawValue>(n), cd: 0, ce: undefined, ci: 0 };
    for (let i = 0; i < n; i++) ctx.v[i] = (this.fieldFns[i] as FieldFn)(ctx, state);

    return this.complete(patientId, state, ctx, diag, () => diags ?? EMPTY);
  }

  /** Runs the population tables in dependency order (P2): a population whose parent did not select is skipped. */
  private runPopulations(ctx: Ctx, popOut: (RuleOutcome | undefined)[]): void {
    const pops = this.program.populations;
    for (let i = 0; i < pops.length; i++) {
      const p = pops[i] as Program['populations'][number];
      popOut[i] =
        p.parent >= 0 && popOut[p.parent]?.selected !== true ? undefined : (this.tables[i] as TableFn)(ctx);
    }
  }

  /**
   * Counts one included patient, running the same tables as `complete` but building no result: slot `oi` counts
   * output `oi` (a proportion's denominator), slot `outputs + oi` a proportion's numerator. The aggregate-only
   * path of a specification set; {@link countsByKey} turns the slots into a tally's counts. @internal
   */
  count(ctx: Ctx, counts: Float64Array): void {
    const popOut = this.popScratch;
    this.runPopulations(ctx, popOut);
    const outputs = this.program.outputs;
    for (let oi = 0; oi < outputs.length; oi++) {
      const o = outputs[oi] as ProgramOutput;
      if (o.type === 'parameterValue' || o.type === 'patientLevelExtract') continue;
      if (popOut[o.population]?.selected !== true) continue;
      if (o.type === 'registerIndicator') (counts[oi] as number)++;
      else if (o.type === 'proportionIndicator') {
        const t = this.outputTables[oi] as { denominator: TableFn; numerator: TableFn };
        if (!t.denominator(ctx).selected) continue;
        (counts[oi] as number)++;
        if (t.numerator(ctx).selected) (counts[outputs.length + oi] as number)++;
      } else if ((this.outputTables[oi] as TableFn)(ctx).selected) (counts[oi] as number)++;
    }
  }

  /** The counts of {@link count}'s slots, keyed by `tallyKey`. @internal */
  countsByKey(counts: Float64Array): Map<string, number> {
    const out = new Map<string, number>();
    const n = this.program.outputs.length;
    this.program.outputs.forEach((o, oi) => {
      const add = (key: string, slot: number) => out.set(key, (out.get(key) ?? 0) + (counts[slot] as number));
      if (o.type === 'registerIndicator') add(tallyKey.register(o.id), oi);
      else if (o.type === 'proportionIndicator') {
        add(tallyKey.denominator(o.id), oi);
        add(tallyKey.numerator(o.id), n + oi);
      } else if (o.type === 'count') add(tallyKey.count(o.name), oi);
    });
    return out;
  }

  /**
   * Evaluates populations and outputs, builds patient-level records and the result, from fields already computed
   * into `ctx` (in this program's field order) and a state whose `lists` follow this program's clusters.
   * @internal
   */
  complete(
    patientId: string,
    state: PatientState,
    ctx: Ctx,
    diag: (d: Diagnostic) => void,
    diagnostics: () => readonly Diagnostic[],
    format?: (field: number) => FieldValue,
  ): EvaluationTrace {
    const program = this.program;
    const pops = program.populations;
    const popOut: (RuleOutcome | undefined)[] = new Array(pops.length);
    this.runPopulations(ctx, popOut);
    const populations: Record<string, RuleOutcome> = {};
    for (let i = 0; i < pops.length; i++) {
      const out = popOut[i];
      if (out) populations[(pops[i] as Program['populations'][number]).name] = out;
    }

    let indicators: Record<string, { denominator?: RuleOutcome; numerator?: RuleOutcome }> | undefined;
    let counts: Record<string, RuleOutcome> | undefined;
    const outputs = program.outputs;
    for (let oi = 0; oi < outputs.length; oi++) {
      const o = outputs[oi] as ProgramOutput;
      if (o.type === 'proportionIndicator') {
        if (popOut[o.population]?.selected !== true) continue;
        const t = this.outputTables[oi] as { denominator: TableFn; numerator: TableFn };
        const denominator = t.denominator(ctx);
        indicators ??= {};
        indicators[o.id] = denominator.selected
          ? { denominator, numerator: t.numerator(ctx) }
          : { denominator };
      } else if (o.type === 'count') {
        if (popOut[o.population]?.selected !== true) continue;
        counts ??= {};
        counts[o.name] = (this.outputTables[oi] as TableFn)(ctx);
      }
    }
    const patientLevel = this.patientLevel?.(popOut, state, ctx, diag);

    const fields: Record<string, FieldValue> = {};
    const rf = this.resultFields;
    for (let k = 0; k < rf.length; k++) {
      const [name, i] = rf[k] as readonly [string, number];
      fields[name] = format ? format(i) : (this.formatters[i] as ResultFormatter)(ctx.v[i] as RawValue);
    }

    // Two literals rather than a spread: the same key order, without the cost of spreading per patient.
    const result: PatientResult = patientLevel
      ? {
          patientId,
          fields,
          populations,
          indicators: indicators ?? EMPTY_OBJ,
          counts: counts ?? EMPTY_OBJ,
          patientLevel,
          diagnostics: diagnostics(),
        }
      : {
          patientId,
          fields,
          populations,
          indicators: indicators ?? EMPTY_OBJ,
          counts: counts ?? EMPTY_OBJ,
          diagnostics: diagnostics(),
        };
    return { result, ctx, populations: popOut };
  }
}

/** A buffer for `n` entry dates: `held` when it is large enough, else one with room to grow. @internal */
export function datesScratch(held: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  return held.length >= n ? held : new Float64Array(Math.max(n, held.length * 2));
}

/** A record's parts, read without ever throwing on odd input (P22). @internal */
export function patientParts(record: PatientRecord): {
  rec: Partial<PatientRecord>;
  patient: Readonly<Record<string, unknown>>;
  patientId: string;
  journal: readonly JournalEntry[];
} {
  const rec = (typeof record === 'object' && record !== null ? record : {}) as Partial<PatientRecord>;
  const patient = (typeof rec.patient === 'object' && rec.patient !== null ? rec.patient : {}) as Readonly<
    Record<string, unknown>
  >;
  const journal: readonly JournalEntry[] = Array.isArray(rec.journal) ? rec.journal : EMPTY;
  return { rec, patient, patientId: idText(patient.patientId), journal };
}

/** What the journal says about participation (P19a, b), entry by entry. @internal */
export class Findings {
  private dissentLatest = Number.NEGATIVE_INFINITY;
  private dissentSeen = false;
  private withdrawnLatest = Number.NEGATIVE_INFINITY;
  private exclPresent = false;
  private exclDissentSeen = false;
  private exclDissentLatest = Number.NEGATIVE_INFINITY;

  /** An entry whose code is an RTP exclusion code (`hit` true when it is also a dissent code). */
  exclusionCode(e: JournalEntry, hit: boolean | undefined): void {
    if (hit === false) this.exclPresent = true;
    else if (hit === true) {
      this.exclDissentSeen = true;
      this.exclDissentLatest = Math.max(
        this.exclDissentLatest,
        participationDate(e, Number.POSITIVE_INFINITY),
      );
    }
  }

  /** An entry of the dissent cluster, with its effective date if valid. */
  dissent(e: JournalEntry, d: number | null): void {
    this.dissentSeen = true;
    this.dissentLatest = Math.max(this.dissentLatest, d ?? participationDate(e, Number.POSITIVE_INFINITY));
  }

  /** An entry of the dissent-withdrawn cluster, with its effective date if valid. */
  withdrawal(e: JournalEntry, d: number | null): void {
    this.withdrawnLatest = Math.max(
      this.withdrawnLatest,
      d ?? participationDate(e, Number.NEGATIVE_INFINITY),
    );
  }

  /** The P19 exclusion, in the order P19 lists them; `care` asks the sharing hook. */
  exclusion(
    type1OptOut: boolean,
    settings: RunSettings,
    patient: Readonly<Record<string, unknown>>,
    care: () => unknown,
  ): ExclusionReason | undefined {
    return participationExclusion(
      type1OptOut && this.dissentSeen && !(this.withdrawnLatest > this.dissentLatest),
      this.exclPresent || (this.exclDissentSeen && !(this.withdrawnLatest > this.exclDissentLatest)),
      settings,
      patient,
      care,
    );
  }
}

/** The diagnostic of an entry not coded in SNOMED CT (P16). @internal */
export function nonSnomed(e: JournalEntry): Diagnostic {
  return { code: 'NON_SNOMED_ENTRY_IGNORED', entryId: safeId(e), message: 'entry is not coded in SNOMED CT' };
}

/** The P19 exclusion of a patient, given the journal findings; `care` asks the sharing hook. */
function participationExclusion(
  optedOut: boolean,
  exclusionCode: boolean,
  settings: RunSettings,
  patient: Readonly<Record<string, unknown>>,
  care: () => unknown,
): ExclusionReason | undefined {
  if (optedOut) return 'TYPE1_OPT_OUT';
  if (exclusionCode) return 'EXCLUSION_CODE';
  if (settings.excludeSFlagged && patient.pdsSensitive === true) return 'PDS_S_FLAG';
  if (!settings.sealedDataUsed && patient.recordSealed === true) return 'RECORD_SEALED';
  if (settings.careRecordSharing && care() !== 'include') return 'CARE_RECORD_SHARING';
  return undefined;
}

/** Asks the care-record-sharing hook, failing closed. @internal */
export function careDecision(settings: RunSettings, record: PatientRecord): unknown {
  try {
    return settings.careRecordSharing?.(record);
  } catch {
    return 'exclude'; // fail closed: a hook that cannot decide must not disclose the record
  }
}

/** The trace of an excluded patient. @internal */
export function excludedTrace(patientId: string, excluded: ExclusionReason): EvaluationTrace {
  return {
    result: {
      patientId,
      excluded,
      fields: EMPTY_OBJ,
      populations: EMPTY_OBJ,
      indicators: EMPTY_OBJ,
      counts: EMPTY_OBJ,
      diagnostics: EMPTY,
    },
    populations: EMPTY,
  };
}

/** GMS registrations as day numbers (P17), reporting invalid and overlapping ones. @internal */
export function gmsRegistrations(
  rec: Partial<PatientRecord>,
  diag: (d: Diagnostic) => void,
): { regStart: number[]; regEnd: number[] } {
  const regStart: number[] = [];
  const regEnd: number[] = [];
  const regs = Array.isArray(rec.registrations) ? rec.registrations : EMPTY;
  for (const reg of regs) {
    if (typeof reg !== 'object' || reg === null || reg.type !== 'GMS') continue;
    const s = parseIsoDate(reg.startDate);
    const end = reg.endDate === undefined ? Number.NaN : parseIsoDate(reg.endDate);
    if (s === null || end === null) {
      diag({
        code: 'INVALID_REGISTRATION_IGNORED',
        message: 'a GMS registration has an invalid start or end date',
      });
      continue;
    }
    regStart.push(s);
    regEnd.push(end);
  }
  if (regStart.length > 1 && overlapping(regStart, regEnd)) {
    diag({
      code: 'OVERLAPPING_GMS_REGISTRATIONS',
      message: 'GMS registrations overlap; evaluated as written',
    });
  }
  return { regStart, regEnd };
}

/** The date P19 uses for a participation entry: the effective date, else the date part of `recordedAt`. */
export function participationDate(e: JournalEntry, fallback: number): number {
  return parseIsoDate(e.effectiveDate) ?? parseDatePart(e.recordedAt) ?? fallback;
}

/** @internal */
export function safeId(e: JournalEntry): string | undefined {
  return typeof e.entryId === 'string' ? e.entryId : undefined;
}

/** @internal */
export function undated(e: JournalEntry, invalid: boolean): Diagnostic {
  return {
    code: 'UNDATED_ENTRY_IGNORED',
    entryId: safeId(e),
    message: invalid
      ? 'entry has an effective date that is not a valid calendar date'
      : 'entry has no effective date',
  } as Diagnostic;
}

/** True when two GMS registrations overlap: one starts before another (started earlier) has ended. */
function overlapping(start: readonly number[], end: readonly number[]): boolean {
  const order = start.map((_, i) => i).sort((a, b) => (start[a] as number) - (start[b] as number));
  let openUntil = Number.NEGATIVE_INFINITY;
  for (const i of order) {
    if ((start[i] as number) < openUntil) return true;
    const e = end[i] as number;
    const until = Number.isNaN(e) ? Number.POSITIVE_INFINITY : e;
    if (until > openUntil) openUntil = until;
  }
  return false;
}

/** @internal */
export function formatterFor(type: string): ResultFormatter {
  switch (type) {
    case 'date':
      return (v) => (v === null ? null : formatDate(v as number));
    case 'dateArray':
      return (v) => (v as readonly number[]).map(formatDate);
    case 'valueArray':
      return (v) => (v as readonly (number | null)[]).slice();
    default:
      return (v) => v as FieldValue;
  }
}
