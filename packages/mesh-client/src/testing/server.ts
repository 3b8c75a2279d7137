import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Clock } from './clock.js';
import { ConnectionDropped, type Exchange, sendError, sendJson } from './http/exchange.js';
import { FaultQueue } from './http/faults.js';
import { negotiateVersion } from './http/negotiate.js';
import { RequestRecorder, redactHeaders } from './http/recorder.js';
import { sendStatusFault } from './http/status-fault.js';
import { DEFAULT_MAILBOXES, MailboxRegistry } from './registry.js';
import { matchRoute } from './router.js';
import { decodedBody } from './routes/download.js';
import { createReport, type ResolvedOptions, runExpiry, type ServerState } from './state.js';
import { fileChunkStore, memoryChunkStore } from './store/chunk-store.js';
import { MessageStore, summarise } from './store/message-store.js';
import { TokenLedger } from './token-ledger.js';
import type { FakeDeliverOptions, FakeFault, FakeMesh, FakeMeshOptions, FakeRoute } from './types.js';

const HOUR_MS = 60 * 60 * 1000;

function positive(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min)
    throw new RangeError(`fake MESH option ${name} must be ≥ ${min}`);
  return value;
}

function resolveOptions(o: FakeMeshOptions): ResolvedOptions {
  return {
    sharedKey: o.sharedKey ?? 'TestKey',
    defaultPageSize: Math.floor(positive('defaultPageSize', o.defaultPageSize, 500)),
    maxRequestBytes: positive('maxRequestBytes', o.maxRequestBytes, 100_000_000),
    maxMessageBytes: positive('maxMessageBytes', o.maxMessageBytes, 20_000_000_000),
    minNonFinalChunkBytes: positive('minNonFinalChunkBytes', o.minNonFinalChunkBytes, 0, 0),
    tokenWindowMs: positive('tokenWindowMs', o.tokenWindowMs, 2 * HOUR_MS, 0),
    requireOsArchitecture: o.requireOsArchitecture ?? true,
    inboxExpiryDays: positive('inboxExpiryDays', o.inboxExpiryDays, 5, 0),
    messageExpiryDays: positive('messageExpiryDays', o.messageExpiryDays, 30, 0),
    reportChunkRange: o.reportChunkRange ?? '1:0',
    sandboxCompressedFlag: o.sandboxCompressedFlag ?? o.nhsSandboxGzip ?? false,
    compressDownloads: o.compressDownloads ?? o.nhsSandboxGzip ?? false,
  };
}

const toBuffer = (v: Uint8Array | string) =>
  typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v);

/**
 * Starts a fake MESH server on loopback (a free port unless `port` is given). It follows the MESH API
 * reference and is stricter than mesh-sandbox where that catches client bugs: single-use tokens, the 2-hour
 * timestamp window, the chunk state machine, workflow registration, size limits and message expiry.
 *
 * @example
 * const mesh = await startFakeMesh({ mailboxes: [{ id: 'X26ABC1', password: 'pw' }] });
 * // … point the client at mesh.url …
 * await mesh.close();
 */
