/** A coded value of an exclusion list (`CodeValueType`). */
export interface CodeValue {
  readonly code: string;
  readonly displayName?: string;
  /** Include descendants of the code. */
  readonly includeChildren: boolean;
}

/** `Exclusion-Code-String`: patients with any of these codes must be excluded. */
export interface ExclusionCodeString {
  /** OID of the coding scheme (`CodeSchemeID`). */
  readonly codeSchemeId: string;
  /** At least one. */
  readonly codeValues: readonly CodeValue[];
}

/** `Patient-Participation`. */
export interface PatientParticipation {
  /** NCRS detailed care record sharing choice MUST be considered when true. */
  readonly ncrsDetailedCareRecordSharing: boolean;
  /** Sealed data WILL be extracted when true. */
  readonly ncrsPatientSealing: boolean;
  /** Patients with S-flags are excluded when true. */
  readonly ncrsPdsSFlagging: boolean;
  readonly exclusionCodeStrings: readonly ExclusionCodeString[];
}

/** One practice of the RTP cohort. */
export interface RtpPractice {
  readonly practiceId: string;
  readonly gpetQSqiAuthenticationSignature: string;
}

/** `Substitution-Value`: values replacing a placeholder (identified by `aid`) in the Extraction Requirement. */
export interface SubstitutionValue {
  /** `AID`, a UUID. */
  readonly aid: string;
  readonly description?: string;
  /** The values, split on the `§` delimiter (at least one, possibly empty strings). */
  readonly values: readonly string[];
}

/** `Query-Domain`: `Live`, or `Test` with a test pack. */
export type QueryDomain = 'Live' | 'Test';

/**
 * Run-Time-Parameters request (`GPES-Q-E-RTP-Message`, schema v0.2), GPES → GP system. Property names follow the
 * schema's element and attribute names; dates are kept as written (`xs:date`), date-times as `YYYY-MM-DDThh:mm:ss`.
 */
export interface RunTimeParameters {
  /** `GPES-I-Version` (free text; the registry default is `6.0`). */
  readonly gpesIVersion: string;
  readonly scheduledQueryInstanceId: string;
  readonly rtpUuid: string;
  readonly issueDateTime: string;
  readonly rtpReIssue: boolean;
  readonly queryName?: string;
  readonly queryDescription?: string;
  readonly queryDomain: QueryDomain;
  /** Required when `queryDomain` is `Test` (schema documentation). */
  readonly testPackId?: string;
  /** Earliest date the request may be actioned. */
  readonly executionDate: string;
  /** Date by which all results must have been returned. */
  readonly cutoffDate: string;
  /** Earliest date by which results MAY be returned. */
  readonly interimDate?: string;
  /** 0 (low) to 9999 (high). */
  readonly queryPriority: number;
  /** Days to retain Data Provider Output for audit. */
  readonly qrRetentionPeriod: number;
  /** At least one practice. */
  readonly gpPracticeCohort: readonly RtpPractice[];
  readonly patientParticipation: PatientParticipation;
  /** Absent when the element is absent; when present, at least one value. */
  readonly querySetVariables?: readonly SubstitutionValue[];
  readonly showDescriptions: boolean;
  readonly dtsReturnAddress: string;
}
