import type { PatientRecord } from '../record.js';
import type { MonthArithmetic } from '../spec/model.js';

/** Everything a run needs besides the spec and the records (business-rules §3.6). */
export interface RunContext {
  /** Values for parameters declared with `bind="run"`, by parameter name. */
  readonly parameters?: Readonly<Record<string, string | number>>;
  /** RTP `Query-Set-Variables/Substitution-Value`s, for parameters declared with `bind="aid"`. */
  readonly substitutionValues?: readonly { readonly aid: string; readonly value: string }[];
  /** RTP `Patient-Participation`. */
  readonly participation: PatientParticipation;
  /** Overrides the spec's policies (P7). */
  readonly policies?: { readonly monthArithmetic?: MonthArithmetic };
  /** Required when an exclusion code has `includeChildren: true` (P15). */
  readonly subsumption?: SubsumptionProvider;
  /** Decides per patient when NCRS-Detailed-Care-Record-Sharing is true (P19e). */
  readonly detailedCareRecordSharing?: (record: PatientRecord) => 'include' | 'exclude';
}

/** RTP `Patient-Participation`, with the names of GPES-Q-E-RTP.xsd. */
export interface PatientParticipation {
  readonly ncrsDetailedCareRecordSharing: boolean;
  /** True = sealed data WILL be extracted. */
  readonly ncrsPatientSealing: boolean;
  /** True = patients with S-flags will be excluded. */
  readonly ncrsPdsSFlagging: boolean;
  readonly exclusionCodeStrings: readonly ExclusionCodeString[];
}

/** One RTP `Exclusion-Code-String`: codes of one scheme whose presence excludes a patient. */
export interface ExclusionCodeString {
  readonly codeSchemeId: string;
  readonly codeValues: readonly {
    readonly code: string;
    readonly displayName?: string;
    readonly includeChildren: boolean;
  }[];
}

/** The vendor's terminology server, used only for `IncludeChildren` exclusion codes (P15). */
export interface SubsumptionProvider {
  /** Every descendant of `code` in the vendor's SNOMED CT release (the code itself need not be included). */
  descendantsOf(codeSchemeId: string, code: string): Promise<Iterable<string>>;
}
