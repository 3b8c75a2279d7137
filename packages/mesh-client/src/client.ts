import { randomUUID } from 'node:crypto';
import { arch, type as osType, version as osVersion } from 'node:os';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { invalidArgument, isMeshError, MeshError } from './errors.js';
import {
  buildSendHeaders,
  hasControlCharacters,
  parseMessageHeaders,
  type SendMessageHeaders,
  sanitizeHeaderValue,
} from './headers.js';
import { LevelLogger } from './logger.js';
import type {
  MeshMailboxMatch,
  MeshMessage,
  MeshMessageStatus,
  MeshProgress,
  MeshRetrievedMessage,
  MeshTrackingInfo,
} from './messages.js';
import {
  CHUNK_LIMITS,
  type MeshClientOptions,
  type OperationOptions,
  type ResolvedOptions,
  resolveOptions,
} from './options.js';
import { CountResponse, InboxResponse, SendResponse } from './responses/codecs.js';
import { decodeResponse } from './responses/decode.js';
import { type MeshMessageSource, planSource } from './send/source.js';
import { parseMailboxResults, parseTrackingBody } from './tracking.js';
import { createTransport, type Transport } from './transport/http.js';
import {
  type RequestExecutor as Executor,
  RequestExecutor,
  type RequestResult,
} from './transport/request.js';
import { sleep } from './transport/retry.js';
import { VERSION } from './version.js';

const gzip = promisify(gzipCallback);

/** Options of {@link MeshClient.sendMessage}: the payload, its `mex-*` metadata and transfer settings. */
export interface SendMessageOptions extends SendMessageHeaders, OperationOptions {
  /** The payload. Streams of unknown length are spooled to a temporary file when longer than one chunk. */
  body: MeshMessageSource;
  /** Length of a stream `body`, when known; avoids spooling. Checked against the bytes actually read. */
  contentLength?: number;
  /** gzip each chunk (`Content-Encoding: gzip`). @default the client's `compress` option */
  compress?: boolean;
  /** Overrides the client's chunk size for this message. @default the client's `chunkSizeBytes` */
  chunkSizeBytes?: number;
  /** Called after each chunk is accepted. */
  onUploadProgress?: (progress: MeshProgress) => void;
}

/** Result of a successful send. */
export interface SendMessageResult {
  messageId: string;
  /** The local id sent as `mex-LocalID` (yours, or the UUID the client generated). */
  localId: string;
  totalChunks: number;
  /** Uncompressed payload bytes. */
  totalBytes: number;
}

/** Options of {@link MeshClient.listMessages}. */
export interface ListMessagesOptions extends OperationOptions {
  /**
   * MESH workflow filter: `WF` equals, `!WF` not equals, `WF*` begins with, `!WF*`, `*X*` contains, `!*X*`.
   * 2–255 characters.
   */
  workflowFilter?: string;
  /** Page size, 10–5000. @default 500 */
  maxResults?: number;
}

/** Options of {@link MeshClient.retrieveMessage}. */
export interface RetrieveMessageOptions extends OperationOptions {
  /** Called as body bytes are delivered. */
  onDownloadProgress?: (progress: MeshProgress) => void;
}

/** Options of {@link MeshClient.reconcileSend}. */
export interface ReconcileSendOptions extends OperationOptions {
  /**
   * When the send's last attempt was torn down (`MeshError.attemptClosedAt`), for reconciling from a client or
   * process other than the one that sent. @default what this client recorded, else now
   */
  attemptClosedAt?: Date;
}

/** What `reconcileSend` found for a local id. */
export interface ReconcileResult {
  messageId: string;
  status: MeshMessageStatus;
  /**
   * False when MESH holds the message but it is still `uploading` (the first chunk arrived, later ones did not):
   * it will never be delivered; send again with a new local id.
   */
  complete: boolean;
}

const MESSAGE_ID = /^[A-Za-z0-9_.-]{1,100}$/;

