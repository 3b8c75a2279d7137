import type { PatientRecord } from '../record.js';
import type { MonthArithmetic } from '../spec/model.js';
import type { PatientParticipation, RunContext, SubsumptionProvider } from './types.js';

/**
 * The parts of a decoded Run-Time-Parameters request that a run needs. `RunTimeParameters` from
 * `@gpes/messages` satisfies it structurally.
 */
export interface RtpRunInput {
  readonly patientParticipation: PatientParticipation;
  /** `Query-Set-Variables`: values already split on `§`. */
  readonly querySetVariables?: readonly { readonly aid: string; readonly values: readonly string[] }[];
}

/** What the vendor adds to an RTP to make a run context. */
export interface RunContextFromRtpOptions {
  /** Values for `bind="run"` parameters (e.g. ACHV_DAT chosen by the vendor for an interim extract). */
  readonly parameters?: Readonly<Record<string, string | number>>;
  readonly policies?: { readonly monthArithmetic?: MonthArithmetic };
  readonly subsumption?: SubsumptionProvider;
  readonly detailedCareRecordSharing?: (record: PatientRecord) => 'include' | 'exclude';
}

/**
 * Maps a decoded RTP request (`@gpes/messages` `RunTimeParameters`) to a {@link RunContext}: the participation
 * flags and exclusion codes as they are, and each Substitution-Value re-joined with `§` for `bind`.
 */
export function runContextFromRtp(rtp: RtpRunInput, options: RunContextFromRtpOptions = {}): RunContext {
  return {
    participation: rtp.patientParticipation,
    substitutionValues: (rtp.querySetVariables ?? []).map((v) => ({
      aid: v.aid,
      value: v.values.join('\u00a7'),
    })),
    ...(options.parameters ? { parameters: options.parameters } : {}),
    ...(options.policies ? { policies: options.policies } : {}),
    ...(options.subsumption ? { subsumption: options.subsumption } : {}),
    ...(options.detailedCareRecordSharing
      ? { detailedCareRecordSharing: options.detailedCareRecordSharing }
      : {}),
  };
}
