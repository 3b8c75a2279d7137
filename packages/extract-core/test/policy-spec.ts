// A small synthetic spec for the policy tests: clusters A_COD, B_COD, the Type 1 dissent and withdrawal clusters,
// and whatever fields, rules and outputs a test adds.
import {
  type BoundSpec,
  compileSpec,
  type FieldDecl,
  type OutputDecl,
  type ParticipationDecl,
  type PopulationDecl,
  type RuleDecl,
  type RunContext,
  specBuilder,
} from '@gpes/extract-core';
import { quietRun } from './support.js';

export const A = '1001';
export const A2 = '1002';
export const B = '2001';
export const T1 = '827241000000103';
export const T1W = '900001';

export interface PolicySpecParts {
  readonly fields?: readonly FieldDecl[];
  /** Rules of the population `POP` (default: select everyone with a rule that is always true). */
  readonly rules?: readonly RuleDecl[];
  readonly populations?: readonly PopulationDecl[];
  readonly outputs?: readonly OutputDecl[];
  readonly participation?: ParticipationDecl;
  readonly monthArithmetic?: 'clamp' | 'rollForward';
}

/** Builds the policy spec document. */
export function policyDoc(parts: PolicySpecParts = {}) {
  let b = specBuilder({
    id: 'POLICY-TEST',
    participation: parts.participation ?? {
      type1OptOut: 'exclude',
      dissentCluster: 'T1DISSENT',
      dissentWithdrawnCluster: 'T1DISSENTWD',
    },
    ...(parts.monthArithmetic ? { monthArithmetic: parts.monthArithmetic } : {}),
  })
    .parameter('ACHV_DAT', 'date', { run: true })
    .parameter('PPED', 'date', { value: '2024-03-31' })
    .cluster('A_COD', [A, A2])
    .cluster('B_COD', [B])
    .cluster('T1DISSENT', [T1])
    .cluster('T1DISSENTWD', [T1W])
    .field({ name: 'PAT_AGE', kind: 'age', at: 'ACHV_DAT' });
  for (const f of parts.fields ?? []) b = b.field(f);
  b = b.population({
    name: 'POP',
    kind: 'population',
    rules: parts.rules ?? [{ if: 'PAT_AGE >= 0 OR PAT_AGE = null', ifTrue: 'select', ifFalse: 'select' }],
  });
  for (const p of parts.populations ?? []) b = b.population(p);
  for (const o of parts.outputs ?? []) b = b.output(o);
  return b.build();
}

/** Compiles and binds the policy spec (ACHV_DAT 2022-03-31 unless the run says otherwise). */
export function policySpec(parts: PolicySpecParts = {}, run: Partial<RunContext> = {}): Promise<BoundSpec> {
  return compileSpec(policyDoc(parts)).bind(quietRun(run));
}
