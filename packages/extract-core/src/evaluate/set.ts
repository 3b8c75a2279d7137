import type { RunContext } from '../bind/types.js';
import { compileSpec } from '../compile/compile.js';
import type { ProgramField } from '../compile/program.js';
import type { BoundSpec, CompiledSpec } from '../compile/types.js';
import { parseIsoDate } from '../dates/calendar.js';
import { type JournalEntry, type PatientRecord, SNOMED_CT_OID } from '../record.js';
import type { Condition, Operand } from '../spec/condition/ast.js';
import type { FieldDecl, QuerySpecDocument } from '../spec/model.js';
import type { Resolver } from './closures.js';
import type { Ctx, RawValue } from './context.js';
import {
  type BoundEngine,
  careDecision,
  datesScratch,
  ENGINE,
  type EvaluationTrace,
  excludedTrace,
  Findings,
  formatterFor,
  gmsRegistrations,
  nonSnomed,
  patientParts,
  undated,
} from './engine.js';
import { compileField, type FieldFn, type PatientState } from './fields.js';
import type { Diagnostic, FieldValue, PatientResult } from './types.js';

const EMPTY: readonly never[] = Object.freeze([]);
/** What a counting run returns: nothing. */
const NO_TRACES: EvaluationTrace[] = [];
/** The findings of a patient with no participation entries: never written to. */
const NO_FINDINGS = new Findings();

/** Several specifications compiled to be evaluated together (compile once, run many). */
export interface CompiledSpecSet {
  /** The specifications, in the order given. */
  readonly specs: readonly CompiledSpec[];
  /**
   * Binds every specification to the same run (as `CompiledSpec.bind` does for each) and shares what they have
   * in common: identical code clusters are matched once, identical fields (after binding) computed once.
   */
  bind(run: RunContext): Promise<BoundSpecSet>;
}

/** A specification set bound to one run: evaluates each patient for every specification in one pass. */
export interface BoundSpecSet {
  /** Each specification bound on its own: use them for tallies, explanations and QR output. */
  readonly specs: readonly BoundSpec[];
  /** How much the set shares: fields declared over all specifications, and fields actually computed. */
  readonly sharing: {
    readonly fields: number;
    readonly distinctFields: number;
    readonly clusters: number;
    readonly distinctClusters: number;
  };
  /**
   * Evaluates one patient for every specification: result `i` is exactly `specs[i].evaluate(record)`. One pass over
   * the journal; each distinct field is computed once. Never throws on bad record data.
   */
  evaluate(record: PatientRecord): readonly PatientResult[];
}

/**
 * Compiles specifications to be evaluated together in one pass over each patient's journal (see
 * {@link BoundSpecSet}). Results, tallies, explanations and QR records are exactly those of each specification
 * evaluated alone.
 * @param specs compiled specifications, or XML text / documents to compile.
 * @throws SpecError when a specification given as a source is invalid.
 */
export function compileSpecSet(
  specs: readonly (CompiledSpec | string | QuerySpecDocument)[],
): CompiledSpecSet {
  if (!Array.isArray(specs)) throw new TypeError('compileSpecSet takes a list of specifications');
  const compiled = specs.map((s) =>
    typeof s === 'object' && s !== null && typeof (s as CompiledSpec).bind === 'function'
      ? (s as CompiledSpec)
      : compileSpec(s as string | QuerySpecDocument),
  );
  return Object.freeze({
    specs: Object.freeze(compiled),
    bind: async (run: RunContext): Promise<BoundSpecSet> => {
      const bound = await Promise.all(compiled.map((s) => s.bind(run)));
      return new SetEngine(bound);
    },
  });
}

function engineOf(b: BoundSpec): BoundEngine {
  const e = (b as unknown as { [ENGINE]?: BoundEngine })[ENGINE];
  if (!e) throw new TypeError('not a BoundSpec from CompiledSpec.bind');
  return e;
}

