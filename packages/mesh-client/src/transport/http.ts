import { connect as netConnect, type Socket } from 'node:net';
import ky from 'ky';
import { Agent, buildConnector, ProxyAgent, fetch as undiciFetch } from 'undici';
import type { MeshFetch, MeshTlsOptions } from '../options.js';

/** @internal One HTTP exchange, before retries. */
export interface TransportRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'HEAD';
  headers: Record<string, string>;
  /** Always a buffer (at most one chunk): a retried request must be replayable without re-reading a stream. */
  body?: Buffer;
  signal: AbortSignal;
}

/**
 * @internal One request on a connection of its own, so that the attempt can be torn down completely: `destroy()`
 * destroys the socket (and with it the request body stream) and resolves once the socket has emitted 'close', so
 * no byte of the attempt can still be written to the server afterwards. Aborting a fetch alone does not do this:
 * undici may keep streaming a large request body after the fetch promise has rejected.
 */
export interface ExclusiveExchange {
  send(request: TransportRequest): Promise<Response>;
  /**
   * Destroys the connection and waits for its socket to close. Resolves true when the close was confirmed, false
   * when it cannot be (a caller-supplied `fetch` owns its connections).
   */
  destroy(): Promise<boolean>;
}

/** @internal The HTTP layer: ky for request construction on undici's fetch, with the TLS/proxy dispatcher. */
export interface Transport {
  send(request: TransportRequest): Promise<Response>;
  /** A one-request connection for uploads (see {@link ExclusiveExchange}). */
  exclusive(): ExclusiveExchange;
  close(): Promise<void>;
}

/** @internal */
export interface TransportOptions {
  tls?: MeshTlsOptions | undefined;
  proxy?: string | undefined;
  fetch?: MeshFetch | undefined;
}

function tlsConnectOptions(tls: MeshTlsOptions | undefined) {
  // No rejectUnauthorized here, ever: verification stays at Node's secure default (mesh-api.md §13.5).
  return {
    ...(tls?.cert !== undefined && { cert: tls.cert }),
    ...(tls?.key !== undefined && { key: tls.key }),
    ...(tls?.passphrase !== undefined && { passphrase: tls.passphrase }),
    ...(tls?.ca !== undefined && { ca: tls.ca }),
    ...(tls?.servername !== undefined && { servername: tls.servername }),
    minVersion: 'TLSv1.2' as const,
  };
}

/**
 * The chunk as a one-piece byte stream, made afresh for every attempt (a retry replays the same buffer). fetch
 * copies a Buffer body, and copies every piece an async iterable yields (`new Uint8Array(piece)`); a piece
 * enqueued on a ReadableStream goes to the socket as it is: measured, 3-4x the upload rate at a fifth of the CPU.
 */
function bodyStream(buffer: Buffer): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (buffer.length > 0)
        controller.enqueue(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length));
      controller.close();
    },
  });
}

/**
 * Resets (RST, not FIN) the TCP sockets of an attempt: a FIN would let the kernel go on sending the request
 * bytes still in its send buffer, which can complete the request at the server after the client has given up.
 * Through a proxy the tunnel socket is not ours; undici destroys it (FIN).
 */
function resetSockets(sockets: ReadonlySet<Socket>): void {
  for (const socket of sockets) {
    if (socket.destroyed) continue;
    try {
      socket.resetAndDestroy();
    } catch {
      socket.destroy();
    }
  }
}

function whenClosed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.closed) resolve();
    else socket.once('close', () => resolve());
  });
}

/** @internal */
export function createTransport(options: TransportOptions): Transport {
  const custom = options.fetch;
  const connect = tlsConnectOptions(options.tls);
  const newDispatcher = (sockets?: Set<Socket>): Agent | ProxyAgent => {
    // The proxy gets the same TLS material for the tunnelled connection (PYCLIENT PR #11's bug).
    if (options.proxy) return new ProxyAgent({ uri: options.proxy, requestTls: connect });
    if (!sockets) return new Agent({ connect, keepAliveTimeout: 10_000 });
    // The TCP socket under the connection is kept, so that it can be reset (see resetSockets).
    const base = buildConnector(connect);
    const tracked: buildConnector.connector = (opts, callback) => {
      if (opts.protocol === 'https:') {
        const tcp = netConnect({ host: opts.hostname, port: Number(opts.port) || 443 });
        sockets.add(tcp);
        return base({ ...opts, httpSocket: tcp }, callback);
      }
      const socket = base(opts, callback);
      sockets.add(socket as unknown as Socket);
      return socket;
    };
    return new Agent({ connect: tracked });
  };
  const dispatcher = custom ? undefined : newDispatcher();
  const doFetch = async (
    request: Request,
    extra: { meshBody?: Buffer; meshDispatcher?: Agent | ProxyAgent },
  ): Promise<Response> => {
    // ky builds a global Request; undici's fetch needs its own types, so the exchange is re-expressed as
    // plain init fields. The body is a stream (see bodyStream); the explicit Content-Length keeps it a
    // fixed-length upload rather than a chunked one.
    const body = extra.meshBody;
    const headers = [...request.headers] as [string, string][];
    if (body !== undefined) headers.push(['content-length', String(body.length)]);
    const init = {
      method: request.method,
      headers,
      signal: request.signal,
      ...(body !== undefined && {
        body: bodyStream(body) as unknown as RequestInit['body'],
        duplex: 'half' as const,
      }),
    };
    if (custom) return custom(request.url, init);
    return (await undiciFetch(request.url, {
      ...init,
      dispatcher: extra.meshDispatcher ?? dispatcher,
    } as never)) as unknown as Response;
  };
  const client = ky.create({
    retry: 0,
    timeout: false,
    throwHttpErrors: false,
    fetch: doFetch as unknown as typeof fetch,
  });
  const send = (request: TransportRequest, own?: Agent | ProxyAgent) =>
    client(request.url, {
      method: request.method,
      headers: request.headers,
      signal: request.signal,
      // Forwarded by ky to `fetch` as unknown options.
      ...({ meshBody: request.body, meshDispatcher: own } as object),
    });
  return {
    send: (request) => send(request),
    exclusive() {
      if (custom) return { send: (request) => send(request), destroy: async () => false };
      // A dispatcher of its own: destroying it destroys exactly this attempt's socket. undici's Client.destroy
      // resolves after the socket's 'close' event.
      const sockets = new Set<Socket>();
      const own = newDispatcher(sockets);
      let destroyed: Promise<boolean> | undefined;
      return {
        send: (request) => send(request, own),
        destroy() {
          destroyed ??= (async () => {
            resetSockets(sockets);
            await own.destroy().catch(() => undefined);
            await Promise.all([...sockets].map(whenClosed));
            return true;
          })();
          return destroyed;
        },
      };
    },
    async close() {
      await dispatcher?.close();
    },
  };
}
