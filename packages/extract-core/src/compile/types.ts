import type { RunContext } from '../bind/types.js';
import type { SpecIssue } from '../errors.js';
import type { PatientResult } from '../evaluate/types.js';
import type { PatientRecord } from '../record.js';
import type { MonthArithmetic, ParameterDecl, QuerySpecDocument } from '../spec/model.js';

/** A validated specification, ready to be bound to runs (compile once, run many). */
export interface CompiledSpec {
  readonly id: string;
  /** The validated document the spec was compiled from. */
  readonly document: QuerySpecDocument;
  readonly parameters: readonly ParameterDecl[];
  /** Warnings found while compiling. */
  readonly warnings: readonly SpecIssue[];
  /**
   * Binds run-time values: parameters (P20), participation exclusions (P19), policies (P7).
   * @throws SpecError `BAD_PARAMETER_BINDING` when a parameter cannot be bound.
   * @throws ExtractConfigError `SUBSUMPTION_PROVIDER_REQUIRED`, `SUBSUMPTION_PROVIDER_FAILED`,
   *   `CARE_RECORD_SHARING_HOOK_REQUIRED`, `INVALID_RUN_CONTEXT`.
   */
  bind(run: RunContext): Promise<BoundSpec>;
}

/** A specification bound to one run: evaluates patients. Pure and deterministic; never reads the clock. */
export interface BoundSpec {
  readonly spec: CompiledSpec;
  /** The policies actually in force. */
  readonly policies: { readonly monthArithmetic: MonthArithmetic };
  /** The bound parameter values: dates as `YYYY-MM-DD`, numbers, text. */
  readonly parameterValues: Readonly<Record<string, string | number>>;
  /** Evaluates one patient. Never throws on bad record data: problems become `diagnostics` (P22). */
  evaluate(record: PatientRecord): PatientResult;
}

/** Result of {@link safeCompileSpec}. */
export type SafeCompileResult =
  | { readonly ok: true; readonly value: CompiledSpec; readonly warnings: readonly SpecIssue[] }
  | { readonly ok: false; readonly issues: readonly SpecIssue[] };
