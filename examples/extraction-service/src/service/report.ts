import type { ReportRow, ReportStatus } from '@gpes/messages/experimental';
import type { PracticeStatus, RequestState } from '../state/types.js';

const STATUS: Readonly<Record<PracticeStatus, ReportStatus>> = {
  declined: 'DECLINED',
  scheduled: 'SCHEDULED',
  prepared: 'EXECUTED',
  sent: 'SENT',
  acknowledged: 'ACKNOWLEDGED',
  rejected: 'REJECTED',
  cancelled: 'CANCELLED',
  expired: 'EXPIRED',
  failed: 'FAILED',
};

/** The report rows (gpes-i §5.8 [P]) of one request: one per practice of its cohort, as the state records it. */
export function buildReportRows(
  request: RequestState,
  context: { reportDate: string; supplier: string; gpSystemIdentifier: string },
): ReportRow[] {
  return Object.values(request.practices).map((practice) => {
    const detail = practice.detail ?? practice.ack?.errors.map((e) => `${e.code} ${e.title}`).join('; ');
    return {
      reportDate: context.reportDate,
      supplier: context.supplier,
      gpSystemIdentifier: context.gpSystemIdentifier,
      practiceId: practice.practiceId,
      scheduledQueryInstanceId: request.sqi,
      rtpUuid: request.rtpUuid,
      status: STATUS[practice.status],
      statusCode: practice.responseCode,
      ...(practice.qrUuid !== undefined ? { qrUuid: practice.qrUuid } : {}),
      ...(practice.executionEnd !== undefined ? { qrIssueDateTime: practice.executionEnd } : {}),
      ...(practice.aggregateRecords !== undefined ? { aggregateRecordCount: practice.aggregateRecords } : {}),
      ...(practice.patientRecords !== undefined ? { patientRecordCount: practice.patientRecords } : {}),
      ...(practice.executionStart !== undefined ? { executionStart: practice.executionStart } : {}),
      ...(practice.executionEnd !== undefined ? { executionEnd: practice.executionEnd } : {}),
      ...(detail ? { detail } : {}),
    };
  });
}
