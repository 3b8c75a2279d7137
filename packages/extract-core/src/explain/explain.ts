import type { ProgramRule } from '../compile/program.js';
import type { BoundSpec } from '../compile/types.js';
import type { Ctx } from '../evaluate/context.js';
import { type BoundEngine, ENGINE } from '../evaluate/engine.js';
import { traceTable } from '../evaluate/rules.js';
import type { ExclusionReason, FieldValue, PatientResult, RuleOutcome } from '../evaluate/types.js';
import type { PatientRecord } from '../record.js';
import type { Condition, Operand } from '../spec/condition/ast.js';
import type { Action } from '../spec/model.js';

/** One rule reached by a patient: its condition, whether it held, and the values it read. */
export interface RuleStep {
  /** 1-based rule number. */
  readonly rule: number;
  /** The condition in canonical ASCII form. */
  readonly condition: string;
  readonly value: boolean;
  readonly branch: 'ifTrue' | 'ifFalse';
  readonly action: Action;
  /** The fields and parameters the condition reads, with their values for this patient. */
  readonly inputs: Readonly<Record<string, FieldValue>>;
}

/** Which table an explanation step belongs to. */
export type TableRef =
  | { readonly kind: 'population'; readonly name: string }
  | { readonly kind: 'denominator' | 'numerator'; readonly indicator: string }
  | { readonly kind: 'count'; readonly name: string };

/** How one rule table treated the patient. */
export interface TableExplanation {
  readonly table: TableRef;
  /** False when the patient never reached the table (its population did not select them). */
  readonly entered: boolean;
  /** Why the table was not entered, e.g. `not selected into GMS_REG`. */
  readonly notEnteredBecause?: string;
  readonly steps: readonly RuleStep[];
  readonly outcome?: RuleOutcome;
}

/** Why a patient is or is not in each output: the GP Extracts Verification view (C10). */
export interface PatientExplanation {
  readonly patientId: string;
  readonly excluded?: ExclusionReason;
  /** Every table of the spec, populations first (in dependency order), then indicators and counts. */
  readonly tables: readonly TableExplanation[];
  readonly fields: Readonly<Record<string, FieldValue>>;
  readonly result: PatientResult;
}

function engineOf(spec: BoundSpec): BoundEngine {
  const engine = (spec as unknown as Record<symbol, BoundEngine | undefined>)[ENGINE];
  if (!engine) throw new TypeError('explain needs a BoundSpec from CompiledSpec.bind');
  return engine;
}

function namesIn(c: Condition, out: Set<string>): void {
  const op = (o: Operand): void => {
    if (o.kind === 'name') out.add(o.name);
    else if (o.kind === 'call') for (const a of o.args) out.add(a.name);
    else if (o.kind === 'offset') op(o.base);
    else if (o.kind === 'group') op(o.inner);
  };
  switch (c.kind) {
    case 'and':
    case 'or':
      for (const i of c.items) namesIn(i, out);
      break;
    case 'not':
    case 'paren':
      namesIn(c.item, out);
      break;
    case 'compare':
      op(c.left);
      op(c.right);
      break;
    case 'isNull':
      op(c.operand);
      break;
  }
}

/**
 * Explains one patient: for every rule table, whether they reached it, each rule evaluated with the values it
 * read, and the decision. Evaluates the record again; the result equals `spec.evaluate(record)`.
 * @param spec a bound spec.
 * @param record the patient's record.
 */
