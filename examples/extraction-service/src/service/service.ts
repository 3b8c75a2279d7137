import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import type { BoundSpec } from '@gpes/extract-core';
import {
  createInboxProcessor,
  type InboxProcessor,
  type MeshClient,
  type MeshRetrievedMessage,
} from '@gpes/mesh-client';
import {
  decodeQENotificationMessage,
  decodeRunTimeParameters,
  encodeEQNotificationMessage,
  encodeRunTimeParametersResponse,
  fileNameFor,
  messageKindForWorkflowId,
  type QENotification,
  type RunTimeParameters,
  StatusCode,
  subjectFor,
  workflowIdFor,
} from '@gpes/messages';
import {
  decodeQueryResultsAcknowledgement,
  decodeRtpCancellation,
  encodeReportCsv,
} from '@gpes/messages/experimental';
import type { FileStateStore } from '../state/store.js';
import type {
  Alert,
  OutgoingKind,
  OutgoingMessage,
  PracticeProgress,
  RequestState,
  ServiceState,
} from '../state/types.js';
import { ukDate, ukDateTime } from './clock.js';
import { evaluatePractice, type PracticeDatabase } from './evaluate-practice.js';
import type { FaultContext, FaultHook, FaultPoint, ServiceEvent } from './hooks.js';
import { classifySendError, meshPort } from './mesh-port.js';
import { DurableOutbox } from './outbox.js';
import type {
  LocalSpecification,
  ParticipationDecision,
  ParticipationPolicy,
  ParticipationRequest,
  PracticeRecordSource,
  SpecificationCatalogue,
} from './ports.js';
import { buildReportRows } from './report.js';

/** GPES-I error code of the uniqueness check: a QR with this QR-UUID (or for this practice and SQI) already arrived. */
const DUPLICATE_QR = '00011';

/** Options of {@link ExtractionService}. */
export interface ExtractionServiceOptions {
  /** A client for this system's own mailbox. */
  readonly client: MeshClient;
  /** The GPES mailbox that receives what this system sends. */
  readonly gpesMailboxId: string;
  /** Durable state (see {@link FileStateStore.open}). */
  readonly store: FileStateStore;
  /** The locally held specifications, by query identifier. */
  readonly specifications: SpecificationCatalogue;
  /** The practices this system hosts and their records. */
  readonly records: PracticeRecordSource;
  /**
   * Evaluate inside this database through @gpes/extract-core's SQL runner (records in its input model, as tables or
   * views over yours) instead of streaming `records.patients()` through the JavaScript evaluator. Same results.
   */
  readonly database?: PracticeDatabase;
  /** Answers Stage 1 and Stage 2 notifications on the practice's behalf. */
  readonly participation: ParticipationPolicy;
  /** GPSoC identifier of this system, written in notification responses, Query Results and the report. */
  readonly gpSystemIdentifier: string;
  /** Supplier name in the report CSV. */
  readonly supplier: string;
  /** Version of this extraction software (QR manifest). @default '1.0' */
  readonly executableVersion?: string;
  /** Largest inbox message accepted (GPES sends GP systems small documents only). @default 16 MiB */
  readonly maxInboxMessageBytes?: number;
  /** Sends before a REPORT (undelivered) makes the service give up on a message. @default 3 */
  readonly maxSendAttempts?: number;
  /** Chunk size for MESH uploads (5–95 MiB). @default the client's */
  readonly chunkSizeBytes?: number;
  /** Decides payload compression by document size. @default the @gpes/messages registry (gzip above 1 MiB) */
  readonly compress?: (bytes: number) => boolean;
  /** The clock; evaluation itself never reads it (dates come from the RTP). @default () => new Date() */
  readonly now?: () => Date;
  /** Told of every step, for a timeline or a log. Ids and counts only. */
  readonly onEvent?: (event: ServiceEvent) => void;
  /** Test hook: throw to simulate a crash at a named point. */
  readonly faults?: FaultHook;
}

/** What one {@link ExtractionService.runOnce} pass did. */
export interface RunSummary {
  readonly received: number;
  readonly evaluated: number;
  /** Errors that left work pending for the next pass (MESH unavailable, for example). */
  readonly errors: readonly unknown[];
}

const INBOX_MESSAGE_LIMIT = 16 * 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;
/** The terminology this system codes in (QR v6.0 sample: SNOMED CT, release left empty). */
const SNOMED_CT_TERMINOLOGY = {
  codeSchemeId: '2.16.840.1.113883.2.1.3.2.4.15',
  terminologyName: 'SNOMED-CT',
  terminologyRelease: '',
} as const;
const HANDLED_RETENTION_DAYS = 30;
const TERMINAL: ReadonlySet<PracticeProgress['status']> = new Set([
  'declined',
  'acknowledged',
  'rejected',
  'cancelled',
  'expired',
  'failed',
]);

/**
 * The GP-system side of GPES: processes the MESH inbox at least once, answers RTPs, evaluates each practice on or
 * after the Execution-Date, sends one Query Results per practice, records acknowledgements, handles MESH REPORTs
 * and cancellations, answers notifications and sends the report CSV. All state is in the {@link FileStateStore},
 * so a new instance on the same state directory continues where a stopped one left off.
 */
export class ExtractionService {
  readonly #o: ExtractionServiceOptions;
  readonly #now: () => Date;
  readonly #controller = new AbortController();
  readonly #outbox: DurableOutbox;
  readonly #inbox: InboxProcessor;
  readonly #bound = new Map<string, Promise<BoundSpec>>();
  #crash: unknown;

