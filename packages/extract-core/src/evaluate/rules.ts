import type { ProgramRule } from '../compile/program.js';
import { compileCondition, type Resolver } from './closures.js';
import type { CondFn, Ctx } from './context.js';
import type { RuleOutcome } from './types.js';

/** Runs one rule table for one patient. @internal */
export type TableFn = (c: Ctx) => RuleOutcome;

/** The outcome of an empty table (an empty denominator or count selects every member of its population). */
export const EMPTY_TABLE_OUTCOME: RuleOutcome = Object.freeze({ selected: true, rule: 0, branch: 'ifTrue' });

/** Compiles a rule table (P1). Outcomes are preallocated and frozen, so evaluation allocates nothing here. */
export function compileTable(rules: readonly ProgramRule[], r: Resolver): TableFn {
  if (rules.length === 0) return () => EMPTY_TABLE_OUTCOME;
  const conds: CondFn[] = rules.map((rule) => compileCondition(rule.condition, r));
  const actT = rules.map((rule) => rule.ifTrue);
  const actF = rules.map((rule) => rule.ifFalse);
  const outT = rules.map((rule, i) =>
    Object.freeze({ selected: rule.ifTrue === 'select', rule: i + 1, branch: 'ifTrue' as const }),
  );
  const outF = rules.map((rule, i) =>
    Object.freeze({ selected: rule.ifFalse === 'select', rule: i + 1, branch: 'ifFalse' as const }),
  );
  const n = rules.length;
  return (c) => {
    for (let i = 0; i < n; i++) {
      if ((conds[i] as CondFn)(c)) {
        if (actT[i] !== 'next') return outT[i] as RuleOutcome;
      } else if (actF[i] !== 'next') return outF[i] as RuleOutcome;
    }
    // Unreachable: the compiler rejects a last rule with `next` (LAST_RULE_NEXT).
    return outF[n - 1] as RuleOutcome;
  };
}

/** Evaluates each rule of a table in turn for an explanation: every rule reached, its truth and action. */
export function traceTable(
  rules: readonly ProgramRule[],
  r: Resolver,
  c: Ctx,
): { rule: number; value: boolean; action: 'select' | 'reject' | 'next' }[] {
  const steps: { rule: number; value: boolean; action: 'select' | 'reject' | 'next' }[] = [];
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i] as ProgramRule;
    const value = compileCondition(rule.condition, r)(c);
    const action = value ? rule.ifTrue : rule.ifFalse;
    steps.push({ rule: i + 1, value, action });
    if (action !== 'next') break;
  }
  return steps;
}
