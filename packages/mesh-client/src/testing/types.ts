import type { Clock } from './clock.js';

/** A mailbox registered with the fake server. */
export interface FakeMailboxConfig {
  /** Mailbox id, e.g. `X26ABC1`. Stored upper-case. */
  id: string;
  /** Mailbox password used in the NHSMESH HMAC. */
  password: string;
  /** Human-readable name returned by endpoint lookup. @default the id */
  name?: string;
  /** ODS code of the owning organisation, used by endpoint lookup. @default 'X26' */
  odsCode?: string;
  /**
   * Workflows this mailbox is registered for in both roles, sender and receiver. Shorthand for listing them in
   * both `sends` and `receives`.
   */
  workflows?: readonly string[];
  /** Workflows this mailbox is registered to send (MESH registers sender and receiver roles separately). */
  sends?: readonly string[];
  /** Workflows this mailbox is registered to receive: endpoint lookup and workflow search list it for these. */
  receives?: readonly string[];
}

/** A registered mailbox, defaults applied. */
export interface FakeMailbox {
  readonly id: string;
  readonly password: string;
  readonly name: string;
  readonly odsCode: string;
  /**
   * Workflows it may send, and receive. Both absent: unrestricted (as every mesh-sandbox mailbox), may send and
   * receive any workflow, and is not listed by endpoint lookup or workflow search. Once any of `workflows`,
   * `sends`, `receives` is configured, the mailbox sends and receives only what is listed (code 17 otherwise).
   */
  readonly sends?: readonly string[];
  readonly receives?: readonly string[];
  /** Every workflow it is registered for, in either role (absent when unrestricted). */
  readonly workflows?: readonly string[];
}

/** Named groups of endpoints that faults can be attached to. `'*'` matches every route. */
export type FakeRoute =
  | 'handshake'
  | 'send'
  | 'chunk'
  | 'inbox'
  | 'count'
  | 'download'
  | 'acknowledge'
  | 'tracking'
  | 'lookup'
  | 'workflowsearch'
  | 'ping'
  | '*';

/**
 * A fault injected into the next matching request(s).
 * - `{ status }`: answer with this status without handling the request (5xx bodies default to XML, as live MESH).
 * - `{ delayMs }`: wait (real time) before handling the request normally.
 * - `'reset'` (same as `{ reset: 'response' }`): handle the request, then drop the connection part-way through the
 *   response, so the effect happened but the client cannot know (the ambiguous-send case).
 * - `{ reset: 'request' }`: drop the connection part-way through reading the request body, before any effect.
 * - `'truncate'`: handle the request, then send fewer body bytes than the declared Content-Length and close.
 */
export type FakeFault =
  | { status: number; retryAfterSeconds?: number; body?: string; contentType?: string }
  | { delayMs: number }
  | 'reset'
  | { reset: 'request' | 'response' }
  | 'truncate';

/** One request seen by the fake server. Secrets are redacted; bodies are never kept. */
export interface RecordedRequest {
  method: string;
  /** Path and query string, e.g. `/messageexchange/X26ABC1/inbox?max_results=10`. */
  path: string;
  /** The route the request matched, or `'unknown'`. */
  route: FakeRoute | 'unknown';
  /** Lower-case header names; `authorization` and secret-looking headers are replaced by `[REDACTED]`. */
  headers: Readonly<Record<string, string>>;
  /** Response status (0 if the connection was dropped before a status was sent). */
  status: number;
  /** Number of request body bytes read. */
  requestBytes: number;
  /** Wall-clock start time (real time, not the fake clock). */
  startedAt: Date;
  durationMs: number;
  /** The fault applied to this request, if any. */
  fault?: FakeFault;
}

/** Lifecycle states, as MESH names them. */
export type FakeMessageStatus = 'uploading' | 'accepted' | 'acknowledged' | 'undeliverable' | 'error';