export async function startFakeMesh(options: FakeMeshOptions = {}): Promise<FakeMesh> {
  if (options.now !== undefined && !(options.now instanceof Date && !Number.isNaN(options.now.getTime()))) {
    throw new TypeError('fake MESH option now must be a valid Date');
  }
  const resolved = resolveOptions(options);
  const initialMailboxes = [...(options.mailboxes ?? DEFAULT_MAILBOXES)];
  const clock = new Clock(options.now);
  const state: ServerState = {
    options: resolved,
    clock,
    registry: new MailboxRegistry(initialMailboxes),
    store: new MessageStore(),
    chunks: options.storageDirectory ? fileChunkStore(options.storageDirectory) : memoryChunkStore(),
    tokens: new TokenLedger(),
  };
  const faults = new FaultQueue();
  const recorder = new RequestRecorder(
    Math.floor(positive('maxRecordedRequests', options.maxRecordedRequests, 1000)),
  );
  clock.onChange(() => runExpiry(state));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const startedAt = new Date();
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://fake-mesh.invalid');
    const method = req.method ?? 'GET';
    const match = matchRoute(method, url.pathname);
    const route: FakeRoute | 'unknown' = 'route' in match ? match.route : 'unknown';
    const fault = faults.take(route);
    const ex: Exchange = {
      req,
      res,
      url,
      version: 1,
      requestBytes: 0,
    };
    res.on('close', () => {
      recorder.add({
        method,
        path: req.url ?? '/',
        route,
        headers: redactHeaders(req.headers),
        status: res.headersSent ? res.statusCode : 0,
        requestBytes: ex.requestBytes,
        startedAt,
        durationMs: performance.now() - started,
        ...(fault !== undefined ? { fault } : {}),
      });
    });
    const version = negotiateVersion(req.headers.accept);
    ex.version = version === 'invalid' ? 1 : version;
    if (fault !== undefined && typeof fault === 'object' && 'status' in fault) {
      sendStatusFault(ex, fault);
      return;
    }
    if (fault !== undefined && typeof fault === 'object' && 'delayMs' in fault) {
      await new Promise((r) => setTimeout(r, fault.delayMs));
      if (res.destroyed) return;
    }
    if (fault === 'reset' || fault === 'truncate') ex.responseFault = fault;
    if (fault !== undefined && typeof fault === 'object' && 'reset' in fault) {
      if (fault.reset === 'response') ex.responseFault = 'reset';
      else ex.requestReset = true;
    }
    if (ex.requestReset && !('hasBody' in match && match.hasBody)) {
      req.socket.resetAndDestroy();
      return;
    }
    if (version === 'invalid') {
      sendJson(ex, 400, {
        detail: [{ loc: ['header', 'accept'], msg: 'Accept header api format incorrect' }],
      });
      return;
    }
    if (!('route' in match)) {
      sendError(ex, match.status, {
        event: 'REQUEST',
        code: String(match.status),
        msg: match.status === 404 ? 'Not Found' : 'Method Not Allowed',
      });
      return;
    }
    runExpiry(state);
    await match.run(ex, state);
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof ConnectionDropped || res.headersSent) {
        res.destroy();
        return;
      }
      // A bug in the fake itself: answer like a failing MESH rather than hanging the client.
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('fake MESH internal error');
    });
  };

  const requestTimeout = positive('requestTimeoutMs', options.requestTimeoutMs, 300_000);
  const headersTimeout = Math.min(
    positive('headersTimeoutMs', options.headersTimeoutMs, 60_000),
    requestTimeout,
  );
  // Node checks both timeouts every connectionsCheckingInterval (30 s by default): check often enough to honour
  // short test timeouts.
  const timeouts = {
    requestTimeout,
    headersTimeout,
    connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(headersTimeout / 4))),
  };
  let server: Server;
  if (options.tls) {
    const requestCert = options.tls.requestCert ?? options.tls.ca !== undefined;
    server = createHttpsServer(
      {
        cert: options.tls.cert,
        key: options.tls.key,
        ...(options.tls.ca !== undefined ? { ca: options.tls.ca } : {}),
        requestCert,
        rejectUnauthorized: requestCert,
        minVersion: 'TLSv1.2',
        ...timeouts,
      },
      listener,
    );
  } else {
    server = createHttpServer(timeouts, listener);
  }
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${options.tls ? 'https' : 'http'}://${host}:${address.port}`;

  const mustGet = (messageId: string) => {
    const m = state.store.get(messageId);
    if (!m) throw new RangeError(`fake MESH has no message ${messageId}`);
    return m;
  };

  let closed: Promise<void> | undefined;
  const fake: FakeMesh = {
    url,
    port: address.port,
    clock,
    mailboxes: state.registry,
    get requests() {
      return recorder.list();
    },
    get messages() {
      return state.store
        .all()
        .sort((a, b) => a.uploadedAt.getTime() - b.uploadedAt.getTime())
        .map(summarise);
    },
    inbox(mailboxId) {
      runExpiry(state);
      return state.store.inbox(mailboxId).map(summarise);
    },
    message(messageId) {
      const m = state.store.get(messageId);
      return m ? summarise(m) : undefined;
    },
    readMessageBody(messageId) {
      return decodedBody(mustGet(messageId));
    },
    async deliver(o: FakeDeliverOptions) {
      const to = state.registry.record(o.to);
      if (!to) throw new RangeError(`fake MESH deliver: recipient ${o.to} is not registered`);
      if (typeof o.workflowId !== 'string' || !o.workflowId) {
        throw new TypeError('fake MESH deliver: workflowId is required');
      }
      const parts = (o.chunks ?? [o.body ?? '']).map(toBuffer);
      if (parts.length === 0) throw new RangeError('fake MESH deliver: chunks must not be empty');
      const chunks = await Promise.all(parts.map((p) => state.chunks.fromBuffer(o.gzip ? gzipSync(p) : p)));
      const now = clock.now();
      const meta: Record<string, string> = {};
      if (o.localId !== undefined) meta.localId = o.localId;
      if (o.subject !== undefined) meta.subject = o.subject;
      if (o.fileName !== undefined) meta.fileName = o.fileName;
      if (o.partnerId !== undefined) meta.partnerId = o.partnerId;
      if (o.contentType !== undefined) meta.contentType = o.contentType;
      if (o.checksum !== undefined) meta.checksum = o.checksum;
      if (o.encrypted !== undefined) meta.encrypted = o.encrypted ? 'Y' : 'N';
      if (o.compressed !== undefined) meta.compressed = o.compressed ? 'Y' : 'N';
      const message = state.store.add({
        id: state.store.newId(now),
        type: 'DATA',
        sender: (o.from ?? to.id).toUpperCase(),
        recipient: to.id,
        workflowId: o.workflowId,
        status: 'uploading',
        totalChunks: chunks.length,
        chunks,
        ...(o.gzip ? { contentEncoding: 'gzip' as const } : {}),
        meta,
        uploadedAt: now,
      });
      state.store.deliver(message, now);
      return message.id;
    },
    report(messageId, reportOptions) {
      return createReport(state, mustGet(messageId), reportOptions);
    },
    failNext(route: FakeRoute, fault: FakeFault, times = 1) {
      faults.arm(route, fault, times);
    },
    runExpiry() {
      runExpiry(state);
    },
    reset() {
      state.store.clear();
      state.chunks.clear();
      state.tokens.clear();
      faults.clear();
      recorder.clear();
      state.registry.clear();
      for (const m of initialMailboxes) state.registry.add(m);
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        state.store.clear();
        state.chunks.dispose();
      });
      return closed;
    },
  };
  return fake;
}
