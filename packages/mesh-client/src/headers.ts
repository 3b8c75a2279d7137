import { invalidArgument, MeshError } from './errors.js';
import type { MeshMessage } from './messages.js';

/** MESH API v2 media type; exactly one media type is sent (mesh-api.md §3). */
export const MESH_ACCEPT_V2 = 'application/vnd.mesh.v2+json';

/** Maximum lengths of the `mex-*` headers a sender sets (mesh-api.md §4.2). */
export const MEX_HEADER_MAX_LENGTH = {
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
} as const;

/** Message metadata the sender chooses (`mex-*` headers of the first request). */
export interface SendMessageHeaders {
  /** Recipient mailbox (`mex-To`). Required. */
  to: string;
  /** Workflow id (`mex-WorkflowID`). Required. */
  workflowId: string;
  /** Free text (`mex-Subject`). Must not contain patient-identifiable data. */
  subject?: string;
  /**
   * Your reference (`mex-LocalID`), used to reconcile an ambiguous send. When absent the client generates a
   * UUID so that every send can be reconciled. Must not contain patient-identifiable data.
   */
  localId?: string;
  partnerId?: string;
  /** `mex-FileName`; the recipient sees `{messageId}.dat` when absent. */
  fileName?: string;
  /** `mex-Content-Type`: content type of the whole payload (e.g. `application/xml`). */
  contentType?: string;
  /** `mex-Content-Checksum`, e.g. `md5:<hex>`; letters, digits, spaces and `:-/` only. */
  contentChecksum?: string;
  /** `mex-Content-Encrypted` flag (Y/N). */
  encrypted?: boolean;
  /** `mex-Content-Compressed` flag (Y/N): the payload itself is compressed. Unrelated to transport gzip. */
  compressed?: boolean;
}

/** @internal True when the text has an ASCII control character (C0 or DEL), which would corrupt a header. */
export function hasControlCharacters(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function hasNonLatin1(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0xff) return true;
  return false;
}

/**
 * @internal Rejects what MESH would refuse or what could corrupt the request: control characters (which also
 * stop header injection), non-Latin-1 text, over-long values, URLs in routing headers. The value is never echoed.
 */
export function validateMexHeader(name: keyof typeof MEX_HEADER_MAX_LENGTH, value: string): void {
  if (typeof value !== 'string') throw invalidArgument(`Header ${name} must be a string`);
  if (hasControlCharacters(value))
    throw invalidArgument(`Header ${name} must not contain control characters`);
  if (hasNonLatin1(value)) throw invalidArgument(`Header ${name} must contain only Latin-1 characters`);
  const max = MEX_HEADER_MAX_LENGTH[name];
  if (value.length > max) throw invalidArgument(`Header ${name} is longer than ${max} characters`);
  if (
    (name === 'mex-to' || name === 'mex-workflowid' || name === 'mex-content-checksum') &&
    /^https?:\/\//i.test(value)
  ) {
    throw invalidArgument(`Header ${name} must not be a URL`);
  }
  if (name === 'mex-content-checksum' && !/^[A-Za-z0-9\s:/-]*$/.test(value)) {
    throw invalidArgument(`Header ${name} may contain only letters, digits, spaces and ":-/"`);
  }
}

/** @internal Validates the caller's metadata and builds the first request's `mex-*` headers. */
export function buildSendHeaders(meta: SendMessageHeaders, localId: string): Record<string, string> {
  if (typeof meta !== 'object' || meta === null) throw invalidArgument('Send metadata is required');
  if (typeof meta.to !== 'string' || meta.to.trim() === '')
    throw invalidArgument('Header mex-to is required');
  if (typeof meta.workflowId !== 'string' || meta.workflowId.trim() === '') {
    throw invalidArgument('Header mex-workflowid is required');
  }
  const headers: Record<string, string> = {};
  const set = (name: keyof typeof MEX_HEADER_MAX_LENGTH, value: string | boolean | undefined) => {
    if (value === undefined) return;
    if (typeof value === 'boolean') {
      headers[name] = value ? 'Y' : 'N';
      return;
    }
    validateMexHeader(name, value);
    if (value !== '') headers[name] = value;
  };
  set('mex-to', meta.to.toUpperCase());
  set('mex-workflowid', meta.workflowId);
  set('mex-subject', meta.subject);
  set('mex-localid', localId);
  set('mex-partnerid', meta.partnerId);
  set('mex-filename', meta.fileName);
  set('mex-content-type', meta.contentType);
  set('mex-content-checksum', meta.contentChecksum);
  if (meta.encrypted !== undefined && typeof meta.encrypted !== 'boolean') {
    throw invalidArgument('encrypted must be a boolean');
  }
  if (meta.compressed !== undefined && typeof meta.compressed !== 'boolean') {
    throw invalidArgument('compressed must be a boolean');
  }
  set('mex-content-encrypted', meta.encrypted);
  set('mex-content-compressed', meta.compressed);
  return headers;
}