/** A read-only view of a stored message. Never includes the body (see {@link FakeMesh.readMessageBody}). */
export interface FakeMessageSummary {
  messageId: string;
  messageType: 'DATA' | 'REPORT';
  /** Sender mailbox; absent for REPORTs, which come from MESH itself. */
  sender?: string;
  recipient: string;
  workflowId: string;
  status: FakeMessageStatus;
  /** Chunks declared on chunk 1. */
  totalChunks: number;
  /** Chunks received so far. */
  receivedChunks: number;
  /** `gzip` when the chunks were uploaded with transport compression. */
  contentEncoding?: 'gzip';
  /** Stored (possibly compressed) bytes across all chunks. */
  storedBytes: number;
  localId?: string;
  subject?: string;
  fileName?: string;
  partnerId?: string;
  contentType?: string;
  checksum?: string;
  encrypted?: boolean;
  compressed?: boolean;
  /** REPORTs: the message the report is about. */
  linkedMessageId?: string;
  statusCode?: string;
  statusEvent?: string;
  statusDescription?: string;
  uploadedAt: Date;
  /** When the message entered the recipient's inbox. */
  deliveredAt?: Date;
  acknowledgedAt?: Date;
}

/** Put a message straight into an inbox, as if another system had sent it. */
export interface FakeDeliverOptions {
  /** Recipient mailbox (must be registered). */
  to: string;
  /** Sender mailbox. @default the recipient */
  from?: string;
  workflowId: string;
  /** The whole body, sent as one chunk; or use `chunks`. @default empty */
  body?: Uint8Array | string;
  /** The body split into chunks (each stored separately, downloaded as chunk 1..N). */
  chunks?: readonly (Uint8Array | string)[];
  /** Store each chunk gzip-compressed, as if uploaded with `Content-Encoding: gzip`. @default false */
  gzip?: boolean;
  localId?: string;
  subject?: string;
  fileName?: string;
  partnerId?: string;
  contentType?: string;
  checksum?: string;
  encrypted?: boolean;
  compressed?: boolean;
}

/** Create a REPORT (non-delivery) message about an existing message, as MESH does when delivery fails. */
export interface FakeReportOptions {
  /** MESH status code. @default '14' (undelivered) */
  code?: string;
  /** @default 'TRANSFER' */
  event?: string;
  /** @default the description MESH uses for `code` */
  description?: string;
}

/** The mailbox and workflow registry. */
export interface FakeMailboxes {
  /** Registers (or replaces) a mailbox. @throws TypeError when the id or password is invalid */
  add(mailbox: FakeMailboxConfig): void;
  remove(mailboxId: string): boolean;
  /** A copy of a registered mailbox with defaults applied, or undefined. */
  get(mailboxId: string): FakeMailbox | undefined;
  list(): readonly string[];
}