/** One specification of the set, with its indices into the shared clusters and fields. */
interface Member {
  readonly engine: BoundEngine;
  /** Shared cluster of each of the spec's clusters. */
  readonly clusterMap: readonly number[];
  /** Shared field of each of the spec's fields (program order). */
  readonly fieldMap: readonly number[];
  /** The spec's per-cluster entry lists: the shared lists, by reference. */
  readonly lists: readonly number[][];
  /** Which shared clusters the spec uses. */
  readonly usesCluster: Uint8Array;
  readonly dissent: number;
  readonly withdrawn: number;
  readonly fieldNames: readonly string[];
  /** Objects reused from patient to patient (the set's results never expose them). */
  scratch: Scratch;
}

/** A spec's per-patient evaluation objects, reused from patient to patient. */
class Scratch {
  diags: Diagnostic[] | undefined;
  readonly v: RawValue[];
  readonly ctx: Ctx;
  readonly state: { -readonly [K in keyof PatientState]: PatientState[K] };
  readonly diag = (d: Diagnostic): void => {
    if (this.diags) this.diags.push(d);
    else this.diags = [d];
  };
  readonly diagnostics = (): readonly Diagnostic[] => this.diags ?? EMPTY;
  readonly format: (field: number) => FieldValue;

  constructor(m: Member, lists: readonly number[][], format: (u: number, value: RawValue) => FieldValue) {
    const v = new Array<RawValue>(m.fieldMap.length);
    this.v = v;
    this.ctx = { v, cd: 0, ce: undefined, ci: 0 };
    this.state = {
      journal: EMPTY,
      lists,
      dates: EMPTY,
      regStart: EMPTY,
      regEnd: EMPTY,
      dob: null,
      patient: {},
      diag: this.diag,
    };
    const map = m.fieldMap;
    this.format = (i) => format(map[i] as number, v[i] as RawValue);
  }
}

/** A diagnostic found in the journal pass; `clusters` set when only specs using one of them report it. */
interface JournalDiag {
  readonly d: Diagnostic;
  readonly clusters?: readonly number[];
}

class SetEngine implements BoundSpecSet {
  readonly specs: readonly BoundSpec[];
  readonly sharing: BoundSpecSet['sharing'];
  private readonly members: Member[];
  private readonly codeIndex = new Map<string, number[]>();
  private readonly nClusters: number;
  private readonly participationCluster: Uint8Array;
  private readonly fieldFns: FieldFn[] = [];
  /** Result formatting of each shared field; scalars are formatted once per patient and shared. */
  private readonly formatters: ((v: RawValue) => FieldValue)[] = [];
  private readonly scalar: boolean[] = [];
  private readonly formatted: FieldValue[] = [];
  private readonly formattedAt: Int32Array;
  private patientCount = 0;
  private stamp = -2;
  private readonly lists: number[][];
  private dates = new Float64Array(64);
  private readonly countValues: RawValue[] = [];
  private busy = false;