/** @internal Replaces control characters so that OS strings never make an invalid header. */
export function sanitizeHeaderValue(value: string, max = 100): string {
  let out = '';
  for (const ch of value.slice(0, max)) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || c === 0x7f ? ' ' : c > 0xff ? '?' : ch;
  }
  return out;
}

function flag(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (['y', 'yes', 't', 'true', 'on', '1'].includes(v)) return true;
  if (['n', 'no', 'f', 'false', 'off', '0'].includes(v)) return false;
  return undefined;
}

/** @internal Parses MESH timestamps: `yyyyMMddHHmmss` and ISO 8601 with or without zone (UTC assumed). */
export function parseMeshDate(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const v = value.trim();
  const compact = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(v);
  if (compact) {
    const [, y, mo, d, h, mi, s] = compact;
    const date = new Date(
      Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)),
    );
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v)) {
    const date = new Date(`${v}Z`);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  const date = new Date(v);
  return /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(date.getTime()) ? date : undefined;
}

/** @internal Parses `n:N`; undefined when malformed. N may be 0 (mesh-sandbox REPORTs say `1:0`). */
export function parseChunkRange(
  value: string | null | undefined,
): { chunk: number; total: number } | undefined {
  if (!value) return undefined;
  const m = /^\s*(\d{1,9})\s*:\s*(\d{1,9})\s*$/.exec(value);
  if (!m) return undefined;
  return { chunk: Number(m[1]), total: Number(m[2]) };
}

/** @internal Builds the typed message metadata from a download response's headers. */
export function parseMessageHeaders(
  headers: { forEach(cb: (value: string, name: string) => void): void },
  requestedId: string,
): MeshMessage {
  const mex: Record<string, string> = {};
  headers.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('mex-') && value !== '') mex[lower] = value;
  });
  const messageType = (mex['mex-messagetype'] ?? 'DATA').toUpperCase();
  if (messageType !== 'DATA' && messageType !== 'REPORT') {
    throw new MeshError('MESH response has an unknown mex-MessageType', {
      code: 'BAD_RESPONSE',
      messageId: requestedId,
      retryable: false,
    });
  }
  const range = parseChunkRange(mex['mex-chunk-range']);
  const totalHeader = mex['mex-total-chunks'];
  const total = totalHeader !== undefined && /^\d+$/.test(totalHeader) ? Number(totalHeader) : range?.total;
  const base = {
    messageId: mex['mex-messageid'] ?? requestedId,
    totalChunks: messageType === 'REPORT' ? (total ?? 0) : Math.max(1, total ?? 1),
    mexHeaders: mex,
  };
  const optional: Record<string, unknown> = {
    workflowId: mex['mex-workflowid'],
    from: mex['mex-from'],
    to: mex['mex-to'],
    subject: mex['mex-subject'],
    localId: mex['mex-localid'],
    partnerId: mex['mex-partnerid'],
    fileName: mex['mex-filename'],
    contentType: mex['mex-content-type'],
    contentChecksum: mex['mex-content-checksum'],
    encrypted: flag(mex['mex-content-encrypted']),
    compressed: flag(mex['mex-content-compressed']),
    statusCode: mex['mex-statuscode'],
    statusEvent: mex['mex-statusevent'],
    statusDescription: mex['mex-statusdescription'],
    statusSuccess:
      mex['mex-statussuccess'] === undefined
        ? undefined
        : mex['mex-statussuccess'].toUpperCase() === 'SUCCESS',
    statusTimestamp: parseMeshDate(mex['mex-statustimestamp']),
  };
  for (const key of Object.keys(optional)) if (optional[key] === undefined) delete optional[key];
  if (messageType === 'REPORT') {
    return {
      ...base,
      ...optional,
      messageType: 'REPORT',
      statusCode: mex['mex-statuscode'] ?? '',
      ...(mex['mex-linkedmsgid'] !== undefined && { linkedMessageId: mex['mex-linkedmsgid'] }),
    } as MeshMessage;
  }
  return { ...base, ...optional, messageType: 'DATA' } as MeshMessage;
}