/** A workflow ID goes into a URL path segment, so it must be non-empty, bounded and contain no `/`. */
function checkWorkflowId(workflowId: string): void {
  if (
    typeof workflowId !== 'string' ||
    workflowId === '' ||
    workflowId.length > 300 ||
    hasControlCharacters(workflowId) ||
    workflowId.includes('/')
  ) {
    throw invalidArgument('workflowId must be 1-300 characters without control characters or "/"');
  }
}

function checkId(name: string, value: unknown): string {
  if (typeof value !== 'string' || !MESSAGE_ID.test(value)) {
    throw invalidArgument(`${name} must be 1-100 letters, digits, "_", "-" or "."`);
  }
  return value;
}

function osArchitecture(): string {
  const a = arch();
  return a === 'x64' ? 'x86_64' : a === 'arm64' ? 'aarch64' : a;
}

async function readJson(result: RequestResult, route: string, allowEmpty = false): Promise<unknown> {
  let text: string;
  try {
    text = result.text ?? (await result.response.text());
  } catch (cause) {
    throw new MeshError(`MESH response body could not be read: ${route}`, {
      code: 'NETWORK',
      request: route,
      cause,
    });
  } finally {
    result.release();
  }
  if (text.trim() === '') {
    if (allowEmpty) return undefined;
    throw new MeshError(`MESH response body is empty: ${route}`, { code: 'BAD_RESPONSE', request: route });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new MeshError(`MESH response is not JSON: ${route}`, {
      code: 'BAD_RESPONSE',
      request: route,
      cause,
    });
  }
}

async function discard(result: RequestResult): Promise<void> {
  try {
    await result.response.body?.cancel();
  } catch {
    // The body is not needed; a failure to cancel it changes nothing.
  } finally {
    result.release();
  }
}

/**
 * A MESH API v2 client. One instance per mailbox; it holds a connection pool, so call {@link MeshClient.close}
 * when done. Every request carries a fresh NHSMESH token.
 *
 * @example
 * ```ts
 * const mesh = new MeshClient({ baseUrl, mailboxId, mailboxPassword, sharedKey, tls: { cert, key, ca } });
 * await mesh.handshake();
 * const { messageId } = await mesh.sendMessage({ to: 'X26ABC2', workflowId: 'GPES_WF', body: { path: 'out.xml' } });
 * for await (const id of mesh.listMessages()) {
 *   const message = await mesh.retrieveMessage(id);
 *   await store(message.body);
 *   await mesh.acknowledgeMessage(id);
 * }
 * ```
 */
export class MeshClient {
  readonly #input: MeshClientOptions;
  readonly #options: ResolvedOptions;
  readonly #transport: Transport;
  readonly #log: LevelLogger;
  readonly #exec: Executor;
  readonly #mailboxPath: string;
  /** Local id → when its last possibly-delivered upload attempt was torn down (ms since epoch). */
  readonly #closedAttempts = new Map<string, number>();