export function explain(spec: BoundSpec, record: PatientRecord): PatientExplanation {
  const engine = engineOf(spec);
  const trace = engine.trace(record);
  const result = trace.result;
  if (result.excluded !== undefined || !trace.ctx) {
    return {
      patientId: result.patientId,
      excluded: result.excluded,
      tables: [],
      fields: result.fields,
      result,
    } as PatientExplanation;
  }
  const ctx = trace.ctx;
  const program = engine.program;
  const inputsOf = (rule: ProgramRule): Record<string, FieldValue> => {
    const names = new Set<string>();
    namesIn(rule.condition, names);
    const out: Record<string, FieldValue> = {};
    for (const n of names) {
      if (n in result.fields) out[n] = result.fields[n] as FieldValue;
      else if (n in spec.parameterValues) out[n] = spec.parameterValues[n] as FieldValue;
    }
    return out;
  };
  const run = (
    table: TableRef,
    rules: readonly ProgramRule[],
    c: Ctx,
    outcome: RuleOutcome,
  ): TableExplanation => ({
    table,
    entered: true,
    steps: traceTable(rules, engine.resolver, c).map((s) => {
      const rule = rules[s.rule - 1] as ProgramRule;
      return {
        rule: s.rule,
        condition: rule.text,
        value: s.value,
        branch: s.value ? 'ifTrue' : 'ifFalse',
        action: s.action,
        inputs: inputsOf(rule),
      };
    }),
    outcome,
  });
  const notEntered = (table: TableRef, because: string): TableExplanation => ({
    table,
    entered: false,
    notEnteredBecause: because,
    steps: [],
  });
  const tables: TableExplanation[] = [];
  program.populations.forEach((p, i) => {
    const table: TableRef = { kind: 'population', name: p.name };
    const out = trace.populations[i];
    if (out) tables.push(run(table, p.rules, ctx, out));
    else
      tables.push(
        notEntered(
          table,
          `not selected into ${program.populations[p.parent]?.name ?? 'its parent population'}`,
        ),
      );
  });
  for (const o of program.outputs) {
    const popName = (i: number) => program.populations[i]?.name ?? '';
    if (o.type === 'proportionIndicator') {
      const r = result.indicators[o.id];
      const dt: TableRef = { kind: 'denominator', indicator: o.id };
      const nt: TableRef = { kind: 'numerator', indicator: o.id };
      if (!r?.denominator) {
        tables.push(notEntered(dt, `not selected into ${popName(o.population)}`));
        tables.push(notEntered(nt, `not selected into ${popName(o.population)}`));
        continue;
      }
      tables.push(run(dt, o.denominator.rules, ctx, r.denominator));
      if (r.numerator) tables.push(run(nt, o.numerator.rules, ctx, r.numerator));
      else tables.push(notEntered(nt, `not selected into the denominator of ${o.id}`));
    } else if (o.type === 'count') {
      const t: TableRef = { kind: 'count', name: o.name };
      const r = result.counts[o.name];
      if (r) tables.push(run(t, o.rules, ctx, r));
      else tables.push(notEntered(t, `not selected into ${popName(o.population)}`));
    }
  }
  return { patientId: result.patientId, tables, fields: result.fields, result };
}

/** Options of {@link renderExplanation}. */
export interface RenderExplanationOptions {
  /**
   * Print the patient id and field values. Off by default so that a rendering can go to a log without patient
   * data; turn it on only for display to the practice.
   * @default false
   */
  readonly includeValues?: boolean;
}

function show(v: FieldValue, includeValues: boolean): string {
  if (!includeValues) return '[hidden]';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === null ? 'null' : String(x))).join(', ')}]`;
  return typeof v === 'string' ? v : String(v);
}

function tableName(t: TableRef): string {
  switch (t.kind) {
    case 'population':
      return `Population ${t.name}`;
    case 'count':
      return `Count ${t.name}`;
    default:
      return `Indicator ${t.indicator} ${t.kind}`;
  }
}

/**
 * Renders an explanation as text, one line per table and rule. Without `includeValues`, patient ids and field
 * values are replaced by `[hidden]`; rule numbers, conditions and decisions are always shown.
 */
export function renderExplanation(e: PatientExplanation, options: RenderExplanationOptions = {}): string {
  const iv = options.includeValues === true;
  const lines = [`Patient ${iv ? e.patientId : '[hidden]'}`];
  if (e.excluded) {
    lines.push(`  excluded from every output: ${e.excluded}`);
    return lines.join('\n');
  }
  for (const t of e.tables) {
    if (!t.entered) {
      lines.push(`  ${tableName(t.table)}: not entered (${t.notEnteredBecause ?? ''})`);
      continue;
    }
    const verdict = t.outcome?.selected ? 'SELECTED' : 'REJECTED';
    lines.push(
      `  ${tableName(t.table)}: ${verdict}${t.outcome && t.outcome.rule > 0 ? ` by rule ${t.outcome.rule}` : ' (no rules)'}`,
    );
    for (const s of t.steps) {
      const inputs = Object.entries(s.inputs)
        .map(([k, v]) => `${k}=${show(v, iv)}`)
        .join(', ');
      lines.push(
        `    rule ${s.rule}: ${s.condition} -> ${s.value} -> ${s.action}${inputs ? ` (${inputs})` : ''}`,
      );
    }
  }
  return lines.join('\n');
}
