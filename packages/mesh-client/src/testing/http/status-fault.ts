import type { Exchange } from './exchange.js';
import { send, sendError } from './exchange.js';

/** What live MESH sends on an internal error: a SOAP fault, not JSON. */
const SOAP_FAULT =
  '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">' +
  '<soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>Internal Server Error</faultstring>' +
  '</soap:Fault></soap:Body></soap:Envelope>';

function guessType(body: string): string {
  const t = body.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) return 'application/json';
  if (t.startsWith('<')) return 'text/xml';
  return 'text/plain';
}

/** Answers an injected `{ status }` fault without touching any state. */
export function sendStatusFault(
  ex: Exchange,
  fault: { status: number; retryAfterSeconds?: number; body?: string; contentType?: string },
): void {
  // The request body is not wanted; let it drain so the connection can be reused.
  ex.req.resume();
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
  if (fault.body !== undefined) {
    headers['content-type'] = fault.contentType ?? guessType(fault.body);
    send(ex, fault.status, headers, Buffer.from(fault.body, 'utf8'));
    return;
  }
  if (fault.status >= 500) {
    send(ex, fault.status, { ...headers, 'content-type': 'text/xml' }, Buffer.from(SOAP_FAULT, 'utf8'));
    return;
  }
  for (const [k, v] of Object.entries(headers)) ex.res.setHeader(k, v);
  sendError(ex, fault.status, {
    event: 'FAULT',
    code: String(fault.status),
    msg: fault.status === 429 ? 'Too many requests' : 'Injected fault',
  });
}
