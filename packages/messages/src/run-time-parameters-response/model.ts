/** One practice's answer in an RTP Response. */
export interface RtprPractice {
  readonly practiceId: string;
  /** Echoes the RTP's signature for this practice. */
  readonly gpetQSqiAuthenticationSignature: string;
  readonly gpetESqiAuthenticationSignature?: string;
  /**
   * Five upper-case hex digits from the (non-public) GPES Interface Code Register; see `STATUS_CODES` in the
   * registry for the project's placeholder meanings.
   */
  readonly rtpResponseId: string;
}

/** Run-Time-Parameters response (`GPES-E-Q-RTPR-Message`, schema v0.2), GP system → GPES. */
export interface RunTimeParametersResponse {
  readonly gpesIVersion: string;
  readonly scheduledQueryInstanceId: string;
  readonly rtprUuid: string;
  /** The RTP being answered. */
  readonly rtpUuid: string;
  readonly issueDateTime: string;
  readonly queryName?: string;
  readonly queryDescription?: string;
  /** At least one practice. */
  readonly gpPracticeCohort: readonly RtprPractice[];
}
