import { randomUUID } from 'node:crypto';
import {
  createInboxProcessor,
  type InboxProcessor,
  type MeshClient,
  type MeshRetrievedMessage,
} from '@gpes/mesh-client';
import {
  decodeEQNotificationMessage,
  decodeRunTimeParametersResponse,
  describeStatusCode,
  encodeQENotificationMessage,
  encodeRunTimeParameters,
  fileNameFor,
  type MessageKind,
  messageKindForWorkflowId,
  type QENotification,
  type RunTimeParameters,
  StatusCode,
  subjectFor,
  workflowIdFor,
} from '@gpes/messages';
import {
  decodeReportCsv,
  encodeQueryResultsAcknowledgement,
  encodeRtpCancellation,
  type ReportRow,
} from '@gpes/messages/experimental';
import {
  type CheckError,
  checkQueryResults,
  type QueryResultsCheck,
  type QueryResultsExpectation,
} from './check-query-results.js';

/** One step of the exchange, as GPES saw it. Ids and counts only. */
export interface SimulatorEvent {
  readonly direction: 'sent' | 'received';
  readonly kind: MessageKind | 'MESH_REPORT';
  readonly workflowId: string;
  readonly messageId: string;
  /** Bytes on the wire (compressed when the payload is). */
  readonly bytes: number;
  readonly summary: string;
}

/** What GPES knows about one practice of the request. */
export interface PracticeOutcome {
  readonly practiceId: string;
  stage1?: 'participates' | 'declines';
  stage2?: 'confirms' | 'withholds';
  /** RTP-Response-ID from the RTPR. */
  responseCode?: string;
  queryResults: {
    readonly messageId: string;
    readonly qrUuid?: string;
    readonly valid: boolean;
    readonly errors: readonly CheckError[];
    readonly aggregates: QueryResultsCheck['aggregates'];
    readonly patientRecords: number;
    readonly bytes: number;
    readonly compressed: boolean;
    acknowledged: boolean;
  }[];
}

/** Options of {@link GpesSimulator}. */
export interface GpesSimulatorOptions {
  /** A client for the GPES mailbox. */
  readonly client: MeshClient;
  /** The GP system's mailbox. */
  readonly gpMailboxId: string;
  /** The practice cohort of the RTP (at least one). */
  readonly practices: readonly string[];
  /** Practices that get a Stage 1 notification before the RTP. @default every practice of the cohort */
  readonly stage1Practices?: readonly string[];
  /** RTP Show-Descriptions: ask for friendly names in the results. @default true */
  readonly showDescriptions?: boolean;
  /** Passes to wait for Stage 1 answers before sending the RTP anyway. @default 3 */
  readonly stage1WaitPasses?: number;
  /** Send a Stage 2 notification after each accepted Query Results. @default true */
  readonly stage2?: boolean;
  /** Scheduled Query Instance ID, e.g. `D01700-202603310000-A`. */
  readonly scheduledQueryInstanceId: string;
  readonly queryName?: string;
  /** `YYYY-MM-DD`. */
  readonly executionDate: string;
  /** `YYYY-MM-DD`. */
  readonly cutoffDate: string;
  /** `YYYY-MM-DD`: the earliest date results may be returned. @default none */
  readonly interimDate?: string;
  /** Practices whose work GPES cancels right after sending the RTP. @default none */
  readonly cancelPractices?: readonly string[];
  /** @default () => new Date() */
  readonly now?: () => Date;
  readonly onEvent?: (event: SimulatorEvent) => void;
}

const _SNOMED = '2.16.840.1.113883.2.1.3.2.4.15';

function dateTime(instant: Date): string {
  return instant.toISOString().slice(0, 19);
}

/**
 * The GPES side of the flow, for local use: sends Stage 1 notifications, then the RTP once they are answered,
 * checks every Query Results document with `@gpes/messages`, acknowledges it, sends a Stage 2 notification and
 * collects the Stage 2 answer and the report CSV. State is in memory: this is a test double, not a service.
 */