  constructor(bound: readonly BoundSpec[]) {
    this.specs = Object.freeze(bound.slice());
    const engines = bound.map(engineOf);
    // ---- clusters: identical code system and members are one cluster --------------------------------------
    const clusterKeys = new Map<string, number>();
    const clusterMembers: { codeSystem: string; codes: string[] }[] = [];
    const clusterMaps = engines.map((e) =>
      e.program.clusters.map((c) => {
        const codes = [...new Set(c.members.map((m) => m.code))].sort();
        const key = `${c.codeSystem}\u0000${codes.join('\u0000')}`;
        let u = clusterKeys.get(key);
        if (u === undefined) {
          u = clusterMembers.length;
          clusterKeys.set(key, u);
          clusterMembers.push({ codeSystem: c.codeSystem, codes });
        }
        return u;
      }),
    );
    this.nClusters = clusterMembers.length;
    clusterMembers.forEach((c, u) => {
      if (c.codeSystem !== SNOMED_CT_OID) return; // P16
      for (const code of c.codes) {
        const list = this.codeIndex.get(code);
        if (!list) this.codeIndex.set(code, [u]);
        else list.push(u);
      }
    });
    this.lists = Array.from({ length: this.nClusters }, () => []);
    this.participationCluster = new Uint8Array(this.nClusters);

    // ---- fields: identical bound definitions are one field ------------------------------------------------
    const fieldKeys = new Map<string, number>();
    const fieldTypes: string[] = [];
    let declared = 0;
    this.members = engines.map((engine, s) => {
      const program = engine.program;
      const clusterMap = clusterMaps[s] as number[];
      const index = new Map(program.fields.map((f, i) => [f.decl.name, i] as const));
      const fieldMap: number[] = [];
      const sharedOf = (name: string) => {
        const i = index.get(name);
        return i === undefined ? undefined : fieldMap[i];
      };
      const clusterOf = (name: string) => clusterMap[program.clusterIndex.get(name) as number] as number;
      const param = engine.resolver.param;
      const arith = engine.resolver.monthArithmetic;
      program.fields.forEach((f) => {
        declared++;
        const key = `${arith}|${fieldKey(f, sharedOf, clusterOf, param)}`;
        let u = fieldKeys.get(key);
        if (u === undefined) {
          u = this.fieldFns.length;
          fieldKeys.set(key, u);
          fieldTypes.push(f.type);
          // Compiled in this spec's terms, with names resolved to shared fields and clusters.
          const resolver: Resolver = {
            field: sharedOf,
            isTextField: (i) => fieldTypes[i] === 'text',
            arrayKind: (i) => {
              const t = fieldTypes[i];
              return t === 'dateArray' || t === 'valueArray' ? t : undefined;
            },
            param,
            monthArithmetic: arith,
          };
          const paramDay = (name: string) => {
            const p = engine.settings.params.get(name);
            return typeof p === 'number' ? p : undefined;
          };
          this.fieldFns.push(compileField(f, resolver, clusterOf, paramDay));
          this.formatters.push(formatterFor(f.type));
          this.scalar.push(f.type !== 'dateArray' && f.type !== 'valueArray');
        }
        fieldMap.push(u);
      });
      const usesCluster = new Uint8Array(this.nClusters);
      for (const u of clusterMap) usesCluster[u] = 1;
      const dissent = program.dissentCluster >= 0 ? (clusterMap[program.dissentCluster] as number) : -1;
      const withdrawn =
        program.dissentWithdrawnCluster >= 0 ? (clusterMap[program.dissentWithdrawnCluster] as number) : -1;
      if (dissent >= 0) this.participationCluster[dissent] = 1;
      if (withdrawn >= 0) this.participationCluster[withdrawn] = 1;
      return {
        engine,
        clusterMap,
        fieldMap,
        lists: clusterMap.map((u) => this.lists[u] as number[]),
        usesCluster,
        dissent,
        withdrawn,
        fieldNames: program.fields.map((f) => f.decl.name),
      } as Omit<Member, 'scratch'> as Member;
    });
    this.formattedAt = new Int32Array(this.fieldFns.length).fill(-1);
    for (const m of this.members)
      m.scratch = new Scratch(m, m.lists, (u, value) => this.formatOnce(u, value));
    this.sharing = Object.freeze({
      fields: declared,
      distinctFields: this.fieldFns.length,
      clusters: clusterMaps.reduce((n, m) => n + m.length, 0),
      distinctClusters: this.nClusters,
    });
  }

  /** A shared field's result value, formatted once per patient when it is a scalar. */
  private formatOnce(u: number, value: RawValue): FieldValue {
    const format = this.formatters[u] as (v: RawValue) => FieldValue;
    if (!this.scalar[u]) return format(value);
    if (this.formattedAt[u] === this.stamp) return this.formatted[u] as FieldValue;
    const f = format(value);
    this.formatted[u] = f;
    this.formattedAt[u] = this.stamp;
    return f;
  }

  evaluate(record: PatientRecord): readonly PatientResult[] {
    return this.traceAll(record).map((t) => t.result);
  }

