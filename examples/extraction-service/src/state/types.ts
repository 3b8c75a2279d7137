/**
 * The durable state of the extraction service: everything it must remember across a restart.
 * Plain JSON (no Dates, no classes) so that it round-trips through the state file unchanged.
 */
export interface ServiceState {
  readonly version: 1;
  /** MESH message ids already handled, so that a message delivered again after a crash is only acknowledged. */
  handled: Record<string, HandledMessage>;
  /** Run-Time-Parameters requests by RTP-UUID. */
  requests: Record<string, RequestState>;
  /** Stage 1 / Stage 2 answers by `<SQI>|<PracticeID>|<stage>`. */
  participation: Record<string, ParticipationAnswer>;
  /** Every message the service sends, by the message's own UUID. */
  outbox: Record<string, OutgoingMessage>;
  /** Problems a person must look at (REPORTs that cannot be resent, rejections, failures). */
  alerts: Alert[];
}

export interface HandledMessage {
  readonly workflowId: string;
  readonly at: string;
  readonly outcome: string;
}

/** Where one practice of one RTP stands. The order is the normal life cycle. */
export type PracticeStatus =
  | 'declined' // answered 00001/00002/00003/00004: nothing to do
  | 'scheduled' // accepted, waiting for the Execution-Date
  | 'prepared' // QR written to the spool and queued in the outbox
  | 'sent' // QR delivered to MESH (message id known)
  | 'acknowledged' // QRA Accepted
  | 'rejected' // QRA Rejected
  | 'cancelled' // RTPC before the QR was sent
  | 'expired' // the Cut-off date passed before the QR could be sent
  | 'failed'; // delivery failed and was not resent (see alerts)

export interface PracticeProgress {
  readonly practiceId: string;
  status: PracticeStatus;
  /** The RTP-Response-ID sent in the RTPR for this practice. */
  responseCode: string;
  /** GPET-Q-SQI-Authentication-Signature from the RTP, echoed in the RTPR and QR. */
  readonly gpesSignature: string;
  /** GPET-E-SQI-Authentication-Signature this system generated. */
  readonly systemSignature: string;
  qrUuid?: string;
  registerSize?: number;
  aggregateRecords?: number;
  patientRecords?: number;
  executionStart?: string;
  executionEnd?: string;
  ack?: { status: 'Accepted' | 'Rejected'; at: string; errors: { code: string; title: string }[] };
  /**
   * QRAs that rejected a second copy of this practice's QR as a duplicate (00011). They never replace `ack`: the
   * copy GPES received first keeps its outcome.
   */
  duplicateRejections?: number;
  /** Short reason, free of patient data. */
  detail?: string;
}

export interface RequestState {
  readonly rtpUuid: string;
  readonly sqi: string;
  readonly queryId: string;
  readonly queryName?: string;
  readonly executionDate: string;
  /** RTP QR-Retention-Period: days the documents sent for this request are kept for audit. */
  readonly retentionDays: number;
  /** RTP Interim-Date: results are not returned before it. */
  readonly interimDate?: string;
  readonly cutoffDate: string;
  readonly receivedAt: string;
  /** Spool file holding the RTP document as received, decoded again when the request is evaluated. */
  readonly documentFile: string;
  readonly rtprId: string;
  /** Id of the report CSV sent once every practice of the request has reached an end state. */
  readonly reportId: string;
  practices: Record<string, PracticeProgress>;
  cancelled?: { at: string; reason: string };
}

export interface ParticipationAnswer {
  readonly sqi: string;
  readonly practiceId: string;
  readonly stage: 1 | 2;
  readonly participate: boolean;
  readonly notificationId: string;
  readonly at: string;
}

export type OutgoingKind = 'RTPR' | 'QR' | 'NOTIFICATION_RESPONSE' | 'REPORT';

export interface SendAttempt {
  /** The Mex-LocalID of this attempt: the message UUID, suffixed from the second attempt on. */
  readonly localId: string;
  readonly startedAt: string;
  /** When the attempt's connection was torn down after an unknown outcome (ISO), if known. */
  closedAt?: string;
  messageId?: string;
  /** How the attempt ended: delivered to MESH, known not to have reached MESH, or reported undelivered. */
  outcome?: 'sent' | 'not-sent' | 'undelivered';
}

export interface OutgoingMessage {
  /** The message's own UUID (RTPR-UUID, QR-UUID, E-Q-NT-UUID, or a report id). */
  readonly id: string;
  readonly kind: OutgoingKind;
  readonly workflowId: string;
  readonly to: string;
  readonly subject: string;
  readonly fileName: string;
  /** Spool file name, relative to the spool directory. */
  readonly file: string;
  readonly bytes: number;
  readonly compressed: boolean;
  readonly contentType: string;
  readonly rtpUuid?: string;
  readonly practiceId?: string;
  /** One line for logs and the demo timeline: ids and counts only. */
  readonly description?: string;
  /** prepared → sending (intent recorded before the first POST) → sent; or cancelled / failed. */
  status: 'prepared' | 'sending' | 'sent' | 'cancelled' | 'failed';
  /** The spool file was deleted after the retention period. */
  purged?: boolean;
  attempts: SendAttempt[];
  readonly createdAt: string;
}

export interface Alert {
  readonly at: string;
  readonly code: 'DELIVERY_FAILED' | 'QR_REJECTED' | 'EVALUATION_FAILED' | 'BAD_MESSAGE' | 'RESEND_LIMIT';
  readonly message: string;
  readonly outgoingId?: string;
  readonly rtpUuid?: string;
  readonly practiceId?: string;
}

export function emptyState(): ServiceState {
  return { version: 1, handled: {}, requests: {}, participation: {}, outbox: {}, alerts: [] };
}
