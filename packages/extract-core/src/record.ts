/**
 * The vendor-neutral record model (business-rules §3.2). Every type is a structural interface so that vendors can
 * pass their own objects without copying them.
 */

/** `YYYY-MM-DD`: a calendar date with no time and no time zone (P5). */
export type CalendarDate = string;

/** `YYYY-MM-DDThh:mm:ss`: local time in England, no zone (as GPES-I Date-Time-Type). */
export type LocalDateTime = string;

/** CodeSchemeID of SNOMED CT as used in GPES-I (QR v6.0 sample, Terminology-Identifiers). */
export const SNOMED_CT_OID = '2.16.840.1.113883.2.1.3.2.4.15';

/** CodeSchemeID of Read codes version 2 (5-byte Read). Entries in this scheme never match a cluster (P16). */
export const READ_V2_OID = '2.16.840.1.113883.2.1.6.2';

/** CodeSchemeID of Clinical Terms Version 3 (CTV3). Entries in this scheme never match a cluster (P16). */
export const CTV3_OID = '2.16.840.1.113883.2.1.3.2.4.14';

/** The code-system identifiers a journal entry's `codeSystem` usually carries, by name. */
export const CODE_SYSTEMS = {
  snomedCt: SNOMED_CT_OID,
  readV2: READ_V2_OID,
  ctv3: CTV3_OID,
} as const;

/** One patient's record at one practice: the unit the evaluator consumes. */
export interface PatientRecord {
  readonly patient: Patient;
  /** Registrations at this practice only. */
  readonly registrations: readonly Registration[];
  readonly journal: readonly JournalEntry[];
}

/** Demographics and record-level flags. */
export interface Patient {
  /** PAT_ID: the practice system's stable identifier. */
  readonly patientId: string;
  /** ODS code of the practice holding the record (QR `PRACTICE`). */
  readonly practiceId: string;
  /** 10 digits. */
  readonly nhsNumber?: string;
  readonly dateOfBirth?: CalendarDate;
  /** GPES-I-Sex-Type. */
  readonly sex?: '0' | '1' | '2' | '9';
  readonly dateOfDeath?: CalendarDate;
  readonly postcode?: string;
  /** PDS S-flag (P19c). */
  readonly pdsSensitive?: boolean;
  /** The whole record is sealed (P19d). */
  readonly recordSealed?: boolean;
}

/** A registration at this practice. The vendor maps its own types; only `'GMS'` counts (P17). */
export interface Registration {
  readonly type: 'GMS' | 'TEMPORARY' | 'PRIVATE' | 'OTHER';
  readonly startDate: CalendarDate;
  /** Deregistration date as recorded; absent while the registration is open. */
  readonly endDate?: CalendarDate;
}

/** One coded journal entry (MIQUEST journal shape). */
export interface JournalEntry {
  /** Stable and unique within the patient's record. */
  readonly entryId: string;
  /** OID; {@link SNOMED_CT_OID} for SNOMED CT (also for dm+d drug concepts). */
  readonly codeSystem: string;
  /** Concept id as a decimal string, no spaces. */
  readonly code: string;
  /** The clinical date: Journals-Table `DATE` (P9). */
  readonly effectiveDate?: CalendarDate;
  /**
   * When the entry was made. Optional: evaluation needs it only to break same-day ties under `latestRecorded`
   * (P11; an entry without it counts as recorded before every entry with it), for an undated entry's
   * participation date (P19) and for a Journals-Table `RECORD-DATE` (empty without it).
   */
  readonly recordedAt?: LocalDateTime;
  /** Chooses `VALUEn-CONDITION` or `VALUEn-PRESCRIPTION` (§5.3). */
  readonly kind: 'condition' | 'prescription';
  /** First numeric value, as recorded (no unit conversion). */
  readonly value1?: number;
  /** Second numeric value, e.g. the second reading of a pair. */
  readonly value2?: number;
  /** Opaque; only for an `EPISODE-*` column, if the target message has one. */
  readonly episode?: string;
  /** Ids of linked records; only for a `LINKS` column, if present. */
  readonly links?: readonly string[];
  /** A sealed entry (P19d). */
  readonly sealed?: boolean;
}
