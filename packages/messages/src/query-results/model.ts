// The Query Results (QR) model, GPES-E-Q-QR-Message v6.0 (gpes-i README §5.5). Names follow the
// message's own terms; values stay strings where the schema has patterns, so sentinels and
// leading zeros survive a round trip unchanged.

/** The root and `Query-Results` attributes and the manifest: everything before the first record. */
export interface QueryResultsHeader {
  /** Root `@GPES-I-Version`: `"6.0"` for this message version. */
  readonly gpesIVersion: string;
  /** Root `@QR-Message-Version`, fixed `"0.2"` in v6.0. */
  readonly qrMessageVersion: '0.2';
  /**
   * Root `@xsi:schemaLocation`, kept only so that a decoded document re-encodes to an equivalent one.
   * The decoder never uses it (gpes-i README §5.5 [P]).
   */
  readonly schemaLocation?: string;
  /** `@QR-UUID`: this message's UUID (upper-case on the wire). */
  readonly qrUuid: string;
  /** `@Scheduled-Query-Instance-ID`: `[0-9A-F]{6}-[0-9]{12}-[RA]`. */
  readonly scheduledQueryInstanceId: string;
  /** `@RTP-UUID`: the Run-Time-Parameters request this answers. */
  readonly rtpUuid: string;
  /** `@Practice-ID`: `[A-Z][0-9]{5}`. */
  readonly practiceId: string;
  /** `@GPET-Q-SQI-Authentication-Signature`, echoed from the RTP. */
  readonly gpetQSqiAuthenticationSignature: string;
  /** `@GPET-E-SQI-Authentication-Signature`. */
  readonly gpetESqiAuthenticationSignature?: string;
  /** `@Issue-Date-Time`: `YYYY-MM-DDThh:mm:ss`, UK local time, no zone. */
  readonly issueDateTime: string;
  /** `@Query-Name`, at most 255 characters. */
  readonly queryName?: string;
  /** `@Query-Description`, at most 255 characters. */
  readonly queryDescription?: string;
  /** `Query-Results-Manifest`. */
  readonly manifest: QueryResultsManifest;
}

/** `Query-Results-Manifest`. */
export interface QueryResultsManifest {
  /** `GPET-E-Executable-Version`: the extraction software's version (at most 200 characters). */
  readonly gpetEExecutableVersion: string;
  /** `Payload-Identifiers/GP-System-Identifier`: GPSoC pattern `xxx.xxx.xxx.xxx`. */
  readonly gpSystemIdentifier: string;
  /** `Payload-Identifiers/Terminology-Identifiers`, one or more. */
  readonly terminologyIdentifiers: readonly TerminologyIdentifiers[];
  /** `RTP-Translation-Statistics`. */
  readonly rtpTranslationStatistics: { readonly startDateTime: string; readonly endDateTime: string };
  /** `Query-Execution-Statistics`. */
  readonly queryExecutionStatistics: { readonly startDateTime: string; readonly endDateTime: string };
}

/** `Terminology-Identifiers`. */
export interface TerminologyIdentifiers {
  /** `CodeSchemeID`: an OID (SNOMED CT is `2.16.840.1.113883.2.1.3.2.4.15`). */
  readonly codeSchemeId: string;
  /** `Terminology-Name` (`"SNOMED-CT"`), at most 200 characters. */
  readonly terminologyName: string;
  /** `Terminology-Release`, at most 200 characters; empty in the v6.0 sample. */
  readonly terminologyRelease: string;
}

/**
 * `Aggregate-Record`: one aggregate output (a count, or a reported parameter value).
 * Structurally compatible with `AggregateResult` of `@gpes/extract-core` plus `kind`.
 */
export interface QrAggregateRecord {
  readonly kind: 'aggregate';
  /** `@RID`: assigned by the encoder when absent; always present on decoded records. */
  readonly rid?: number;
  /** `@AID`: the UUID of the output in the Extraction Requirement. */
  readonly aid: string;
  /** `@Description`, at most 255 characters. */
  readonly description?: string;
  /** The text content. Several values are separated by `§` (U+00A7). */
  readonly value: string;
}

/** One `Patient-Table` or `Journals-Table` row. */
export interface QrTableRow {
  /** `@QID`: the output (table) number within the query, a positive integer. */
  readonly qid: number;
  /** `@LID`: the row number within this table for this patient, from 1. */
  readonly lid: number;
  /**
   * The other attributes, by their QR names (`NHS-NUMBER`, `DATE`, `VALUE1-CONDITION`, …), in
   * document order. An absent value is the empty string.
   */
  readonly columns: Readonly<Record<string, string>>;
}

/**
 * `Patient-Level-Record`: one patient's rows from every patient-level table.
 * Structurally compatible with `PatientLevelRecord` of `@gpes/extract-core` plus `kind`.
 */
export interface QrPatientLevelRecord {
  readonly kind: 'patient-level';
  /** `@RID`: assigned by the encoder when absent; always present on decoded records. */
  readonly rid?: number;
  /** `Patient-Table` rows. */
  readonly patientTables: readonly QrTableRow[];
  /** `Journals-Table` rows. */
  readonly journalsTables: readonly QrTableRow[];
}

/** A record of `Query-Results-Records`, as the encoder takes it. */
export type QrRecord = QrAggregateRecord | QrPatientLevelRecord;

/** A record as the decoder yields it: the `RID` is always present. */
export type DecodedQrRecord = (QrAggregateRecord | QrPatientLevelRecord) & { readonly rid: number };

/** A whole decoded Query Results message. */
export interface QueryResults {
  readonly header: QueryResultsHeader;
  readonly records: readonly DecodedQrRecord[];
}