  constructor(options: ExtractionServiceOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
    this.#outbox = new DurableOutbox({
      store: options.store,
      mesh: meshPort(
        options.client,
        options.chunkSizeBytes !== undefined ? { chunkSizeBytes: options.chunkSizeBytes } : {},
      ),
      classify: classifySendError,
      emit: (event) => this.#emit(event),
      onChunk: (message, chunk, totalChunks) => {
        if (chunk < totalChunks) {
          this.#fault('mid-upload', {
            workflowId: message.workflowId,
            ...(message.practiceId !== undefined ? { practiceId: message.practiceId } : {}),
            chunk,
            totalChunks,
          });
        }
      },
      afterSend: (message) => this.#fault('after-send', { workflowId: message.workflowId }),
      onSent: (draft, message) => this.#onSent(draft, message),
      onRejected: (draft, message) =>
        this.#failDelivery(draft, message, `MESH refused the ${message.kind} message`),
      now: this.#now,
    });
    this.#inbox = createInboxProcessor({
      client: options.client,
      handler: (message) => this.#handle(message),
      signal: this.#controller.signal,
      // A crashed handler must be retried by the next process, not held back by this one's backoff.
      failureBackoffMs: 0,
      onError: () => {},
    });
  }

  /** Aborts when the service stops (or a fault hook simulates a crash). */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Stops the service: in-flight work is abandoned exactly as a process exit would abandon it. */
  stop(reason: unknown = new Error('The extraction service was stopped')): void {
    this.#controller.abort(reason);
  }

  /**
   * One pass: reconcile and send what is pending, process the inbox, evaluate what is due, send again.
   * @throws the fault hook's error when a simulated crash happened; the service is then stopped.
   */
  async runOnce(): Promise<RunSummary> {
    const errors: unknown[] = [];
    let received = 0;
    let evaluated = 0;
    try {
      // Anything left "sending" by a previous process is reconciled before anything new is sent.
      errors.push(...(await this.#outbox.flush(this.signal)));
      const summary = await this.#inbox.drain();
      received = summary.processed;
      this.#throwIfCrashed();
      // RTPRs and notification answers go before the (possibly long) evaluations.
      errors.push(...(await this.#outbox.flush(this.signal)));
      evaluated = await this.#evaluateDue(errors);
      await this.#queueReports();
      errors.push(...(await this.#outbox.flush(this.signal)));
      await this.#housekeeping();
    } catch (error) {
      this.#throwIfCrashed();
      throw error;
    }
    this.#throwIfCrashed();
    return { received, evaluated, errors };
  }

  /**
   * Runs passes every `pollIntervalMs` until `signal` aborts or a simulated crash, with a MESH handshake at start
   * and then daily, as MESH asks.
   */
  async run(pollIntervalMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return;
    signal?.addEventListener('abort', () => this.stop(signal.reason), { once: true });
    let handshakeAt = Number.NEGATIVE_INFINITY;
    while (!this.signal.aborted) {
      try {
        if (Date.now() - handshakeAt >= DAY_MS) {
          await this.#o.client.handshake({ signal: this.signal });
          handshakeAt = Date.now();
        }
        await this.runOnce();
      } catch (error) {
        // Stopping mid-pass is normal; anything else (a simulated crash, a state write failure) ends the run.
        if (this.#crash !== undefined || !this.signal.aborted) throw error;
      }
      await sleep(pollIntervalMs, undefined, { signal: this.signal }).catch(() => undefined);
    }
    this.#throwIfCrashed();
  }

  /** True when no practice of any request has work left (nothing to evaluate, send or wait for). */
  isIdle(): boolean {
    const state = this.#o.store.state;
    const pendingOutbox = Object.values(state.outbox).some(
      (m) => m.status === 'prepared' || m.status === 'sending',
    );
    const pendingWork = Object.values(state.requests).some((r) =>
      Object.values(r.practices).some((p) => p.status === 'scheduled' || p.status === 'prepared'),
    );
    return !pendingOutbox && !pendingWork;
  }

  // ---------------------------------------------------------------------------------------------- crash hooks

  #fault(point: FaultPoint, context: FaultContext): void {
    if (!this.#o.faults) return;
    try {
      this.#o.faults(point, context);
    } catch (error) {
      // Simulated process death: stop everything now; only what is already on disk survives.
      this.#crash ??= error;
      this.#controller.abort(error);
      throw error;
    }
  }

  #throwIfCrashed(): void {
    if (this.#crash !== undefined) throw this.#crash;
  }

  #emit(event: ServiceEvent): void {
    this.#o.onEvent?.(event);
  }

  #alert(draft: ServiceState, alert: Omit<Alert, 'at'>): void {
    const full: Alert = { at: this.#now().toISOString(), ...alert };
    draft.alerts.push(full);
    this.#emit({ type: 'alert', alert: full });
  }

  // ---------------------------------------------------------------------------------------------- inbox

  async #handle(message: MeshRetrievedMessage): Promise<void> {
    const { store } = this.#o;
    const workflowId = message.workflowId ?? '';
    if (store.state.handled[message.messageId]) {
      // Delivered again after a crash between the durable write and the acknowledgement: acknowledge only.
      this.#emit({ type: 'duplicate', workflowId, messageId: message.messageId });
      this.#fault('before-acknowledge', { workflowId });
      return;
    }
    if (message.messageType === 'REPORT') {
      await this.#handleMeshReport(message.messageId, message.linkedMessageId, message.statusCode);
      this.#emit({
        type: 'received',
        workflowId,
        messageId: message.messageId,
        bytes: 0,
        summary: `MESH REPORT ${message.statusCode} for ${message.linkedMessageId ?? 'unknown message'}`,
      });
      this.#fault('before-acknowledge', { workflowId });
      return;
    }
    const read = await readBody(message, this.#o.maxInboxMessageBytes ?? INBOX_MESSAGE_LIMIT);
    if ('refused' in read) {
      const summary = await this.#refuse(message.messageId, workflowId, read.refused, read.body);
      this.#emit({ type: 'received', workflowId, messageId: message.messageId, bytes: 0, summary });
      this.#fault('before-acknowledge', { workflowId });
      return;
    }
    const body = read.body;
    const kind = messageKindForWorkflowId(workflowId);
    let summary: string;
    switch (kind) {
      case 'RTP':
        summary = await this.#handleRtp(message.messageId, body);
        break;
      case 'QE_NT':
        summary = await this.#handleNotifications(message.messageId, body);
        break;
      case 'QRA':
        summary = await this.#handleAck(message.messageId, body);
        break;
      case 'RTPC':
        summary = await this.#handleCancellation(message.messageId, body);
        break;
      default:
        summary = await this.#handleUnexpected(message.messageId, workflowId, body);
    }
    this.#emit({
      type: 'received',
      workflowId,
      messageId: message.messageId,
      bytes: body.byteLength,
      summary,
    });
    this.#fault('before-acknowledge', { workflowId });
  }

  /** Records an alert for a message that cannot be read at all, keeping what was read when it is small. */
  async #refuse(messageId: string, workflowId: string, reason: string, body?: Buffer): Promise<string> {
    if (body) return this.#handleUnexpected(messageId, workflowId, body, reason);
    await this.#o.store.update((draft) => {
      draft.handled[messageId] = { workflowId, at: this.#now().toISOString(), outcome: 'refused' };
      this.#alert(draft, { code: 'BAD_MESSAGE', message: `Message ${messageId} refused: ${reason}` });
    });
    return `message refused (${reason})`;
  }

  /** Keeps a copy of a message the service cannot use, records an alert, and lets it be acknowledged. */
  async #handleUnexpected(
    messageId: string,
    workflowId: string,
    body: Buffer,
    reason?: string,
  ): Promise<string> {
    const file = `unexpected-${messageId}.bin`;
    await this.#o.store.writeSpool(file, body);
    const why = reason ?? `no handler for workflow ${workflowId || '(none)'}`;
    await this.#o.store.update((draft) => {
      draft.handled[messageId] = {
        workflowId,
        at: this.#now().toISOString(),
        outcome: 'kept for inspection',
      };
      this.#alert(draft, { code: 'BAD_MESSAGE', message: `Message ${messageId} kept in ${file}: ${why}` });
    });
    return `unusable message kept (${why})`;
  }

  async #handleRtp(messageId: string, body: Buffer): Promise<string> {
    const workflowId = workflowIdFor('RTP');
    const decoded = decodeRunTimeParameters(body);
    if (!decoded.ok) {
      // Without a decodable RTP-UUID and cohort there is nothing an RTPR could answer.
      return this.#handleUnexpected(
        messageId,
        workflowId,
        body,
        `RTP not valid (${decoded.issues.length} issue(s): ${decoded.issues.map((i) => `${i.code} at ${i.path}`).join('; ')})`,
      );
    }
    const rtp = decoded.value;
    const { store } = this.#o;
    if (store.state.requests[rtp.rtpUuid]) {
      await store.update((draft) => {
        draft.handled[messageId] = { workflowId, at: this.#now().toISOString(), outcome: 'RTP already held' };
      });
      return `RTP ${rtp.scheduledQueryInstanceId} already held`;
    }

    const today = ukDate(this.#now());
    const queryId = rtp.scheduledQueryInstanceId.slice(0, 6);
    let local: LocalSpecification | undefined;
    let bindProblem: string | undefined;
    try {
      local = await this.#o.specifications(queryId);
      bindProblem = local ? await this.#tryBind(local, rtp) : 'no locally held specification';
    } catch {
      // A broken local specification must not leave the RTP unanswered in the inbox: refuse it, alert a person.
      bindProblem = 'the locally held specification cannot be loaded';
    }
    const state = store.state;
    const practices: Record<string, PracticeProgress> = {};
    for (const practice of rtp.gpPracticeCohort) {
      let responseCode: string = StatusCode.ACCEPTED;
      let detail: string | undefined;
      const stage1 =
        state.participation[participationKey(rtp.scheduledQueryInstanceId, practice.practiceId, 1)];
      if (!(await this.#o.records.hasPractice(practice.practiceId))) {
        responseCode = StatusCode.PRACTICE_NOT_ON_SYSTEM;
      } else if (today > rtp.cutoffDate) {
        responseCode = StatusCode.CUTOFF_PASSED;
      } else if (bindProblem !== undefined) {
        responseCode = local ? StatusCode.INVALID_PARAMETERS : StatusCode.OTHER_ERROR;
        detail = bindProblem;
      } else if (stage1 ? !stage1.participate : local?.requiresStage1 === true) {
        // No Stage 1 answer before the extraction means not authorised (gpes-i §6, §7).
        responseCode = StatusCode.PRACTICE_DECLINED;
        detail = stage1 ? 'declined at Stage 1' : 'no Stage 1 answer';
      }
      practices[practice.practiceId] = {
        practiceId: practice.practiceId,
        status: responseCode === StatusCode.ACCEPTED ? 'scheduled' : 'declined',
        responseCode,
        gpesSignature: practice.gpetQSqiAuthenticationSignature,
        systemSignature: randomUUID().toUpperCase(),
        ...(detail !== undefined ? { detail } : {}),
      };
    }

    const rtprId = randomUUID().toUpperCase();
    const rtpr = encodeRunTimeParametersResponse({
      gpesIVersion: rtp.gpesIVersion,
      scheduledQueryInstanceId: rtp.scheduledQueryInstanceId,
      rtprUuid: rtprId,
      rtpUuid: rtp.rtpUuid,
      issueDateTime: ukDateTime(this.#now()),
      ...(rtp.queryName !== undefined ? { queryName: rtp.queryName } : {}),
      gpPracticeCohort: Object.values(practices).map((p) => ({
        practiceId: p.practiceId,
        gpetQSqiAuthenticationSignature: p.gpesSignature,
        gpetESqiAuthenticationSignature: p.systemSignature,
        rtpResponseId: p.responseCode,
      })),
    });
    const documentFile = `rtp-${rtp.rtpUuid}.xml`;
    await store.writeSpool(documentFile, body);
    const outgoing = await this.#prepareOutgoing('RTPR', rtprId, rtpr, {
      sqi: rtp.scheduledQueryInstanceId,
      rtpUuid: rtp.rtpUuid,
      description: `RTPR ${Object.values(practices)
        .map((p) => `${p.practiceId}:${p.responseCode}`)
        .join(' ')}`,
    });
    await store.update((draft) => {
      if (bindProblem !== undefined && local === undefined) {
        this.#alert(draft, {
          code: 'BAD_MESSAGE',
          message: `RTP ${rtp.scheduledQueryInstanceId}: ${bindProblem} for query ${queryId}`,
          rtpUuid: rtp.rtpUuid,
        });
      }
      const request: RequestState = {
        rtpUuid: rtp.rtpUuid,
        sqi: rtp.scheduledQueryInstanceId,
        queryId,
        ...(rtp.queryName !== undefined ? { queryName: rtp.queryName } : {}),
        retentionDays: rtp.qrRetentionPeriod,
        executionDate: rtp.executionDate,
        ...(rtp.interimDate !== undefined ? { interimDate: rtp.interimDate } : {}),
        cutoffDate: rtp.cutoffDate,
        receivedAt: this.#now().toISOString(),
        documentFile,
        rtprId,
        reportId: randomUUID().toUpperCase(),
        practices,
      };
      draft.requests[rtp.rtpUuid] = request;
      draft.outbox[outgoing.id] = outgoing;
      draft.handled[messageId] = {
        workflowId,
        at: this.#now().toISOString(),
        outcome: 'RTP stored, RTPR queued',
      };
    });
    this.#fault('after-rtp-stored', { workflowId });
    const codes = Object.values(practices)
      .map((p) => `${p.practiceId}:${p.responseCode}`)
      .join(' ');
    return `RTP ${rtp.scheduledQueryInstanceId} for ${rtp.gpPracticeCohort.length} practice(s) → ${codes}`;
  }

  async #tryBind(local: LocalSpecification, rtp: RunTimeParameters): Promise<string | undefined> {
    try {
      await this.#bind(local, rtp);
      return undefined;
    } catch {
      return 'the RTP parameters do not bind to the specification';
    }
  }

  #bind(local: LocalSpecification, rtp: RunTimeParameters): Promise<BoundSpec> {
    let bound = this.#bound.get(rtp.rtpUuid);
    if (!bound) {
      bound = local.spec.bind({
        participation: rtp.patientParticipation,
        ...(local.runParameters ? { parameters: local.runParameters(rtp) } : {}),
        substitutionValues: (rtp.querySetVariables ?? []).flatMap((v) =>
          v.values.map((value) => ({ aid: v.aid, value })),
        ),
        ...(local.subsumption ? { subsumption: local.subsumption } : {}),
        ...(local.detailedCareRecordSharing
          ? { detailedCareRecordSharing: local.detailedCareRecordSharing }
          : {}),
      });
      this.#bound.set(rtp.rtpUuid, bound);
      bound.catch(() => this.#bound.delete(rtp.rtpUuid));
    }
    return bound;
  }

  async #handleNotifications(messageId: string, body: Buffer): Promise<string> {
    const workflowId = workflowIdFor('QE_NT');
    const decoded = decodeQENotificationMessage(body);
    if (!decoded.ok) {
      return this.#handleUnexpected(messageId, workflowId, body, 'notification not valid');
    }
    const answers: { request: ParticipationRequest; decision: ParticipationDecision }[] = [];
    const summaries: string[] = [];
    for (const notification of decoded.value.notifications) {
      const request = participationRequest(notification);
      // Pings have no documented reply; practices this system does not host are not ours to answer for.
      if (!request || !(await this.#o.records.hasPractice(request.practiceId))) {
        summaries.push(`${notification.type} for ${notification.practiceId}: no reply`);
        continue;
      }
      const decision = await this.#o.participation(request);
      answers.push({ request, decision });
      summaries.push(
        `Stage ${request.stage} ${request.practiceId} → ${decision.participate ? 'participates' : 'declines'}`,
      );
    }
    const first = answers[0]?.request;
    let outgoing: OutgoingMessage | undefined;
    if (first) {
      const responseId = randomUUID().toUpperCase();
      const xml = encodeEQNotificationMessage({
        gpesIVersion: decoded.value.gpesIVersion,
        notifications: answers.map(({ request, decision }, index) => ({
          eqNtUuid: index === 0 ? responseId : randomUUID().toUpperCase(),
          issueDateTime: ukDateTime(this.#now()),
          type: request.stage === 1 ? 'Stage1-Notification-Response' : 'Stage2-Notification-Response',
          qeNtUuid: request.notificationId,
          practiceId: request.practiceId,
          gpSystemIdentifier: this.#o.gpSystemIdentifier,
          terminologyIdentifiers: [SNOMED_CT_TERMINOLOGY],
          ...(request.scheduledQueryInstanceId !== undefined
            ? { scheduledQueryInstanceId: request.scheduledQueryInstanceId }
            : {}),
          responses: decision.responses.map((r) => ({
            notificationQuestionId: r.questionId,
            answerId: r.answerId,
            text: r.text ?? '',
            containsFreeText: r.text !== undefined,
          })),
        })),
      });
      outgoing = await this.#prepareOutgoing('NOTIFICATION_RESPONSE', responseId, xml, {
        ...(first.scheduledQueryInstanceId !== undefined ? { sqi: first.scheduledQueryInstanceId } : {}),
        ...(answers.length === 1 ? { practiceId: first.practiceId } : {}),
        description: answers
          .map(
            ({ request, decision }) =>
              `Stage ${request.stage} response ${request.practiceId}: ${decision.participate ? 'yes' : 'no'}`,
          )
          .join('; '),
      });
    }
    await this.#o.store.update((draft) => {
      for (const { request, decision } of answers) {
        if (request.scheduledQueryInstanceId === undefined) continue;
        const key = participationKey(request.scheduledQueryInstanceId, request.practiceId, request.stage);
        draft.participation[key] = {
          sqi: request.scheduledQueryInstanceId,
          practiceId: request.practiceId,
          stage: request.stage,
          participate: decision.participate,
          notificationId: request.notificationId,
          at: this.#now().toISOString(),
        };
      }
      if (outgoing) draft.outbox[outgoing.id] = outgoing;
      draft.handled[messageId] = {
        workflowId,
        at: this.#now().toISOString(),
        outcome: 'notifications answered',
      };
    });
    return summaries.join('; ');
  }

  async #handleAck(messageId: string, body: Buffer): Promise<string> {
    const workflowId = workflowIdFor('QRA');
    const decoded = decodeQueryResultsAcknowledgement(body);
    if (!decoded.ok) return this.#handleUnexpected(messageId, workflowId, body, 'QRA not valid');
    const ack = decoded.value;
    let found: { request: RequestState; practice: PracticeProgress } | undefined;
    for (const request of Object.values(this.#o.store.state.requests)) {
      for (const practice of Object.values(request.practices)) {
        if (practice.qrUuid === ack.qrUuid) found = { request, practice };
      }
    }
    // GPES's uniqueness check (00011) rejects a second copy of a QR it already has: that says nothing against the
    // copy it received first, so it never overwrites that copy's acknowledgement (an Accepted stays Accepted).
    const duplicate =
      ack.status === 'Rejected' &&
      ack.errors.some((e) => e.code === DUPLICATE_QR) &&
      (found?.practice.ack?.status === 'Accepted' || ack.errors.every((e) => e.code === DUPLICATE_QR));
    await this.#o.store.update((draft) => {
      draft.handled[messageId] = {
        workflowId,
        at: this.#now().toISOString(),
        outcome: duplicate
          ? 'QRA Rejected as a duplicate (00011): the earlier QR stands'
          : `QRA ${ack.status}`,
      };
      if (!found) {
        this.#alert(draft, { code: 'BAD_MESSAGE', message: `QRA ${ack.qraUuid} names an unknown QR-UUID` });
        return;
      }
      const practice = draft.requests[found.request.rtpUuid]?.practices[found.practice.practiceId];
      if (!practice) return;
      if (duplicate) {
        practice.duplicateRejections = (practice.duplicateRejections ?? 0) + 1;
        return;
      }
      practice.ack = {
        status: ack.status,
        at: this.#now().toISOString(),
        errors: ack.errors.map((e) => ({ code: e.code, title: e.title })),
      };
      practice.status = ack.status === 'Accepted' ? 'acknowledged' : 'rejected';
      if (ack.status === 'Rejected') {
        this.#alert(draft, {
          code: 'QR_REJECTED',
          message: `GPES rejected the Query Results for ${practice.practiceId}: ${ack.errors.map((e) => `${e.code} ${e.title}`).join('; ')}`,
          rtpUuid: found.request.rtpUuid,
          practiceId: practice.practiceId,
        });
      }
    });
    return found
      ? `QRA ${duplicate ? 'Rejected (duplicate, ignored)' : ack.status} for ${found.practice.practiceId} (${found.request.sqi})`
      : `QRA for an unknown QR`;
  }

  async #handleCancellation(messageId: string, body: Buffer): Promise<string> {
    const workflowId = workflowIdFor('RTPC');
    const decoded = decodeRtpCancellation(body);
    if (!decoded.ok) return this.#handleUnexpected(messageId, workflowId, body, 'RTPC not valid');
    const cancel = decoded.value;
    const cancelled: string[] = [];
    await this.#o.store.update((draft) => {
      draft.handled[messageId] = {
        workflowId,
        at: this.#now().toISOString(),
        outcome: 'cancellation applied',
      };
      const request = draft.requests[cancel.rtpUuid];
      if (!request) {
        this.#alert(draft, { code: 'BAD_MESSAGE', message: `RTPC ${cancel.rtpcUuid} names an unknown RTP` });
        return;
      }
      const scope = cancel.gpPracticeCohort ?? Object.keys(request.practices);
      for (const practiceId of scope) {
        const practice = request.practices[practiceId];
        // Work not yet handed to MESH stops; a Query Results already sending or sent cannot be recalled.
        if (!practice || (practice.status !== 'scheduled' && practice.status !== 'prepared')) continue;
        const queued = practice.qrUuid ? draft.outbox[practice.qrUuid] : undefined;
        if (queued && queued.status !== 'prepared') continue;
        if (queued) queued.status = 'cancelled';
        practice.status = 'cancelled';
        practice.detail = cancel.reason;
        cancelled.push(practiceId);
      }
      if (cancel.gpPracticeCohort === undefined)
        request.cancelled = { at: this.#now().toISOString(), reason: cancel.reason };
    });
    return `RTPC for ${cancel.rtpUuid}: ${cancelled.length > 0 ? `cancelled ${cancelled.join(', ')}` : 'nothing left to stop'}`;
  }

  async #handleMeshReport(
    reportId: string,
    linkedMessageId: string | undefined,
    statusCode: string,
  ): Promise<void> {
    const max = this.#o.maxSendAttempts ?? 3;
    const today = ukDate(this.#now());
    await this.#o.store.update((draft) => {
      draft.handled[reportId] = {
        workflowId: 'REPORT',
        at: this.#now().toISOString(),
        outcome: `REPORT ${statusCode}`,
      };
      const message = Object.values(draft.outbox).find((m) =>
        m.attempts.some((a) => a.messageId !== undefined && a.messageId === linkedMessageId),
      );
      if (!message) {
        this.#alert(draft, {
          code: 'DELIVERY_FAILED',
          message: `MESH REPORT ${statusCode} for a message this service has no record of`,
        });
        return;
      }
      const attempt = message.attempts.find((a) => a.messageId === linkedMessageId);
      if (attempt) attempt.outcome = 'undelivered';
      // A report about an earlier attempt, when a later one is already under way or sent, changes nothing more:
      // acting on it would send the document a second time.
      if (attempt !== message.attempts.at(-1)) return;
      const request = message.rtpUuid ? draft.requests[message.rtpUuid] : undefined;
      const beforeCutoff = request === undefined || today <= request.cutoffDate;
      // Code 14 (not collected in time) is transient: the same document is sent again as a new MESH message.
      // Any other code (12 unknown recipient, 16, 17 workflow not registered) fails again: a person must act.
      if (statusCode === '14' && beforeCutoff && message.attempts.length < max) {
        message.status = 'prepared';
        return;
      }
      this.#failDelivery(
        draft,
        message,
        statusCode === '14'
          ? `${message.kind} ${message.id} not collected by GPES after ${message.attempts.length} attempt(s)`
          : `MESH REPORT ${statusCode} for ${message.kind} ${message.id}`,
      );
    });
  }

  #failDelivery(draft: ServiceState, message: OutgoingMessage, reason: string): void {
    message.status = 'failed';
    if (message.kind === 'QR' && message.rtpUuid && message.practiceId) {
      const practice = draft.requests[message.rtpUuid]?.practices[message.practiceId];
      if (practice) {
        practice.status = 'failed';
        practice.detail = reason;
      }
    }
    this.#alert(draft, {
      code: 'DELIVERY_FAILED',
      message: reason,
      outgoingId: message.id,
      ...(message.rtpUuid !== undefined ? { rtpUuid: message.rtpUuid } : {}),
      ...(message.practiceId !== undefined ? { practiceId: message.practiceId } : {}),
    });
  }

  #onSent(draft: ServiceState, message: OutgoingMessage): void {
    if (message.kind !== 'QR' || !message.rtpUuid || !message.practiceId) return;
    const practice = draft.requests[message.rtpUuid]?.practices[message.practiceId];
    if (practice && practice.status === 'prepared') practice.status = 'sent';
  }

  // ---------------------------------------------------------------------------------------------- evaluation

  async #evaluateDue(errors: unknown[]): Promise<number> {
    const today = ukDate(this.#now());
    let evaluated = 0;
    for (const request of Object.values(this.#o.store.state.requests)) {
      for (const practice of Object.values(request.practices)) {
        // Results are produced on or after the Execution-Date, and not before the Interim-Date when there is one
        // ("the earliest date by which results MAY be returned").
        if (practice.status !== 'scheduled' || today < request.executionDate) continue;
        if (request.interimDate !== undefined && today < request.interimDate) continue;
        this.signal.throwIfAborted();
        if (today > request.cutoffDate) {
          await this.#o.store.update((draft) => {
            const p = draft.requests[request.rtpUuid]?.practices[practice.practiceId];
            if (p) {
              p.status = 'expired';
              p.detail = 'the Cut-off date passed before the results were ready';
            }
          });
          continue;
        }
        try {
          await this.#evaluate(request, practice);
          evaluated++;
        } catch (error) {
          if (this.signal.aborted) throw error;
          errors.push(error);
          await this.#o.store.update((draft) => {
            this.#alert(draft, {
              code: 'EVALUATION_FAILED',
              message: `Evaluation of ${practice.practiceId} for ${request.sqi} failed; it will be retried`,
              rtpUuid: request.rtpUuid,
              practiceId: practice.practiceId,
            });
          });
        }
      }
    }
    return evaluated;
  }

  async #evaluate(request: RequestState, practice: PracticeProgress): Promise<void> {
    const { store } = this.#o;
    const rtp = decodeRunTimeParameters(await store.readSpool(request.documentFile));
    if (!rtp.ok) throw new Error(`The stored RTP ${request.rtpUuid} can no longer be decoded`);
    const local = await this.#o.specifications(request.queryId);
    if (!local) throw new Error(`No specification for query ${request.queryId}`);
    const bound = await this.#bind(local, rtp.value);
    const qrUuid = randomUUID().toUpperCase();
    const translationStart = ukDateTime(this.#now());
    const extract = await evaluatePractice({
      store,
      bound,
      records: () => this.#o.records.patients(practice.practiceId),
      ...(this.#o.database ? { database: { ...this.#o.database, practiceId: practice.practiceId } } : {}),
      fileBase: `qr-${qrUuid}`,
      showDescriptions: rtp.value.showDescriptions,
      now: () => ukDateTime(this.#now()),
      onProgress: (patients) => this.#fault('mid-evaluation', { practiceId: practice.practiceId, patients }),
      ...(this.#o.compress ? { compress: this.#o.compress } : {}),
      signal: this.signal,
      header: (execution) => ({
        gpesIVersion: rtp.value.gpesIVersion,
        qrMessageVersion: '0.2',
        qrUuid,
        scheduledQueryInstanceId: request.sqi,
        rtpUuid: request.rtpUuid,
        practiceId: practice.practiceId,
        gpetQSqiAuthenticationSignature: practice.gpesSignature,
        gpetESqiAuthenticationSignature: practice.systemSignature,
        issueDateTime: execution.end,
        ...(request.queryName !== undefined ? { queryName: request.queryName } : {}),
        manifest: {
          gpetEExecutableVersion: this.#o.executableVersion ?? '1.0',
          gpSystemIdentifier: this.#o.gpSystemIdentifier,
          terminologyIdentifiers: [SNOMED_CT_TERMINOLOGY],
          rtpTranslationStatistics: { startDateTime: translationStart, endDateTime: execution.start },
          queryExecutionStatistics: { startDateTime: execution.start, endDateTime: execution.end },
        },
      }),
    });
    const kind = 'QR' as const;
    const outgoing = this.#outgoing(kind, qrUuid, extract.file, extract.bytes, extract.compressed, {
      sqi: request.sqi,
      practiceId: practice.practiceId,
      rtpUuid: request.rtpUuid,
      description: `QR ${practice.practiceId}: ${extract.aggregates.length} aggregate, ${extract.patientRecords} patient-level record(s)${extract.compressed ? ', gzip' : ''}`,
    });
    const registerSize = extract.aggregates[0] ? Number(extract.aggregates[0].value) : undefined;
    await store.update((draft) => {
      const p = draft.requests[request.rtpUuid]?.practices[practice.practiceId];
      // Cancelled meanwhile? Then the extract is simply not queued.
      if (p?.status !== 'scheduled') return;
      p.status = 'prepared';
      p.qrUuid = qrUuid;
      p.aggregateRecords = extract.aggregates.length;
      p.patientRecords = extract.patientRecords;
      if (registerSize !== undefined && Number.isFinite(registerSize)) p.registerSize = registerSize;
      p.executionStart = translationStart;
      p.executionEnd = ukDateTime(this.#now());
      draft.outbox[qrUuid] = outgoing;
    });
    this.#emit({
      type: 'evaluated',
      sqi: request.sqi,
      practiceId: practice.practiceId,
      patients: extract.patients,
      registerSize,
      aggregateRecords: extract.aggregates.length,
      patientRecords: extract.patientRecords,
      bytes: extract.bytes,
    });
  }

  // ---------------------------------------------------------------------------------------------- housekeeping

  /**
   * Deletes sent documents once the RTP's QR-Retention-Period ("how long Data Provider Output is kept on the GP
   * system for audit") has passed, and forgets handled inbox ids after 30 days (MESH stops offering a message after
   * 5 days, so it cannot come back later than that).
   */
  async #housekeeping(): Promise<void> {
    const now = this.#now().getTime();
    const state = this.#o.store.state;
    const expired = (since: string, days: number) => Date.parse(since) + days * DAY_MS < now;
    const purge = Object.values(state.outbox).filter((m) => {
      if (m.purged || (m.status !== 'sent' && m.status !== 'failed' && m.status !== 'cancelled'))
        return false;
      const request = m.rtpUuid ? state.requests[m.rtpUuid] : undefined;
      return expired(m.createdAt, request?.retentionDays ?? HANDLED_RETENTION_DAYS);
    });
    const forget = Object.entries(state.handled).filter(([, h]) => expired(h.at, HANDLED_RETENTION_DAYS));
    // A process stopped between writing a Query Results document and recording it leaves a file nothing refers
    // to (the practice is evaluated again under a new QR-UUID); nothing else writes now, so it can go.
    const referenced = new Set(Object.values(state.outbox).map((m) => m.file));
    for (const name of await this.#o.store.listSpool()) {
      if (name.startsWith('qr-') && !referenced.has(name)) await this.#o.store.removeSpool(name);
    }
    if (purge.length === 0 && forget.length === 0) return;
    // The spool file goes first: a crash in between leaves a record pointing at nothing, never an untracked file.
    for (const message of purge) await this.#o.store.removeSpool(message.file);
    await this.#o.store.update((draft) => {
      for (const message of purge) {
        const entry = draft.outbox[message.id];
        if (entry) entry.purged = true;
      }
      for (const [id] of forget) delete draft.handled[id];
    });
  }

  // ---------------------------------------------------------------------------------------------- reports

  /** Queues the report CSV of each request whose practices have all reached an end state, once. */
  async #queueReports(): Promise<void> {
    const state = this.#o.store.state;
    for (const request of Object.values(state.requests)) {
      const practices = Object.values(request.practices);
      if (!practices.every((p) => TERMINAL.has(p.status))) continue;
      const reportId = request.reportId;
      if (state.outbox[reportId]) continue;
      const rows = buildReportRows(request, {
        reportDate: ukDate(this.#now()),
        supplier: this.#o.supplier,
        gpSystemIdentifier: this.#o.gpSystemIdentifier,
      });
      const csv = encodeReportCsv(rows);
      const outgoing = await this.#prepareOutgoing('REPORT', reportId, csv, {
        sqi: request.sqi,
        rtpUuid: request.rtpUuid,
        description: `report CSV, ${rows.length} row(s): ${rows.map((r) => `${r.practiceId} ${r.status}`).join(', ')}`,
      });
      await this.#o.store.update((draft) => {
        draft.outbox[outgoing.id] = outgoing;
      });
    }
  }

  // ---------------------------------------------------------------------------------------------- outgoing

  async #prepareOutgoing(
    kind: OutgoingKind,
    id: string,
    content: string,
    parts: { sqi?: string; practiceId?: string; rtpUuid?: string; description: string },
  ): Promise<OutgoingMessage> {
    const file = `${kind.toLowerCase()}-${id}.${kind === 'REPORT' ? 'csv' : 'xml'}`;
    const bytes = await this.#o.store.writeSpool(file, content);
    return this.#outgoing(kind, id, file, bytes, false, parts);
  }

  #outgoing(
    kind: OutgoingKind,
    id: string,
    file: string,
    bytes: number,
    compressed: boolean,
    parts: { sqi?: string; practiceId?: string; rtpUuid?: string; description: string },
  ): OutgoingMessage {
    const messageKind = kind === 'NOTIFICATION_RESPONSE' ? 'EQ_NT' : kind;
    const nameParts = {
      kind: messageKind,
      messageUuid: id,
      ...(parts.sqi !== undefined ? { scheduledQueryInstanceId: parts.sqi } : {}),
      ...(parts.practiceId !== undefined ? { practiceId: parts.practiceId } : {}),
    } as const;
    return {
      id,
      kind,
      workflowId: workflowIdFor(messageKind),
      to: this.#o.gpesMailboxId,
      subject: subjectFor(nameParts),
      fileName: `${fileNameFor(nameParts)}${compressed ? '.gz' : ''}`,
      file,
      bytes,
      compressed,
      contentType: kind === 'REPORT' ? 'text/csv' : 'application/xml',
      ...(parts.rtpUuid !== undefined ? { rtpUuid: parts.rtpUuid } : {}),
      ...(parts.practiceId !== undefined ? { practiceId: parts.practiceId } : {}),
      description: parts.description,
      status: 'prepared',
      attempts: [],
      createdAt: this.#now().toISOString(),
    };
  }
}

