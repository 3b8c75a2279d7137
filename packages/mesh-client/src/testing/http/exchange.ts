import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';

/** The MESH API version a request negotiated through its Accept header. */
export type ApiVersion = 1 | 2;

/** How the response of this request is to be damaged, if at all. */
export type ResponseFault = 'reset' | 'truncate';

/** One request/response pair as the routes see it. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  version: ApiVersion;
  responseFault?: ResponseFault;
  /** Drop the connection while reading the request body. */
  requestReset?: boolean;
  requestBytes: number;
}

/** Thrown (and swallowed by the server) when a fault has already dropped the connection. */
export class ConnectionDropped extends Error {
  constructor() {
    super('connection dropped by fault injection');
  }
}

const JSON_TYPE: Record<ApiVersion, string> = { 1: 'application/json', 2: 'application/vnd.mesh.v2+json' };

/** Lower-case name → value; empty values are left out, as MESH omits empty headers. */
export type HeaderMap = Record<string, string | undefined>;

function cleanHeaders(headers: HeaderMap): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && v !== '') out[k.toLowerCase()] = v;
  return out;
}

/**
 * Writes a response, applying the response fault if one is armed. `declaredLength` lets a stream body carry a
 * Content-Length (undefined = chunked transfer encoding).
 */
export function send(
  ex: Exchange,
  status: number,
  headers: HeaderMap,
  body?: Buffer | { open(limit?: number): Readable; declaredLength?: number },
): void {
  const { res } = ex;
  const h = cleanHeaders(headers);
  const head = ex.req.method === 'HEAD';
  if (body === undefined || Buffer.isBuffer(body)) {
    const data = body ?? Buffer.alloc(0);
    h['content-length'] = String(data.length);
    if (ex.responseFault) {
      damage(ex, status, h, data.length, (limit) => data.subarray(0, limit));
      return;
    }
    res.writeHead(status, h);
    res.end(head ? undefined : data);
    return;
  }
  if (body.declaredLength !== undefined) h['content-length'] = String(body.declaredLength);
  if (head) {
    res.writeHead(status, h);
    res.end();
    return;
  }
  if (ex.responseFault) {
    damage(ex, status, h, body.declaredLength, undefined, body.open.bind(body));
    return;
  }
  res.writeHead(status, h);
  // pipeline, not pipe: when the client goes away the source (possibly a file) is closed too.
  pipeline(body.open(), res, () => {});
}

/**
 * Sends half of the body under the full headers, then either resets the TCP connection ('reset') or closes it
 * cleanly ('truncate'), so the client sees a body shorter than its Content-Length.
 */
function damage(
  ex: Exchange,
  status: number,
  h: Record<string, string>,
  length: number | undefined,
  slice?: (limit: number) => Buffer,
  open?: (limit?: number) => Readable,
): void {
  const { res } = ex;
  const socket = res.socket;
  const kill = () => {
    if (!socket) return;
    if (ex.responseFault === 'reset') socket.resetAndDestroy();
    else socket.end();
  };
  if (ex.responseFault === 'reset' && (length === 0 || ex.req.method === 'HEAD')) {
    // Nothing to cut in half: the connection simply dies before the response.
    kill();
    return;
  }
  if (length === 0 || ex.req.method === 'HEAD') h['content-length'] = '16';
  const half = length === undefined ? 1024 : Math.floor(length / 2);
  res.writeHead(status, h);
  res.flushHeaders();
  if (slice || ex.req.method === 'HEAD') {
    const part = slice ? slice(half) : Buffer.alloc(0);
    res.write(part, () => setImmediate(kill));
    return;
  }
  const stream = open!(half);
  stream.on('data', (c: Buffer) => res.write(c));
  stream.on('end', () => res.write(Buffer.alloc(0), () => setImmediate(kill)));
  stream.on('error', kill);
}

/** A JSON body, typed as the negotiated version's media type. */
export function sendJson(ex: Exchange, status: number, value: unknown, headers: HeaderMap = {}): void {
  send(ex, status, { 'content-type': JSON_TYPE[ex.version], ...headers }, Buffer.from(JSON.stringify(value)));
}

/** An empty 200/202 (v2 handshake, acknowledge). */
export function sendEmpty(ex: Exchange, status: number): void {
  send(ex, status, {});
}

/** A MESH error, v2 `{message_id, internal_id, detail:[{event,code,msg}]}` or v1 `{messageID, errorEvent, ...}`. */
export function sendError(
  ex: Exchange,
  status: number,
  error: { event: string; code: string; msg: string; messageId?: string },
): void {
  const body =
    ex.version === 2
      ? {
          ...(error.messageId ? { message_id: error.messageId } : {}),
          internal_id: internalId(),
          detail: [{ event: error.event, code: error.code, msg: error.msg }],
        }
      : {
          ...(error.messageId ? { messageID: error.messageId } : {}),
          errorEvent: error.event,
          errorCode: error.code,
          errorDescription: error.msg,
        };
  sendJson(ex, status, body);
}

/** A request-validation failure in the shape MESH's framework produces for missing or invalid fields. */
export function sendValidationError(
  ex: Exchange,
  location: 'header' | 'query' | 'path',
  field: string,
  msg: string,
): void {
  sendJson(ex, 400, { detail: [{ loc: [location, field], msg, type: 'value_error' }] });
}

function internalId(): string {
  return `FAKE_${randomBytes(8).toString('hex').toUpperCase()}`;
}