  /**
   * Counts one patient into `counts[i]` (the slots of `BoundEngine.count`) for every specification `i` that
   * includes the patient, running the same journal pass, fields and tables as `evaluate` but building no result.
   * @internal the aggregate-only path of {@link aggregateSpecSet}.
   */
  countInto(record: PatientRecord, counts: readonly Float64Array[]): void {
    const reentrant = this.busy;
    this.busy = true;
    try {
      this.run(record, reentrant, counts);
    } finally {
      if (!reentrant) this.busy = false;
    }
  }

  /** Evaluates one patient for every spec. The traces' field values are scratch, reused for the next patient. */
  private traceAll(record: PatientRecord): EvaluationTrace[] {
    const reentrant = this.busy;
    this.busy = true;
    try {
      return this.run(record, reentrant);
    } finally {
      if (!reentrant) this.busy = false;
    }
  }

  private run(
    record: PatientRecord,
    reentrant: boolean,
    counts?: readonly Float64Array[],
  ): EvaluationTrace[] {
    const members = this.members;
    if (members.length === 0) return [];
    const { rec, patient, patientId, journal } = patientParts(record);
    // The run context is the same for every spec: sealing and the exclusion codes (by scheme and code) agree.
    const first = (members[0] as Member).engine.settings;

    let lists = this.lists;
    let views: readonly (readonly number[][])[] | undefined;
    if (reentrant) {
      lists = Array.from({ length: this.nClusters }, () => []);
      views = members.map((m) => m.clusterMap.map((u) => lists[u] as number[]));
    } else for (const l of lists) l.length = 0;
    if (!reentrant) this.dates = datesScratch(this.dates, journal.length);
    const dates = reentrant ? new Float64Array(journal.length) : this.dates;

    // One pass over the journal for every spec.
    const sealedOut = !first.sealedDataUsed;
    const excl = first.exclusionCodes.size > 0 ? first.exclusionCodes : undefined;
    const participationCluster = this.participationCluster;
    const codeIndex = this.codeIndex;
    let journalDiags: JournalDiag[] | undefined;
    let participation: number[] | undefined;
    // Counting keeps no diagnostics: it skips every call below that would build one.
    const note = (x: JournalDiag) => {
      if (journalDiags) journalDiags.push(x);
      else journalDiags = [x];
    };
    const mark = (i: number) => {
      if (participation) participation.push(i);
      else participation = [i];
    };
    for (let i = 0; i < journal.length; i++) {
      const e = journal[i];
      if (typeof e !== 'object' || e === null) continue;
      if (sealedOut && e.sealed === true) continue;
      let marked = false;
      if (excl?.get(e.codeSystem)?.has(e.code)) {
        mark(i);
        marked = true;
      }
      if (e.codeSystem !== SNOMED_CT_OID) {
        if (!counts) note({ d: nonSnomed(e) });
        continue;
      }
      const cls = codeIndex.get(e.code);
      if (cls === undefined) {
        if (e.effectiveDate === undefined && !counts) note({ d: undated(e, false) });
        continue;
      }
      const d = parseIsoDate(e.effectiveDate);
      for (let j = 0; j < cls.length; j++) {
        const u = cls[j] as number;
        if (!marked && participationCluster[u] === 1) {
          mark(i);
          marked = true;
        }
        if (d !== null) (lists[u] as number[]).push(i);
      }
      if (d !== null) dates[i] = d;
      else if (!counts) {
        // A spec that does not use these clusters reports only an entry with no date at all.
        note(
          e.effectiveDate === undefined ? { d: undated(e, false) } : { d: undated(e, true), clusters: cls },
        );
      }
    }

    let care: unknown;
    let asked = false;
    const askCare = () => {
      if (!asked) {
        care = careDecision(first, record);
        asked = true;
      }
      return care;
    };

    // Shared state: registrations, date of birth, and every distinct field, computed once.
    const computeShared = () => {
      const regDiags: Diagnostic[] = [];
      const { regStart, regEnd } = gmsRegistrations(rec, (d) => regDiags.push(d));
      const dob = patient.dateOfBirth === undefined ? null : parseIsoDate(patient.dateOfBirth);
      const fns = this.fieldFns;
      // Counting outside a hook reuses one array: nothing keeps the values past this patient.
      const values = counts && !reentrant ? this.countValues : new Array<RawValue>(fns.length);
      const fieldDiags: Diagnostic[][] = [];
      let current = 0;
      const state: PatientState = {
        journal,
        lists,
        dates,
        regStart,
        regEnd,
        dob,
        patient,
        diag: (d) => {
          const list = fieldDiags[current];
          if (list) list.push(d);
          else fieldDiags[current] = [d];
        },
      };
      const ctx: Ctx = { v: values, cd: 0, ce: undefined, ci: 0 };
      for (let u = 0; u < fns.length; u++) {
        current = u;
        values[u] = (fns[u] as FieldFn)(ctx, state);
      }
      return { regStart, regEnd, regDiags, values, fieldDiags, dob };
    };
    let shared: ReturnType<typeof computeShared> | undefined;

    // Formatted values of shared scalar fields, once per patient (arrays are copied for each result).
    if (this.patientCount === 0x3fffffff) {
      this.patientCount = 0;
      this.formattedAt.fill(-1);
    }
    if (!reentrant) this.stamp = this.patientCount++;
    // A call from inside a vendor hook formats without the cache (the outer call's cache stays valid).
    const formatShared = (u: number, value: RawValue): FieldValue =>
      (this.formatters[u] as (v: RawValue) => FieldValue)(value);

    const out: EvaluationTrace[] = counts ? NO_TRACES : new Array(members.length);
    for (let s = 0; s < members.length; s++) {
      const m = members[s] as Member;
      const settings = m.engine.settings;
      // Participation (P19), from the few entries that can decide it (most patients have none).
      const found = participation ? new Findings() : NO_FINDINGS;
      if (participation) {
        const mine = settings.exclusionCodes.size > 0 ? settings.exclusionCodes : undefined;
        for (const i of participation) {
          const e = journal[i] as JournalEntry;
          if (mine) found.exclusionCode(e, mine.get(e.codeSystem)?.get(e.code));
          if (e.codeSystem !== SNOMED_CT_OID) continue;
          const cls = codeIndex.get(e.code);
          if (cls === undefined) continue;
          const d = parseIsoDate(e.effectiveDate);
          if (m.dissent >= 0 && cls.includes(m.dissent)) found.dissent(e, d);
          if (m.withdrawn >= 0 && cls.includes(m.withdrawn)) found.withdrawal(e, d);
        }
      }
      const excluded = found.exclusion(m.engine.program.type1OptOut, settings, patient, askCare);
      if (excluded !== undefined) {
        if (!counts) out[s] = excludedTrace(patientId, excluded);
        continue;
      }
      shared ??= computeShared();
      const x = reentrant
        ? new Scratch(m, views?.[s] as number[][], (u, value) => formatShared(u, value))
        : m.scratch;
      if (counts) {
        // Aggregates only: the tables read nothing but the field values.
        for (let i = 0; i < m.fieldMap.length; i++)
          x.v[i] = shared.values[m.fieldMap[i] as number] as RawValue;
        m.engine.count(x.ctx, counts[s] as Float64Array);
        continue;
      }
      x.diags = undefined;
      if (journalDiags) {
        for (const j of journalDiags) {
          if (j.clusters === undefined || j.clusters.some((u) => m.usesCluster[u] === 1)) x.diag(j.d);
        }
      }
      for (const d of shared.regDiags) x.diag(d);
      const n = m.fieldMap.length;
      const v = x.v;
      for (let i = 0; i < n; i++) {
        const u = m.fieldMap[i] as number;
        v[i] = shared.values[u] as RawValue;
        const fd = shared.fieldDiags[u];
        if (fd) {
          const name = m.fieldNames[i] as string;
          for (const d of fd)
            x.diag('field' in d && d.field !== undefined ? ({ ...d, field: name } as Diagnostic) : d);
        }
      }
      const st = x.state;
      st.journal = journal;
      st.dates = dates;
      st.regStart = shared.regStart;
      st.regEnd = shared.regEnd;
      st.dob = shared.dob;
      st.patient = patient;
      out[s] = m.engine.complete(patientId, st, x.ctx, x.diag, x.diagnostics, x.format);
    }
    return out;
  }
}