  /**
   * @throws {MeshError} `INVALID_ARGUMENT` when an option is missing or out of range.
   */
  constructor(options: MeshClientOptions) {
    this.#options = resolveOptions(options);
    this.#input = { ...options };
    this.#transport = createTransport({
      tls: this.#options.tls,
      proxy: this.#options.proxy,
      fetch: this.#options.fetch,
    });
    this.#log = new LevelLogger(this.#options.logger, this.#options.logLevel);
    this.#exec = new RequestExecutor(this.#options, this.#transport, this.#log);
    this.#mailboxPath = `${this.#options.baseUrl}/messageexchange/${encodeURIComponent(this.#options.mailboxId)}`;
  }

  /** The mailbox this client acts for (upper case). */
  get mailboxId(): string {
    return this.#options.mailboxId;
  }

  /** A new client with some options changed (credentials, timeouts, logger, …). The original is unchanged. */
  withOptions(options: Partial<MeshClientOptions>): MeshClient {
    return new MeshClient({ ...this.#input, ...options });
  }

  /** Closes pooled connections. Pending requests fail. */
  async close(): Promise<void> {
    await this.#transport.close();
  }

  /**
   * Validates the mailbox ("handshake"), sending the mex-Client/OS headers. MESH asks for this once every 24
   * hours (at start-up, then daily).
   * @throws {MeshError} `UNAUTHORIZED`, `MAILBOX_NOT_FOUND`, `NETWORK`, `TIMEOUT`, …
   */
  async handshake(options: OperationOptions = {}): Promise<void> {
    const app = this.#options.applicationName;
    const result = await this.#exec.execute({
      method: 'POST',
      url: this.#mailboxPath,
      route: 'POST /messageexchange/{mailbox}',
      headers: {
        'mex-clientversion': sanitizeHeaderValue(`${app ? `${app};` : ''}gpes-mesh-client==${VERSION}`),
        'mex-osname': sanitizeHeaderValue(osType()),
        'mex-osversion': sanitizeHeaderValue(osVersion()),
        'mex-osarchitecture': sanitizeHeaderValue(osArchitecture()),
        'mex-javaversion': 'N/A',
      },
      retry: 'retryable',
      ok: [200],
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    });
    await discard(result);
  }

  /**
   * Sends a message, in one request or in chunks of `chunkSizeBytes`, each gzip-compressed on its own when
   * `compress` is set. Memory is bounded by two chunks (one uploading, one read ahead). The first request is never retried blindly: when its
   * outcome is unknown the call throws `SEND_OUTCOME_UNKNOWN` with the `localId`; use {@link reconcileSend}.
   * Later chunks are retried.
   * @returns The MESH message id and the local id used.
   * @throws {MeshError} `INVALID_ARGUMENT` (bad metadata or source; nothing sent), `PAYLOAD_TOO_LARGE`,
   *   `SEND_OUTCOME_UNKNOWN`, `SEND_REJECTED` (e.g. MESH code 12 unregistered recipient, 17 workflow not
   *   registered), `UNAUTHORIZED`, and for chunks 2..N the retryable codes once retries are exhausted (the error
   *   carries `messageId`).
   */
  async sendMessage(options: SendMessageOptions): Promise<SendMessageResult> {
    if (typeof options !== 'object' || options === null)
      throw invalidArgument('sendMessage options are required');
    const localId = options.localId ?? randomUUID();
    const mexHeaders = buildSendHeaders(options, localId);
    const chunkSize = options.chunkSizeBytes ?? this.#options.chunkSizeBytes;
    if (
      !Number.isInteger(chunkSize) ||
      chunkSize < CHUNK_LIMITS.minBytes ||
      chunkSize > CHUNK_LIMITS.maxBytes
    ) {
      throw invalidArgument(
        `chunkSizeBytes must be between ${CHUNK_LIMITS.minBytes} and ${CHUNK_LIMITS.maxBytes}`,
      );
    }
    const compress = options.compress ?? this.#options.compress;
    const { signal } = options;
    if (signal?.aborted) throw signal.reason;
    const planned = await planSource(options.body, {
      chunkSizeBytes: chunkSize,
      contentLength: options.contentLength,
      spoolDirectory: this.#options.spoolDirectory,
    });
    const totalBytes = planned.totalBytes;
    const totalChunks = Math.max(1, Math.ceil(totalBytes / chunkSize));
    let messageId: string | undefined;
    let sentBytes = 0;
    let chunk = 0;
    const chunks = planned.chunks(chunkSize);
    // Read-ahead: chunk n+1 is read (from disk or the caller's stream) while chunk n uploads.
    let ahead: Promise<IteratorResult<Buffer>> | undefined;
    try {
      for (
        let step = await chunks.next();
        !step.done;
        step = await (ahead as Promise<IteratorResult<Buffer>>)
      ) {
        const raw = step.value;
        ahead = chunks.next();
        // Observed when awaited; until then a failure must not count as unhandled.
        ahead.catch(() => undefined);
        chunk++;
        if (chunk > totalChunks)
          throw invalidArgument('The source produced more bytes than its declared length');
        if (signal?.aborted) throw signal.reason;
        const body = compress ? await gzip(raw) : raw;
        if (body.length >= 100_000_000) {
          throw new MeshError('A chunk is over the 100 MB MESH request limit', { code: 'PAYLOAD_TOO_LARGE' });
        }
        const headers: Record<string, string> = {
          'content-type': 'application/octet-stream',
          ...(compress && { 'content-encoding': 'gzip' }),
          ...(totalChunks > 1 && { 'mex-chunk-range': `${chunk}:${totalChunks}` }),
        };
        if (chunk === 1) {
          const result = await this.#exec.execute({
            method: 'POST',
            url: `${this.#mailboxPath}/outbox`,
            route: 'POST /messageexchange/{mailbox}/outbox',
            headers: { ...headers, ...mexHeaders },
            body,
            retry: 'first-send',
            ok: [202],
            readText: true,
            signal,
            timeoutMs: options.timeoutMs,
            localId,
            onAttemptClosed: (at) => this.#attemptClosed(localId, at),
          });
          messageId = await this.#readSendResponse(result, localId);
        } else {
          const id = messageId as string;
          const result = await this.#exec.execute({
            method: 'POST',
            url: `${this.#mailboxPath}/outbox/${encodeURIComponent(id)}/${chunk}`,
            route: `POST /messageexchange/{mailbox}/outbox/${id}/${chunk}`,
            headers,
            body,
            retry: 'upload',
            ok: [202],
            signal,
            timeoutMs: options.timeoutMs,
            messageId: id,
            localId,
            onAttemptClosed: (at) => this.#attemptClosed(localId, at),
          });
          await discard(result);
        }
        sentBytes += raw.length;
        options.onUploadProgress?.({ transferredBytes: sentBytes, totalBytes, chunk, totalChunks });
      }
      if (chunk !== totalChunks)
        throw invalidArgument('The source produced fewer bytes than its declared length');
    } finally {
      // Let a pending read-ahead settle, then close the source (file handle, caller's stream) before cleanup.
      await ahead?.catch(() => undefined);
      await chunks.return(undefined).catch(() => undefined);
      await planned.cleanup();
    }
    const id = messageId as string;
    this.#log.info({ messageId: id, totalChunks, totalBytes }, 'MESH message sent');
    return { messageId: id, localId, totalChunks, totalBytes };
  }

  async #readSendResponse(result: RequestResult, localId: string): Promise<string> {
    const route = 'POST /messageexchange/{mailbox}/outbox';
    try {
      const body = decodeResponse(SendResponse, await readJson(result, route), route);
      // The codec guarantees one of the spellings is a non-empty string; v2's comes first.
      return (body.message_id || body.messageID || body.messageId) as string;
    } catch (cause) {
      // MESH accepted the request (202) but its id is unknown: only tracking by local id can tell.
      throw new MeshError(`MESH send outcome unknown (accepted without a readable message id): ${route}`, {
        code: 'SEND_OUTCOME_UNKNOWN',
        localId,
        status: 202,
        request: route,
        retryable: false,
        cause,
      });
    }
  }

  /** Remembers when an upload attempt that may have reached MESH was torn down, for {@link reconcileSend}. */
  #attemptClosed(localId: string, at: Date): void {
    const known = this.#closedAttempts.get(localId);
    this.#closedAttempts.delete(localId);
    this.#closedAttempts.set(localId, known && known > at.getTime() ? known : at.getTime());
    // Bounded: the oldest entries go first (by then their grace period has long passed).
    if (this.#closedAttempts.size > 10_000) {
      const oldest = this.#closedAttempts.keys().next().value;
      if (oldest !== undefined) this.#closedAttempts.delete(oldest);
    }
  }

  /**
   * Finds what MESH holds for a local id after `SEND_OUTCOME_UNKNOWN` (or an aborted or interrupted send),
   * through tracking by local id.
   *
   * The rule: a complete message found is reported at once. "Not found", and "incomplete" (`complete: false`), are
   * answered only once every earlier attempt of the send is known to be closed and the grace period
   * (`reconcileGraceMs`, default 60 s) has passed since, so that a request (first POST or last chunk) MESH received
   * in full but had not yet stored cannot change the answer afterwards. The client
   * remembers when its own attempts closed; pass `attemptClosedAt` (from the error) when reconciling in another
   * client or process. When neither is known, the grace period counts from now. While it runs, this call
   * waits (abortable with `signal`) and then tracks again.
   * @returns The message id and status, or undefined when MESH has no message with that local id (safe to send
   *   again, with the same local id).
   * @throws {MeshError} `AMBIGUOUS_LOCAL_ID` when several messages share it; network and server codes.
   */
  async reconcileSend(
    localId: string,
    options: ReconcileSendOptions = {},
  ): Promise<ReconcileResult | undefined> {
    const found = await this.#findByLocalId(localId, options);
    if (found?.complete) return found;
    const given = options.attemptClosedAt?.getTime();
    const known = this.#closedAttempts.get(localId);
    const closedAt = Math.max(given ?? 0, known ?? 0) || Date.now();
    const waitMs = closedAt + this.#options.reconcileGraceMs - Date.now();
    if (waitMs > 0) {
      this.#log.info({ waitMs }, 'MESH reconcile: waiting out the grace period before answering');
      await sleep(waitMs, options.signal);
      return this.#findByLocalId(localId, options);
    }
    return found;
  }

  async #findByLocalId(localId: string, options: OperationOptions): Promise<ReconcileResult | undefined> {
    try {
      const info = await this.trackMessage({ localId }, options);
      return { messageId: info.messageId, status: info.status, complete: info.status !== 'uploading' };
    } catch (error) {
      if (isMeshError(error) && error.code === 'MESSAGE_NOT_FOUND') return undefined;
      throw error;
    }
  }

  /**
   * Lists the ids of messages waiting in the inbox, following pagination (host-relative `links.next`) and the
   * workflow filter. Iterate with `for await`.
   * @throws {MeshError} `INVALID_ARGUMENT` for a bad filter or page size; request codes while iterating.
   */
  listMessages(options: ListMessagesOptions = {}): AsyncIterable<string> {
    const { workflowFilter, maxResults } = options;
    if (workflowFilter !== undefined) {
      if (
        typeof workflowFilter !== 'string' ||
        workflowFilter.length < 2 ||
        workflowFilter.length > 255 ||
        hasControlCharacters(workflowFilter)
      ) {
        throw invalidArgument('workflowFilter must be 2-255 characters without control characters');
      }
    }
    if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults < 10 || maxResults > 5000)) {
      throw invalidArgument('maxResults must be an integer between 10 and 5000');
    }
    const first = new URL(`${this.#mailboxPath}/inbox`);
    if (maxResults !== undefined) first.searchParams.set('max_results', String(maxResults));
    if (workflowFilter !== undefined) first.searchParams.set('workflow_filter', workflowFilter);
    const origin = first.origin;
    const exec = this.#exec;
    const route = 'GET /messageexchange/{mailbox}/inbox';
    return {
      async *[Symbol.asyncIterator]() {
        let url: string | undefined = first.href;
        const seen = new Set<string>();
        while (url) {
          seen.add(url);
          const result = await exec.execute({
            method: 'GET',
            url,
            route,
            retry: 'retryable',
            ok: [200],
            readText: true,
            signal: options.signal,
            timeoutMs: options.timeoutMs,
          });
          const body = decodeResponse(InboxResponse, await readJson(result, route), route);
          for (const id of body.messages) yield id;
          // v1 has no links; v2 has `links.next` only when there is another page.
          const next = body.links?.next;
          if (!next) break;
          // Links are host-relative (PYCLIENT bug #60); never follow one to another origin with our credentials.
          const resolved = new URL(next, `${origin}/`);
          if (resolved.origin !== origin) {
            throw new MeshError(`MESH inbox response links to another origin: ${route}`, {
              code: 'BAD_RESPONSE',
              request: route,
            });
          }
          if (seen.has(resolved.href)) {
            throw new MeshError(`MESH inbox pagination repeats a page: ${route}`, {
              code: 'BAD_RESPONSE',
              request: route,
            });
          }
          url = resolved.href;
        }
      },
    };
  }

  /**
   * Number of messages in the inbox (MESH marks this endpoint deprecated; `listMessages` is the polling tool).
   * @throws {MeshError} request codes; `BAD_RESPONSE` when the count is missing.
   */
  async countMessages(options: OperationOptions = {}): Promise<number> {
    const route = 'GET /messageexchange/{mailbox}/count';
    const body = await this.#getJson(`${this.#mailboxPath}/count`, route, options);
    return decodeResponse(CountResponse, body, route).count;
  }

  /**
   * Downloads a message: metadata now, the body as a stream that fetches chunks 2..N as it is read, undoes
   * transport gzip per chunk, and retries a failed chunk from where it stopped. Check `messageType`: REPORTs
   * are delivery failures of `linkedMessageId` and have an empty body. Acknowledge only after storing the body.
   * @throws {MeshError} `MESSAGE_NOT_FOUND`, `MESSAGE_GONE`, `BAD_RESPONSE`, request codes. The body stream
   *   emits the same codes as errors.
   */
  async retrieveMessage(
    messageId: string,
    options: RetrieveMessageOptions = {},
  ): Promise<MeshRetrievedMessage> {
    checkId('messageId', messageId);
    const first = await this.#getChunk(messageId, 1, options);
    let meta: MeshMessage;
    try {
      meta = parseMessageHeaders(first.response.headers, messageId);
    } catch (error) {
      await discard(first);
      throw error;
    }
    let body: Readable;
    if (meta.messageType === 'REPORT') {
      await discard(first);
      body = Readable.from([], { objectMode: false });
    } else {
      const state = { started: false };
      const source = this.#bodyPieces(messageId, meta.totalChunks, first, options, state);
      let pieces = source;
      if (meta.compressed === true && isTransportGzip(first)) {
        // mesh-api.md §4.6: a server that gzips the transfer may also set Mex-Content-Compressed: Y (NHS
        // England's sandbox does), so with transport gzip the flag is not evidence. The payload is compressed
        // only if, once the transport gzip is undone, it is itself gzip data.
        const peeked = await peekBytes(pieces, 2);
        meta.compressed = peeked.head[0] === 0x1f && peeked.head[1] === 0x8b;
        pieces = peeked.pieces;
      }
      body = Readable.from(pieces, {
        objectMode: false,
      });
      // A body destroyed before it was read never runs the generator: free the first response here (or, after a
      // peek, end the generator that holds it).
      body.once('close', () => {
        if (!state.started) void discard(first);
        else void source.return(undefined).catch(() => undefined);
      });
    }
    const buffer = async () => {
      const parts: Buffer[] = [];
      for await (const part of body) parts.push(part as Buffer);
      return Buffer.concat(parts);
    };
    return Object.assign(meta, { body, buffer });
  }

  /**
   * A message's metadata without its body (`HEAD`, mesh-api.md §4.6): the same fields as `retrieveMessage`, for
   * listing an inbox without downloading anything. `compressed` is the sender's `Mex-Content-Compressed` flag
   * (the request asks for no transport gzip, so the flag cannot be a server's transport marker).
   * @throws {MeshError} `MESSAGE_NOT_FOUND`, `MESSAGE_GONE`, `BAD_RESPONSE`, request codes.
   */
  async getMessageMetadata(messageId: string, options: OperationOptions = {}): Promise<MeshMessage> {
    checkId('messageId', messageId);
    const result = await this.#exec.execute({
      method: 'HEAD',
      url: `${this.#mailboxPath}/inbox/${encodeURIComponent(messageId)}`,
      route: `HEAD /messageexchange/{mailbox}/inbox/${messageId}`,
      headers: { 'accept-encoding': 'identity' },
      retry: 'retryable',
      ok: [200, 206],
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      messageId,
    });
    try {
      return parseMessageHeaders(result.response.headers, messageId);
    } finally {
      await discard(result);
    }
  }

  #getChunk(messageId: string, chunk: number, options: OperationOptions): Promise<RequestResult> {
    const suffix = chunk === 1 ? '' : `/${chunk}`;
    return this.#exec.execute({
      method: 'GET',
      url: `${this.#mailboxPath}/inbox/${encodeURIComponent(messageId)}${suffix}`,
      route: `GET /messageexchange/{mailbox}/inbox/${messageId}${suffix}`,
      headers: { 'accept-encoding': 'gzip' },
      retry: 'retryable',
      ok: [200, 206],
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      stream: true,
      messageId,
    });
  }

  async *#bodyPieces(
    messageId: string,
    totalChunks: number,
    first: RequestResult,
    options: RetrieveMessageOptions,
    state: { started: boolean },
  ): AsyncGenerator<Buffer> {
    state.started = true;
    let transferred = 0;
    let pending: RequestResult | undefined = first;
    try {
      for (let chunk = 1; chunk <= totalChunks; chunk++) {
        // Bytes of this chunk already delivered downstream: a retried chunk skips them.
        let delivered = 0;
        for (let attempt = 0; ; attempt++) {
          const result: RequestResult = pending ?? (await this.#getChunk(messageId, chunk, options));
          pending = undefined;
          const route = `GET /messageexchange/{mailbox}/inbox/${messageId}${chunk === 1 ? '' : `/${chunk}`}`;
          try {
            let seen = 0;
            for await (const piece of decodeBody(result.response)) {
              result.touch();
              const start = Math.max(0, delivered - seen);
              seen += piece.length;
              if (start >= piece.length) continue;
              const fresh = start === 0 ? piece : piece.subarray(start);
              delivered += fresh.length;
              transferred += fresh.length;
              yield fresh;
              options.onDownloadProgress?.({ transferredBytes: transferred, chunk, totalChunks });
            }
            result.release();
            break;
          } catch (cause) {
            result.release();
            if (options.signal?.aborted) throw options.signal.reason;
            const error = classifyBodyError(cause, result, route, messageId);
            if (!error.retryable || attempt >= this.#options.retry.limit) throw error;
            await this.#exec.backoff(attempt, error, options.signal);
          }
        }
      }
    } finally {
      if (pending) await discard(pending);
    }
  }

  /**
   * Acknowledges a message, removing it from the inbox. Call only after the message is stored durably.
   * Retried on transient failures (acknowledging twice is harmless).
   * @throws {MeshError} `MESSAGE_NOT_FOUND`, request codes.
   */
  async acknowledgeMessage(messageId: string, options: OperationOptions = {}): Promise<void> {
    checkId('messageId', messageId);
    const result = await this.#exec.execute({
      method: 'PUT',
      url: `${this.#mailboxPath}/inbox/${encodeURIComponent(messageId)}/status/acknowledged`,
      route: `PUT /messageexchange/{mailbox}/inbox/${messageId}/status/acknowledged`,
      retry: 'retryable',
      ok: [200],
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      messageId,
    });
    await discard(result);
    this.#log.info({ messageId }, 'MESH message acknowledged');
  }

  /**
   * Tracks a message you sent, by message id or (deprecated endpoint, for reconciliation) by local id. MESH asks
   * clients not to poll tracking frequently.
   * @throws {MeshError} `MESSAGE_NOT_FOUND`, `AMBIGUOUS_LOCAL_ID` (local id shared by several messages),
   *   `BAD_RESPONSE`, request codes.
   */
  async trackMessage(
    by: { messageId: string } | { localId: string },
    options: OperationOptions = {},
  ): Promise<MeshTrackingInfo> {
    let url: string;
    let route: string;
    if (typeof by === 'object' && by !== null && 'messageId' in by) {
      checkId('messageId', by.messageId);
      url = `${this.#mailboxPath}/outbox/tracking?messageID=${encodeURIComponent(by.messageId)}`;
      route = 'GET /messageexchange/{mailbox}/outbox/tracking?messageID={messageId}';
    } else if (typeof by === 'object' && by !== null && 'localId' in by && typeof by.localId === 'string') {
      if (by.localId === '' || by.localId.length > 300 || hasControlCharacters(by.localId)) {
        throw invalidArgument('localId must be 1-300 characters without control characters');
      }
      url = `${this.#mailboxPath}/outbox/tracking/${encodeURIComponent(by.localId)}`;
      route = 'GET /messageexchange/{mailbox}/outbox/tracking/{localId}';
    } else {
      throw invalidArgument('trackMessage needs { messageId } or { localId }');
    }
    return parseTrackingBody(await this.#getJson(url, route, options), route);
  }

  /**
   * Finds the mailbox(es) registered for an ODS code and workflow.
   * @throws {MeshError} `INVALID_ARGUMENT`, `BAD_RESPONSE`, request codes.
   */
  async lookupEndpoint(
    odsCode: string,
    workflowId: string,
    options: OperationOptions = {},
  ): Promise<MeshMailboxMatch[]> {
    checkId('odsCode', odsCode);
    checkWorkflowId(workflowId);
    const route = 'GET /messageexchange/endpointlookup/{odsCode}/{workflowId}';
    return this.#lookup(
      `${this.#options.baseUrl}/messageexchange/endpointlookup/${encodeURIComponent(odsCode)}/${encodeURIComponent(workflowId)}`,
      route,
      options,
    );
  }

  /**
   * Lists the mailboxes registered to receive a workflow.
   * @throws {MeshError} `INVALID_ARGUMENT`, `BAD_RESPONSE`, request codes.
   */
  async searchWorkflow(workflowId: string, options: OperationOptions = {}): Promise<MeshMailboxMatch[]> {
    checkWorkflowId(workflowId);
    const route = 'GET /messageexchange/workflowsearch/{workflowId}';
    return this.#lookup(
      `${this.#options.baseUrl}/messageexchange/workflowsearch/${encodeURIComponent(workflowId)}`,
      route,
      options,
    );
  }

  async #lookup(url: string, route: string, options: OperationOptions): Promise<MeshMailboxMatch[]> {
    return parseMailboxResults(await this.#getJson(url, route, options), route);
  }

  /** A read-only GET answered with a JSON body: safe to retry, and the body is read inside the attempt. */
  async #getJson(url: string, route: string, options: OperationOptions): Promise<unknown> {
    const result = await this.#exec.execute({
      method: 'GET',
      url,
      route,
      retry: 'retryable',
      ok: [200],
      readText: true,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    });
    return readJson(result, route);
  }
}