function participationKey(sqi: string, practiceId: string, stage: 1 | 2): string {
  return `${sqi}|${practiceId}|${stage}`;
}

function participationRequest(notification: QENotification): ParticipationRequest | undefined {
  if (notification.type === 'System-Ping-Request-Notification') return undefined;
  return {
    stage: notification.type === 'Stage1-Notification' ? 1 : 2,
    practiceId: notification.practiceId,
    ...(notification.scheduledQueryInstanceId !== undefined
      ? { scheduledQueryInstanceId: notification.scheduledQueryInstanceId }
      : {}),
    notificationId: notification.qeNtUuid,
    title: notification.payload.title.text,
    questions: notification.payload.items.flatMap((item) =>
      item.kind === 'question'
        ? [
            {
              questionId: item.notificationQuestionId,
              ...(item.questionText !== undefined ? { text: item.questionText.text } : {}),
              answers: item.allowedValues.kind === 'values' ? item.allowedValues.values : [],
              ...(item.allowedValues.kind === 'free-text'
                ? {
                    freeText: {
                      answerId: item.allowedValues.answerId,
                      ...(item.allowedValues.maxlength !== undefined
                        ? { maxLength: item.allowedValues.maxlength }
                        : {}),
                    },
                  }
                : {}),
            },
          ]
        : [],
    ),
  };
}

/**
 * Reads a (small) inbox message, undoing payload gzip. Every message GPES sends a GP system is small; anything over
 * `limit` bytes (read or decompressed) or unreadable gzip is refused rather than held in memory or retried forever.
 */
async function readBody(
  message: MeshRetrievedMessage,
  limit: number,
): Promise<{ body: Buffer } | { refused: string; body?: Buffer }> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const piece of message.body) {
    const buffer = piece as Buffer;
    size += buffer.byteLength;
    if (size > limit) {
      message.body.destroy();
      return { refused: `larger than ${limit} bytes` };
    }
    parts.push(buffer);
  }
  const body = Buffer.concat(parts);
  if (message.compressed && body[0] === 0x1f && body[1] === 0x8b) {
    try {
      return { body: gunzipSync(body, { maxOutputLength: limit }) };
    } catch {
      return { refused: `gzip payload unreadable or larger than ${limit} bytes once decompressed`, body };
    }
  }
  return { body };
}