/** A canonical text for a field's definition after binding: names of fields, clusters and parameters resolved. */
function fieldKey(
  f: ProgramField,
  field: (name: string) => number | undefined,
  cluster: (name: string) => number,
  param: (name: string) => number | string,
): string {
  const d: FieldDecl = f.decl;
  const ref = (name: string) => {
    const u = field(name);
    return u === undefined ? `P${JSON.stringify(param(name))}` : `F${u}`;
  };
  const where = f.where ? `|w=${conditionKey(f.where, ref)}` : '';
  switch (d.kind) {
    case 'patientAttribute':
      return `attr|${d.attribute}`;
    case 'age':
      return `age|${ref(d.at)}`;
    case 'registrationDate':
      return `reg|${d.boundary}|${d.select}${where}`;
    case 'date':
      return `date|${'cluster' in d.source ? `C${cluster(d.source.cluster)}` : ref(d.source.fromArray)}|${d.select}${where}`;
    case 'value':
      return `value|${ref(d.recordedOn)}|C${cluster(d.cluster)}|${d.slot}|${d.tie}${where}`;
    case 'dateArray':
      return `dates|C${cluster(d.cluster)}${where}`;
    case 'valueArray':
      return `values|${ref(d.recordedOnEach)}|C${cluster(d.cluster)}|${d.slot}|${d.tie}${where}`;
    case 'latestOf':
    case 'earliestOf':
      return `${d.kind}|${d.of.map(ref).join(',')}`;
  }
}

