import type { Alert, OutgoingKind } from '../state/types.js';

/**
 * Named points where a test can stop the service as if the process had died there. The hook is called at each
 * point; if it throws, the service stops at once (its AbortSignal fires, nothing more is written or sent) and
 * `run`/`runOnce` reject with the thrown error. A new service on the same state directory must then finish the job.
 *
 * - `after-rtp-stored`: the RTP and its RTPR are durable, the inbox message is not yet acknowledged.
 * - `mid-evaluation`: part-way through a practice's patients.
 * - `mid-upload`: after a chunk of a Query Results message has been uploaded, before the last one.
 * - `before-acknowledge`: an inbox message was handled durably; the acknowledgement was not sent.
 * - `after-send`: MESH accepted a message, and its message id is not yet recorded.
 */
export type FaultPoint =
  | 'after-rtp-stored'
  | 'mid-evaluation'
  | 'mid-upload'
  | 'before-acknowledge'
  | 'after-send';

/** Where a fault point was reached. Contains ids only, never patient data. */
export interface FaultContext {
  readonly workflowId?: string;
  readonly practiceId?: string;
  /** For `mid-evaluation`: patients evaluated so far in this practice. */
  readonly patients?: number;
  /** For `mid-upload`: the chunk just uploaded and the total. */
  readonly chunk?: number;
  readonly totalChunks?: number;
}

/** Test hook: throw to simulate a crash at `point`. */
export type FaultHook = (point: FaultPoint, context: FaultContext) => void;

/** What the service did, for a timeline or a log. Ids and counts only: no patient data, no credentials. */
export type ServiceEvent =
  | {
      readonly type: 'received';
      readonly workflowId: string;
      readonly messageId: string;
      readonly bytes: number;
      readonly summary: string;
    }
  | { readonly type: 'duplicate'; readonly workflowId: string; readonly messageId: string }
  | {
      readonly type: 'sent';
      readonly kind: OutgoingKind;
      readonly workflowId: string;
      readonly messageId: string;
      readonly localId: string;
      readonly bytes: number;
      readonly chunks: number;
      readonly summary: string;
    }
  | {
      readonly type: 'reconciled';
      readonly localId: string;
      readonly outcome: 'already-sent' | 'not-sent' | 'partial-upload' | 'undelivered';
    }
  | {
      readonly type: 'evaluated';
      readonly sqi: string;
      readonly practiceId: string;
      readonly patients: number;
      readonly registerSize: number | undefined;
      readonly aggregateRecords: number;
      readonly patientRecords: number;
      readonly bytes: number;
    }
  | { readonly type: 'alert'; readonly alert: Alert };
