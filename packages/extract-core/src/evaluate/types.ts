import type { CalendarDate } from '../record.js';

/** A field's value in a result: dates as `YYYY-MM-DD`, numbers, text, null, or an array. */
export type FieldValue = CalendarDate | number | string | null | readonly (CalendarDate | number | null)[];

/** Which rule of a table decided, and how (P1). */
export interface RuleOutcome {
  readonly selected: boolean;
  /** 1-based number of the rule that decided; 0 for an empty table (which selects everyone). */
  readonly rule: number;
  readonly branch: 'ifTrue' | 'ifFalse';
}

/** Why a patient was excluded from every output of the run (P19, P3). */
export type ExclusionReason =
  | 'TYPE1_OPT_OUT'
  | 'EXCLUSION_CODE'
  | 'PDS_S_FLAG'
  | 'RECORD_SEALED'
  | 'CARE_RECORD_SHARING'
  | 'DUPLICATE_PATIENT';

/** Codes of {@link Diagnostic}s (P22). */
export type DiagnosticCode =
  /** A journal entry without a valid effective date was ignored (P9). */
  | 'UNDATED_ENTRY_IGNORED'
  /** A journal entry not coded in SNOMED CT was ignored for clusters (P16). */
  | 'NON_SNOMED_ENTRY_IGNORED'
  /** No valid date of birth: ages are null (P13). */
  | 'MISSING_DATE_OF_BIRTH'
  /** The date of birth is after the age's reference date (P13). */
  | 'NEGATIVE_AGE'
  /** GMS registrations overlap; evaluated as written (P17). */
  | 'OVERLAPPING_GMS_REGISTRATIONS'
  /** A value did not fit the QR encoding and was written as empty (§5.3). */
  | 'VALUE_NOT_ENCODABLE'
  /** A later occurrence of a patient id already seen in this run (P3). */
  | 'DUPLICATE_PATIENT'
  /** A registration with an invalid start or end date was ignored. Project code. */
  | 'INVALID_REGISTRATION_IGNORED';

/** Something wrong with the record data. Never contains patient data values. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly field?: string;
  readonly entryId?: string;
  readonly message: string;
}

/** One row of a patient-level table (§5.3). */
export interface PatientLevelRow<L extends number = number> {
  readonly qid: number;
  readonly lid: L;
  readonly columns: Readonly<Record<string, string>>;
}

/** One patient's `Patient-Level-Record` (§5.3). */
export interface PatientLevelRecord {
  readonly patientTables: readonly PatientLevelRow<1>[];
  readonly journalsTables: readonly PatientLevelRow[];
}

/** The evaluation of one patient (business-rules §3.6). */
export interface PatientResult {
  readonly patientId: string;
  readonly excluded?: ExclusionReason;
  /** Every field of the spec; empty when excluded. */
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** Only the populations the patient entered. */
  readonly populations: Readonly<Record<string, RuleOutcome>>;
  /** Proportion indicators whose denominator the patient entered. */
  readonly indicators: Readonly<
    Record<string, { readonly denominator?: RuleOutcome; readonly numerator?: RuleOutcome }>
  >;
  /** Counts whose population the patient is in. */
  readonly counts: Readonly<Record<string, RuleOutcome>>;
  /** Present when the patient is selected into the population of at least one patient-level extract. */
  readonly patientLevel?: PatientLevelRecord;
  readonly diagnostics: readonly Diagnostic[];
}

/** One `Aggregate-Record` (§5.2). */
export interface AggregateResult {
  readonly aid: string;
  /** At most 255 characters. */
  readonly description?: string;
  /** Text content of the Aggregate-Record. */
  readonly value: string;
  readonly source: { readonly output: string; readonly part?: 'denominator' | 'numerator' };
}
