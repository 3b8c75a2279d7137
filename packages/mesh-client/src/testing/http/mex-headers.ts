import type { Exchange } from './exchange.js';
import { sendError } from './exchange.js';

/** Maximum lengths of the mex-* request headers, as MESH validates them. */
const MAX_LENGTH: Record<string, number> = {
  'mex-to': 100,
  'mex-workflowid': 300,
  'mex-chunk-range': 20,
  'mex-subject': 500,
  'mex-localid': 300,
  'mex-partnerid': 500,
  'mex-filename': 300,
  'mex-content-checksum': 100,
  'mex-content-type': 100,
  'mex-content-encrypted': 20,
  'mex-content-compressed': 20,
  'mex-clientversion': 100,
  'mex-osname': 100,
  'mex-osversion': 100,
  'mex-osarchitecture': 100,
  'mex-javaversion': 100,
};

/** ASCII control characters (0x00-0x1f and DEL), which MESH refuses in mex-* values. */
const hasControl = (v: string) => [...v].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
const URL_PREFIX = /^https?:\/\//i;
const CHECKSUM = /^[A-Za-z0-9\s:/-]*$/;
const BOOLEAN = /^(y|yes|t|true|on|1|n|no|f|false|off|0)$/i;

/** Reads a request header as one string ('' when absent). */
export function header(ex: Exchange, name: string): string {
  const v = ex.req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
}

function malformed(ex: Exchange, field: string, why: string): false {
  sendError(ex, 400, { event: 'TRANSFER', code: '06', msg: `MalformedControlFile: ${field} ${why}` });
  return false;
}

/**
 * Checks every mex-* header the way MESH does (control characters, lengths, URLs, checksum characters,
 * Y/N flags). Sends a 400 and returns false on the first problem.
 */
export function validateMexHeaders(ex: Exchange): boolean {
  for (const [name, raw] of Object.entries(ex.req.headers)) {
    if (!name.startsWith('mex-') || raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    // Node rejects most control characters itself; tabs and DEL can still arrive.
    if (hasControl(value)) return malformed(ex, name, 'contains control characters');
    const max = MAX_LENGTH[name];
    if (max !== undefined && value.length > max)
      return malformed(ex, name, `is longer than ${max} characters`);
    if ((name === 'mex-to' || name === 'mex-workflowid') && URL_PREFIX.test(value)) {
      return malformed(ex, name, 'must not be a URL');
    }
    if (name === 'mex-content-checksum' && (URL_PREFIX.test(value) || !CHECKSUM.test(value))) {
      sendError(ex, 400, { event: 'SEND', code: 'Invalid checksum', msg: 'Invalid checksum' });
      return false;
    }
    if ((name === 'mex-content-encrypted' || name === 'mex-content-compressed') && !BOOLEAN.test(value)) {
      return malformed(ex, name, 'must be Y or N');
    }
  }
  return true;
}
