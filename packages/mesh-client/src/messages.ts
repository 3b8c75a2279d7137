import type { Readable } from 'node:stream';

/** Message types MESH delivers (mesh-api.md §8). */
export const MeshMessageType = { DATA: 'DATA', REPORT: 'REPORT' } as const;
export type MeshMessageType = (typeof MeshMessageType)[keyof typeof MeshMessageType];

/** Metadata common to DATA and REPORT messages, read from the `mex-*` response headers. */
export interface MeshMessageBase {
  messageId: string;
  workflowId?: string;
  /** Sender mailbox (absent on REPORTs, which come from MESH's central system mailbox). */
  from?: string;
  to?: string;
  subject?: string;
  localId?: string;
  partnerId?: string;
  fileName?: string;
  /** `mex-Content-Type`: content type of the whole decoded message, as the sender declared it. */
  contentType?: string;
  contentChecksum?: string;
  /** `mex-Content-Encrypted` passthrough flag. */
  encrypted?: boolean;
  /**
   * `mex-Content-Compressed` passthrough flag: the sender says the payload itself is compressed (not transport
   * gzip). When the download arrives with `Content-Encoding: gzip` the flag is not trusted (NHS England's sandbox
   * sets it for its own transport gzip): it is then true only if the payload, transport gzip undone, is itself gzip.
   */
  compressed?: boolean;
  /** Number of chunks (0 for REPORTs, which have no body). */
  totalChunks: number;
  statusCode?: string;
  statusEvent?: string;
  statusDescription?: string;
  statusSuccess?: boolean;
  statusTimestamp?: Date;
  /** Every `mex-*` header as received (lower-case names). May contain free text chosen by the sender. */
  mexHeaders: Readonly<Record<string, string>>;
}

/** An ordinary message carrying a payload. */
export interface MeshDataMessage extends MeshMessageBase {
  messageType: 'DATA';
}

/** A MESH delivery-failure report for a message you sent; it has no body. Acknowledge it like any message. */
export interface MeshReportMessage extends MeshMessageBase {
  messageType: 'REPORT';
  /** Id of the message that failed (`mex-LinkedMsgID`). */
  linkedMessageId?: string;
  /** Non-`00` MESH status code, e.g. `14` (not collected within 5 days). */
  statusCode: string;
}

/** Metadata of a downloaded message: DATA or REPORT, discriminated on `messageType`. */
export type MeshMessage = MeshDataMessage | MeshReportMessage;

/** A downloaded message: metadata plus its body, streamed (chunks reassembled, transport gzip undone). */
export type MeshRetrievedMessage = MeshMessage & {
  /** The decoded body. A Node Readable, hence also an `AsyncIterable<Buffer>`. Empty for REPORTs. Read it once. */
  readonly body: Readable;
  /** Reads the whole body into memory. Use only for messages known to be small. */
  buffer(): Promise<Buffer>;
};

/** Progress of an upload or download. */
export interface MeshProgress {
  /** Bytes transferred so far (uncompressed payload bytes). */
  transferredBytes: number;
  /** Total payload bytes when known. */
  totalBytes?: number;
  /** Chunk being transferred (1-based). */
  chunk: number;
  totalChunks: number;
}

/** Normalised status of a sent message (v1 title case and v2 lower case both map here). */
export type MeshMessageStatus =
  | 'uploading'
  | 'accepted'
  | 'acknowledged'
  | 'undeliverable'
  | 'error'
  | 'unknown';

/** Tracking information for a message you sent. */
export interface MeshTrackingInfo {
  messageId: string;
  localId?: string;
  workflowId?: string;
  fileName?: string;
  recipient?: string;
  recipientName?: string;
  recipientOdsCode?: string;
  status: MeshMessageStatus;
  /** The status as the server wrote it. */
  rawStatus?: string;
  statusSuccess?: boolean;
  statusCode?: string;
  statusEvent?: string;
  statusDescription?: string;
  statusTimestamp?: Date;
  uploadTimestamp?: Date;
  expiryTime?: Date;
}

/** One mailbox returned by endpoint lookup or workflow search. */
export interface MeshMailboxMatch {
  mailboxId: string;
  mailboxName?: string;
}
