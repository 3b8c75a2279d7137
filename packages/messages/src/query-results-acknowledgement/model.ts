/** One reason a Query Results message was rejected (proposed). */
export interface QueryResultsAcknowledgementError {
  /** Five upper-case hex digits (register not public). */
  readonly code: string;
  /** E.g. "XSD Validation Failure", "Uniqueness Check Failure" (taxonomy borrowed from the GPDPR flow). */
  readonly title: string;
  readonly description?: string;
}

/**
 * Query Results acknowledgement, GPES → GP system: PROPOSED body (`GPES-Q-E-QRA-Message`). Only its workflow ID
 * `GPDC_QUERY_RESULTS_ACK` is sourced. `Rejected` carries at least one error; `Accepted` none.
 */
export interface QueryResultsAcknowledgement {
  readonly gpesIVersion: string;
  readonly qraUuid: string;
  /** The Query Results message acknowledged. */
  readonly qrUuid: string;
  readonly scheduledQueryInstanceId: string;
  readonly practiceId: string;
  readonly issueDateTime: string;
  readonly status: 'Accepted' | 'Rejected';
  readonly errors: readonly QueryResultsAcknowledgementError[];
}
