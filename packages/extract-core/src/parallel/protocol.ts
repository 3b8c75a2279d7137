/**
 * Messages between the pool (calling thread) and its workers. Everything here is structured-clone data: the
 * run context's functions (subsumption provider, care-record-sharing hook) are resolved on the calling thread
 * and sent as their results.
 * @internal
 */
import type { ExclusionCodeString, PatientParticipation } from '../bind/types.js';
import type { PatientResult } from '../evaluate/types.js';
import type { PatientRecord } from '../record.js';
import type { MonthArithmetic, QuerySpecDocument } from '../spec/model.js';

/** The run context without its functions. */
export interface PlainRunContext {
  readonly parameters?: Readonly<Record<string, string | number>>;
  readonly substitutionValues?: readonly { readonly aid: string; readonly value: string }[];
  readonly participation: PatientParticipation;
  readonly policies?: { readonly monthArithmetic?: MonthArithmetic };
}

/** `workerData` of every worker. */
export interface WorkerInit {
  /** One specification (`createWorkerPool`) … */
  readonly spec?: string | QuerySpecDocument;
  /** … or a set (`createSpecSetWorkerPool`): the worker evaluates all of them in one pass per patient. */
  readonly specs?: readonly (string | QuerySpecDocument)[];
  readonly run: PlainRunContext;
  /** `descendantsOf` answers, keyed by {@link subsumptionKey}; present when the run had a provider. */
  readonly descendants?: Readonly<Record<string, readonly string[]>>;
  /** True when the run had a detailed-care-record-sharing hook: batches then carry its decisions. */
  readonly sharingHook: boolean;
}

export interface BatchRequest {
  readonly type: 'batch';
  readonly id: number;
  readonly records: readonly PatientRecord[];
  /** The hook's decision for each record, when the run has one. */
  readonly sharing?: readonly ('include' | 'exclude')[];
}

export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'initFailed'; readonly name: string; readonly code?: string }
  | {
      readonly type: 'results';
      readonly id: number;
      readonly results: readonly PatientResult[] | readonly (readonly PatientResult[])[];
    }
  | { readonly type: 'batchFailed'; readonly id: number; readonly name: string; readonly code?: string }
  /** A batch arrived but could not be deserialised, so its id is unknown: the worker is unusable. */
  | { readonly type: 'unreadable' };

export function subsumptionKey(codeSchemeId: string, code: string): string {
  return `${codeSchemeId}\u0000${code}`;
}

export type { ExclusionCodeString };