function conditionKey(c: Condition, ref: (name: string) => string): string {
  switch (c.kind) {
    case 'or':
    case 'and':
      return `${c.kind}(${c.items.map((x) => conditionKey(x, ref)).join(',')})`;
    case 'not':
      return `not(${conditionKey(c.item, ref)})`;
    case 'paren':
      return conditionKey(c.item, ref);
    case 'compare':
      return `(${operandKey(c.left, ref)}${c.op}${operandKey(c.right, ref)})`;
    case 'isNull':
      return `${c.negated ? 'notnull' : 'null'}(${operandKey(c.operand, ref)})`;
  }
}

function operandKey(o: Operand, ref: (name: string) => string): string {
  switch (o.kind) {
    case 'name':
      return `${o.form}:${ref(o.name)}`;
    case 'candidate':
      return `@${o.which}`;
    case 'dateLiteral':
      return `D${o.day}`;
    case 'number':
      return `N${o.value}`;
    case 'years':
      return `Y${o.value}`;
    case 'text':
      return `T${JSON.stringify(o.value)}`;
    case 'call':
      return `${o.fn}(${o.args.map((a) => operandKey(a, ref)).join(',')})`;
    case 'offset':
      return `(${operandKey(o.base, ref)}${o.sign > 0 ? '+' : '-'}${o.amount}${o.unit})`;
    case 'group':
      return operandKey(o.inner, ref);
  }
}

/**
 * The set's aggregate-only counter, when it is a set from {@link compileSpecSet} (a stand-in has none). @internal
 */
export function setCounter(set: BoundSpecSet):
  | {
      /** Zeroed counters, one per specification. */
      readonly slots: Float64Array[];
      readonly count: (record: PatientRecord, counts: readonly Float64Array[]) => void;
      /** Specification `i`'s counters, keyed as its tally keys them. */
      readonly byKey: (i: number, counts: Float64Array) => Map<string, number>;
    }
  | undefined {
  if (!(set instanceof SetEngine)) return undefined;
  return {
    slots: set.specs.map((s) => new Float64Array(2 * engineOf(s).program.outputs.length)),
    count: (record, counts) => set.countInto(record, counts),
    byKey: (i, counts) => engineOf(set.specs[i] as BoundSpec).countsByKey(counts),
  };
}