function isTransportGzip(result: RequestResult): boolean {
  return /(^|,)\s*(x-)?gzip\s*(,|$)/i.test(result.response.headers.get('content-encoding') ?? '');
}

/**
 * Reads pieces until `count` bytes are known (or the body ends), and returns them with a generator that yields
 * the same pieces again before the rest: nothing is lost and nothing is read twice.
 */
async function peekBytes(
  source: AsyncGenerator<Buffer>,
  count: number,
): Promise<{ head: Buffer; pieces: AsyncGenerator<Buffer> }> {
  const taken: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < count) {
    const step = await source.next();
    if (step.done) {
      done = true;
      break;
    }
    taken.push(step.value);
    length += step.value.length;
  }
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      yield* taken;
      if (!done) yield* source;
    } finally {
      await source.return(undefined);
    }
  }
  return { head: Buffer.concat(taken).subarray(0, count), pieces: replay() };
}

async function* decodeBody(response: Response): AsyncGenerator<Buffer> {
  if (!response.body) return;
  // fetch undoes Content-Encoding: gzip itself, per response: each chunk is its own gzip member
  // (mesh-api.md §4.6), so per-response decoding is exactly what MESH needs.
  for await (const piece of response.body as unknown as AsyncIterable<Uint8Array>) {
    yield Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
  }
}

function classifyBodyError(
  cause: unknown,
  result: RequestResult,
  route: string,
  messageId: string,
): MeshError {
  if (isMeshError(cause)) return cause;
  if (result.timedOut()) {
    return new MeshError(`MESH download stalled: ${route}`, {
      code: 'TIMEOUT',
      request: route,
      messageId,
      cause,
    });
  }
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    // A cut-short or corrupt gzip member is usually a truncated transfer: worth another attempt.
    return new MeshError(`MESH download is not valid gzip: ${route}`, {
      code: 'BAD_RESPONSE',
      request: route,
      messageId,
      retryable: true,
      cause,
    });
  }
  return new MeshError(`MESH download failed (network error): ${route}`, {
    code: 'NETWORK',
    request: route,
    messageId,
    cause,
  });
}
