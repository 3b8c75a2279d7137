/**
 * RTP cancellation, GPES → GP system: PROPOSED message (`GPES-Q-E-RTPC-Message`); the published v0.2 RTP has only
 * `RTP-ReIssue`. Cancels the RTP `rtpUuid` for the listed practices, or for all of its practices when
 * `gpPracticeCohort` is absent.
 */
export interface RtpCancellation {
  readonly gpesIVersion: string;
  readonly rtpcUuid: string;
  readonly rtpUuid: string;
  readonly scheduledQueryInstanceId: string;
  readonly issueDateTime: string;
  /** Practice IDs; absent = every practice of the RTP. When present, at least one. */
  readonly gpPracticeCohort?: readonly string[];
  /** Free text, at most 255 characters. */
  readonly reason: string;
}