/** Options for {@link startFakeMesh}. */
export interface FakeMeshOptions {
  /** Port to listen on. @default 0 (a free port) */
  port?: number;
  /** Host to listen on. @default '127.0.0.1' */
  host?: string;
  /** Shared secret (HMAC key). @default 'TestKey' (the mesh-sandbox test value) */
  sharedKey?: string;
  /**
   * Mailboxes to register. @default X26ABC1, X26ABC2 (ODS X26) and X26ABC3 (ODS X27), password `password`,
   * unrestricted: the mesh-sandbox canned mailboxes.
   */
  mailboxes?: readonly FakeMailboxConfig[];
  /** Serve HTTPS. With `requestCert` (the default when `ca` is given), client certificates signed by `ca` are required. */
  tls?: { cert: string | Buffer; key: string | Buffer; ca?: string | Buffer; requestCert?: boolean };
  /** Page size used when an inbox request has no `max_results`. @default 500 */
  defaultPageSize?: number;
  /** Largest request body (one chunk, or a single-request message), in bytes. @default 100_000_000 */
  maxRequestBytes?: number;
  /** Largest total stored size of one message across chunks. @default 20_000_000_000 */
  maxMessageBytes?: number;
  /** Refuse non-final chunks smaller than this many bytes (SPEC asks for ≥ 5 MB). @default 0 (not checked) */
  minNonFinalChunkBytes?: number;
  /** Permitted difference between a token's timestamp and the fake clock. @default 2 hours */
  tokenWindowMs?: number;
  /** Require `mex-OSArchitecture` on the handshake (a conformance-review requirement). @default true */
  requireOsArchitecture?: boolean;
  /** Days before an uncollected message expires and the sender gets a code 14 REPORT. @default 5 */
  inboxExpiryDays?: number;
  /** Days before an uncollected message is deleted. @default 30 */
  messageExpiryDays?: number;
  /** `mex-chunk-range` for REPORT messages; mesh-sandbox sends `1:0`. @default '1:0' */
  reportChunkRange?: '1:0' | '1:1';
  /** Also set `mex-content-compressed: Y` whenever gzip is returned (mesh-sandbox's conflation). @default false */
  sandboxCompressedFlag?: boolean;
  /** gzip uncompressed messages on download when a v2 client accepts gzip (SPEC allows it). @default false */
  compressDownloads?: boolean;
  /**
   * Download compression as NHS England's MESH sandbox does it: every v2 download is gzipped when the client sends
   * `Accept-Encoding: gzip`, and `mex-content-compressed: Y` is set with it even when the sender never compressed
   * the payload. Shorthand for `compressDownloads` and `sandboxCompressedFlag` both true (explicit values of those
   * win). Use it to check that a receiver does not mistake transport gzip for payload compression. @default false
   */
  nhsSandboxGzip?: boolean;
  /**
   * Time allowed to receive a request's headers; a client that stalls in them is answered 408 and disconnected.
   * @default 60000
   */
  headersTimeoutMs?: number;
  /**
   * Time allowed to receive a whole request, headers and body: a request whose body stops short of its
   * Content-Length is answered 408 (or, once a response has started, disconnected) within it. Enforced with a
   * resolution of at most one second. @default 300000 (five minutes: a 100 MB chunk at 2.7 Mbit/s)
   */
  requestTimeoutMs?: number;
  /** Directory for chunk bodies instead of memory (for large payloads). @default in memory */
  storageDirectory?: string;
  /** Recorded requests kept (oldest dropped first). @default 1000 */
  maxRecordedRequests?: number;
  /** Start time of the fake clock. @default the real time, advancing in real time */
  now?: Date;
}

/** A running fake MESH server. */
export interface FakeMesh {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash; API paths start `/messageexchange`). */
  readonly url: string;
  readonly port: number;
  /** The fake clock used for token windows, timestamps and expiry. */
  readonly clock: Clock;
  readonly mailboxes: FakeMailboxes;
  /** Requests seen so far (a copy), oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Summaries of every stored message, in upload order. */
  readonly messages: readonly FakeMessageSummary[];
  /** Messages currently listed in a mailbox's inbox (status `accepted`), in delivery order. */
  inbox(mailboxId: string): readonly FakeMessageSummary[];
  /** One message, or undefined. */
  message(messageId: string): FakeMessageSummary | undefined;
  /** The decoded (gunzipped) body of a message, all chunks concatenated. */
  readMessageBody(messageId: string): Promise<Buffer>;
  /** Delivers a message directly into an inbox; returns its id. */
  deliver(options: FakeDeliverOptions): Promise<string>;
  /** Marks a message as failed and sends its sender a REPORT; returns the REPORT's id. */
  report(messageId: string, options?: FakeReportOptions): string;
  /** Injects a fault into the next `times` requests on `route`. @param times @default 1 */
  failNext(route: FakeRoute, fault: FakeFault, times?: number): void;
  /** Applies expiry rules at the current fake time (also done on every request and clock change). */
  runExpiry(): void;
  /** Forgets messages, recorded requests, faults and used tokens, and restores the initial mailboxes. */
  reset(): void;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}