export class GpesSimulator {
  readonly #o: GpesSimulatorOptions;
  readonly #now: () => Date;
  readonly #inbox: InboxProcessor;
  readonly #seen = new Set<string>();
  readonly #practices = new Map<string, PracticeOutcome>();
  readonly #stage1Pending = new Set<string>();
  #rtp: RunTimeParameters | undefined;
  #rtprReceived = false;
  #passes = 0;
  #reportRows: readonly ReportRow[] | undefined;
  readonly #problems: string[] = [];
  readonly #timeline: SimulatorEvent[] = [];

  constructor(options: GpesSimulatorOptions) {
    if (options.practices.length === 0) throw new RangeError('The cohort needs at least one practice');
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
    for (const practiceId of options.practices)
      this.#practices.set(practiceId, { practiceId, queryResults: [] });
    this.#inbox = createInboxProcessor({
      client: options.client,
      handler: (message) => this.#handle(message),
      failureBackoffMs: 0,
      onError: (error, context) => {
        this.#problems.push(
          `${context.stage} failed${context.messageId ? ` for ${context.messageId}` : ''}: ${String(error)}`,
        );
      },
    });
  }

  /** Sends the Stage 1 notifications (or, without any, the RTP at once). */
  async start(): Promise<void> {
    const stage1 = this.#o.stage1Practices ?? this.#o.practices;
    if (stage1.length === 0) {
      await this.#sendRtp();
      return;
    }
    const notifications = stage1.map((practiceId) => {
      this.#stage1Pending.add(practiceId);
      return this.#participationNotification(practiceId, 1);
    });
    await this.#send('QE_NT', encodeQENotificationMessage({ gpesIVersion: '6.0', notifications }), {
      sqi: this.#o.scheduledQueryInstanceId,
      summary: `Stage 1 notification for ${stage1.join(', ')}`,
    });
  }

  /**
   * One pass over the GPES inbox. The RTP goes once every Stage 1 notification has been answered, or after
   * `stage1WaitPasses` passes without all answers (the extraction date has come; no answer means not authorised).
   */
  async runOnce(): Promise<void> {
    await this.#inbox.drain();
    this.#passes++;
    if (this.#rtp) return;
    if (this.#stage1Pending.size === 0 || this.#passes >= (this.#o.stage1WaitPasses ?? 3))
      await this.#sendRtp();
  }

  /** Practices whose RTPR said `00000` (accepted): each must deliver one valid, acknowledged Query Results. */
  get expectedPractices(): string[] {
    return [...this.#practices.values()]
      .filter(
        (p) =>
          p.responseCode === StatusCode.ACCEPTED && !(this.#o.cancelPractices ?? []).includes(p.practiceId),
      )
      .map((p) => p.practiceId);
  }

  /** True once the RTPR, every expected Query Results, every Stage 2 answer and the report have arrived. */
  get done(): boolean {
    if (!this.#rtprReceived || this.#reportRows === undefined) return false;
    return this.expectedPractices.every((id) => {
      const p = this.#practices.get(id);
      if (!p?.queryResults.some((q) => q.valid && q.acknowledged)) return false;
      return this.#o.stage2 === false || p.stage2 !== undefined;
    });
  }

  /** True when every expected practice delivered exactly one Query Results, valid and acknowledged. */
  get succeeded(): boolean {
    return (
      this.done &&
      this.expectedPractices.every((id) => {
        const results = this.#practices.get(id)?.queryResults ?? [];
        return results.length === 1 && results[0]?.valid === true && results[0].acknowledged;
      })
    );
  }

  get practices(): readonly PracticeOutcome[] {
    return [...this.#practices.values()];
  }

  get report(): readonly ReportRow[] | undefined {
    return this.#reportRows;
  }

  get timeline(): readonly SimulatorEvent[] {
    return this.#timeline;
  }

  /** Things that went wrong on the GPES side (failed downloads, unexpected messages). */
  get problems(): readonly string[] {
    return this.#problems;
  }

  // -------------------------------------------------------------------------------------------------------------

  #participationNotification(practiceId: string, stage: 1 | 2): QENotification {
    return {
      type: stage === 1 ? 'Stage1-Notification' : 'Stage2-Notification',
      qeNtUuid: randomUUID().toUpperCase(),
      issueDateTime: dateTime(this.#now()),
      practiceId,
      scheduledQueryInstanceId: this.#o.scheduledQueryInstanceId,
      uids: [],
      payload: {
        title: {
          order: 1,
          dataFormat: 'text/plain',
          text:
            stage === 1
              ? `Participation in ${this.#o.queryName ?? this.#o.scheduledQueryInstanceId}`
              : `Release of results of ${this.#o.queryName ?? this.#o.scheduledQueryInstanceId}`,
        },
        items: [
          {
            kind: 'question',
            notificationQuestionId: stage === 1 ? 'PARTICIPATE' : 'RELEASE',
            order: 1,
            questionText: {
              dataFormat: 'text/plain',
              text:
                stage === 1
                  ? 'Does the practice agree to take part in this extraction?'
                  : 'May the results sent to GPES be passed to the GPES customer?',
            },
            allowedValues: {
              kind: 'values',
              values: [
                { answerId: 'Y', text: 'Yes', isDefault: false },
                { answerId: 'N', text: 'No', isDefault: false },
              ],
            },
          },
        ],
      },
    };
  }

  async #sendRtp(): Promise<void> {
    const rtp: RunTimeParameters = {
      gpesIVersion: '6.0',
      scheduledQueryInstanceId: this.#o.scheduledQueryInstanceId,
      rtpUuid: randomUUID().toUpperCase(),
      issueDateTime: dateTime(this.#now()),
      rtpReIssue: false,
      ...(this.#o.queryName !== undefined ? { queryName: this.#o.queryName } : {}),
      queryDomain: 'Test',
      testPackId: 'GPES-SDK-DEMO',
      executionDate: this.#o.executionDate,
      cutoffDate: this.#o.cutoffDate,
      ...(this.#o.interimDate !== undefined ? { interimDate: this.#o.interimDate } : {}),
      queryPriority: 5000,
      qrRetentionPeriod: 30,
      gpPracticeCohort: this.#o.practices.map((practiceId) => ({
        practiceId,
        gpetQSqiAuthenticationSignature: randomUUID().toUpperCase(),
      })),
      patientParticipation: {
        ncrsDetailedCareRecordSharing: false,
        ncrsPatientSealing: false,
        ncrsPdsSFlagging: true,
        exclusionCodeStrings: [],
      },
      // Friendly names in the results make the local exchange readable (a debugging flag in GPES-I).
      showDescriptions: this.#o.showDescriptions ?? true,
      dtsReturnAddress: this.#o.client.mailboxId,
    };
    this.#rtp = rtp;
    await this.#send('RTP', encodeRunTimeParameters(rtp), {
      sqi: rtp.scheduledQueryInstanceId,
      summary: `RTP ${rtp.scheduledQueryInstanceId} for ${rtp.gpPracticeCohort.length} practice(s)`,
    });
    const cancel = this.#o.cancelPractices ?? [];
    if (cancel.length > 0) {
      const rtpcUuid = randomUUID().toUpperCase();
      await this.#send(
        'RTPC',
        encodeRtpCancellation({
          gpesIVersion: '6.0',
          rtpcUuid,
          rtpUuid: rtp.rtpUuid,
          scheduledQueryInstanceId: rtp.scheduledQueryInstanceId,
          issueDateTime: dateTime(this.#now()),
          gpPracticeCohort: cancel,
          reason: 'Cancelled by the GPES simulator',
        }),
        { sqi: rtp.scheduledQueryInstanceId, summary: `RTPC for ${cancel.join(', ')}`, uuid: rtpcUuid },
      );
    }
  }

  async #send(
    kind: MessageKind,
    content: string,
    details: { sqi?: string; practiceId?: string; summary: string; uuid?: string },
  ): Promise<void> {
    const uuid = details.uuid ?? randomUUID().toUpperCase();
    const parts = {
      kind,
      messageUuid: uuid,
      ...(details.sqi !== undefined ? { scheduledQueryInstanceId: details.sqi } : {}),
      ...(details.practiceId !== undefined ? { practiceId: details.practiceId } : {}),
    };
    const result = await this.#o.client.sendMessage({
      to: this.#o.gpMailboxId,
      workflowId: workflowIdFor(kind),
      localId: uuid,
      subject: subjectFor(parts),
      fileName: fileNameFor(parts),
      contentType: 'application/xml',
      body: content,
    });
    this.#record({
      direction: 'sent',
      kind,
      workflowId: workflowIdFor(kind),
      messageId: result.messageId,
      bytes: result.totalBytes,
      summary: details.summary,
    });
  }

  #record(event: SimulatorEvent): void {
    this.#timeline.push(event);
    this.#o.onEvent?.(event);
  }

  async #handle(message: MeshRetrievedMessage): Promise<void> {
    if (this.#seen.has(message.messageId)) return;
    const workflowId = message.workflowId ?? '';
    if (message.messageType === 'REPORT') {
      this.#seen.add(message.messageId);
      this.#problems.push(`MESH REPORT ${message.statusCode} for ${message.linkedMessageId ?? '?'}`);
      this.#record({
        direction: 'received',
        kind: 'MESH_REPORT',
        workflowId,
        messageId: message.messageId,
        bytes: 0,
        summary: `MESH REPORT ${message.statusCode}`,
      });
      return;
    }
    const kind = messageKindForWorkflowId(workflowId);
    let summary: string;
    let bytes = 0;
    if (kind === 'QR') {
      const outcome = await this.#handleQueryResults(message);
      summary = outcome.summary;
      bytes = outcome.bytes;
    } else {
      const body = await message.buffer();
      bytes = body.byteLength;
      summary =
        kind === 'RTPR'
          ? this.#handleRtpr(body)
          : kind === 'EQ_NT'
            ? this.#handleNotificationResponses(body)
            : kind === 'REPORT'
              ? this.#handleReport(body)
              : `unexpected workflow ${workflowId}`;
    }
    this.#seen.add(message.messageId);
    this.#record({
      direction: 'received',
      kind: kind ?? 'REPORT',
      workflowId,
      messageId: message.messageId,
      bytes,
      summary,
    });
  }

  #handleRtpr(body: Buffer): string {
    const decoded = decodeRunTimeParametersResponse(body);
    if (!decoded.ok) {
      this.#problems.push(
        `RTPR not valid: ${decoded.issues.map((i) => `${i.code} at ${i.path}`).join('; ')}`,
      );
      return 'RTPR not valid';
    }
    const rtpr = decoded.value;
    if (rtpr.rtpUuid !== this.#rtp?.rtpUuid) {
      this.#problems.push('RTPR answers an unknown RTP');
      return 'RTPR for an unknown RTP';
    }
    this.#rtprReceived = true;
    for (const answer of rtpr.gpPracticeCohort) {
      const practice = this.#practices.get(answer.practiceId);
      if (practice) practice.responseCode = answer.rtpResponseId;
    }
    return `RTPR ${rtpr.gpPracticeCohort
      .map(
        (p) =>
          `${p.practiceId}:${p.rtpResponseId} (${describeStatusCode(p.rtpResponseId) ?? 'unknown code'})`,
      )
      .join(', ')}`;
  }

  #handleNotificationResponses(body: Buffer): string {
    const decoded = decodeEQNotificationMessage(body);
    if (!decoded.ok) {
      this.#problems.push('notification response not valid');
      return 'notification response not valid';
    }
    const parts: string[] = [];
    for (const n of decoded.value.notifications) {
      const practice = this.#practices.get(n.practiceId);
      if (!practice || n.type === 'Event-Notification') continue;
      const yes = n.responses.some((r) => r.answerId === 'Y');
      if (n.type === 'Stage1-Notification-Response') {
        practice.stage1 = yes ? 'participates' : 'declines';
        this.#stage1Pending.delete(n.practiceId);
        parts.push(`Stage 1 ${n.practiceId}: ${practice.stage1}`);
      } else {
        practice.stage2 = yes ? 'confirms' : 'withholds';
        parts.push(`Stage 2 ${n.practiceId}: ${practice.stage2}`);
      }
    }
    return parts.join('; ');
  }

  #handleReport(body: Buffer): string {
    const decoded = decodeReportCsv(body);
    if (!decoded.ok) {
      this.#problems.push('report CSV not valid');
      return 'report CSV not valid';
    }
    this.#reportRows = decoded.value;
    return `report CSV, ${decoded.value.length} row(s)`;
  }

  async #handleQueryResults(message: MeshRetrievedMessage): Promise<{ summary: string; bytes: number }> {
    const rtp = this.#rtp;
    const expectation: QueryResultsExpectation = {
      rtpUuid: rtp?.rtpUuid ?? '',
      scheduledQueryInstanceId: rtp?.scheduledQueryInstanceId ?? '',
      cohort: new Map(
        rtp?.gpPracticeCohort.map((p) => [p.practiceId, p.gpetQSqiAuthenticationSignature]) ?? [],
      ),
    };
    const check = await checkQueryResults(message.body, message.compressed === true, expectation);
    const practiceId = check.header?.practiceId;
    const practice = practiceId !== undefined ? this.#practices.get(practiceId) : undefined;
    const errors = [...check.errors];
    if (practice?.queryResults.some((q) => q.valid)) {
      errors.push({
        code: '00011',
        title: 'Uniqueness Check Failure',
        description: 'a Query Results message for this practice and SQI was already accepted',
      });
    }
    const valid = errors.length === 0;
    const entry = {
      messageId: message.messageId,
      ...(check.header ? { qrUuid: check.header.qrUuid } : {}),
      valid,
      errors,
      aggregates: check.aggregates,
      patientRecords: check.patientRecords,
      bytes: check.bytes,
      compressed: message.compressed === true,
      acknowledged: false,
    };
    practice?.queryResults.push(entry);
    if (!practice) this.#problems.push('Query Results for a practice outside the cohort');

    if (check.header) {
      const qraUuid = randomUUID().toUpperCase();
      await this.#send(
        'QRA',
        encodeQueryResultsAcknowledgement({
          gpesIVersion: '6.0',
          qraUuid,
          qrUuid: check.header.qrUuid,
          scheduledQueryInstanceId: check.header.scheduledQueryInstanceId,
          practiceId: check.header.practiceId,
          issueDateTime: dateTime(this.#now()),
          status: valid ? 'Accepted' : 'Rejected',
          errors,
        }),
        {
          sqi: check.header.scheduledQueryInstanceId,
          practiceId: check.header.practiceId,
          uuid: qraUuid,
          summary: `QRA ${valid ? 'Accepted' : 'Rejected'} for ${check.header.practiceId}`,
        },
      );
      entry.acknowledged = true;
      if (valid && this.#o.stage2 !== false && practice) {
        await this.#send(
          'QE_NT',
          encodeQENotificationMessage({
            gpesIVersion: '6.0',
            notifications: [this.#participationNotification(practice.practiceId, 2)],
          }),
          {
            sqi: check.header.scheduledQueryInstanceId,
            practiceId: practice.practiceId,
            summary: `Stage 2 notification for ${practice.practiceId}`,
          },
        );
      }
    }
    const aggregates = check.aggregates
      .map((a) => `${a.description?.split(':')[0] ?? a.aid}=${a.value}`)
      .join(' ');
    return {
      summary: `QR ${practiceId ?? '?'}: ${valid ? 'valid' : `INVALID (${errors.map((e) => e.title).join('; ')})`}, ${aggregates}${check.patientRecords ? `, ${check.patientRecords} patient-level record(s)` : ''}`,
      bytes: check.bytes,
    };
  }
}
