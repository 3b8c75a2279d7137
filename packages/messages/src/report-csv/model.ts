import type { REPORT_STATUSES } from '../registry.js';

/** Report `STATUS` values (proposal; see `REPORT_STATUSES` in the registry). */
export type ReportStatus = (typeof REPORT_STATUSES.value)[number];

/**
 * One row of the extraction status report CSV: PROPOSED content (only the report's existence and its CSV format
 * are sourced). One row per (practice, SQI) per reporting day. Optional fields are empty cells in the CSV.
 */
export interface ReportRow {
  /** `YYYY-MM-DD`. */
  readonly reportDate: string;
  /** Supplier name, at most 200 characters. */
  readonly supplier: string;
  /** GPSoC system identifier `xxx.xxx.xxx.xxx`. */
  readonly gpSystemIdentifier: string;
  readonly practiceId: string;
  readonly scheduledQueryInstanceId: string;
  readonly rtpUuid: string;
  readonly status: ReportStatus;
  /** Five upper-case hex digits (placeholder register). */
  readonly statusCode?: string;
  readonly qrUuid?: string;
  readonly qrIssueDateTime?: string;
  readonly aggregateRecordCount?: number;
  readonly patientRecordCount?: number;
  readonly executionStart?: string;
  readonly executionEnd?: string;
  /** Free text, at most 2000 characters. Never put patient data here. */
  readonly detail?: string;
}
