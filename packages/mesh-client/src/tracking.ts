import { MeshError } from './errors.js';
import { parseMeshDate } from './headers.js';
import type { MeshMailboxMatch, MeshMessageStatus, MeshTrackingInfo } from './messages.js';

function pick(body: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = body[key];
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}

const STATUSES: readonly MeshMessageStatus[] = [
  'uploading',
  'accepted',
  'acknowledged',
  'undeliverable',
  'error',
];

function normaliseStatus(raw: string | undefined): MeshMessageStatus {
  const lower = raw?.toLowerCase();
  return (STATUSES as readonly string[]).includes(lower ?? '') ? (lower as MeshMessageStatus) : 'unknown';
}

function successFlag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.toUpperCase();
    if (v === 'SUCCESS' || v === 'TRUE') return true;
    if (v === 'ERROR' || v === 'FALSE') return false;
  }
  return undefined;
}

/** @internal Normalises a v2 (snake_case) or v1 (camelCase) tracking body. */
export function parseTrackingBody(body: unknown, route: string): MeshTrackingInfo {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new MeshError(`MESH tracking response is not an object: ${route}`, {
      code: 'BAD_RESPONSE',
      request: route,
    });
  }
  const b = body as Record<string, unknown>;
  const messageId = pick(b, 'message_id', 'messageId', 'messageID');
  if (!messageId) {
    throw new MeshError(`MESH tracking response has no message id: ${route}`, {
      code: 'BAD_RESPONSE',
      request: route,
    });
  }
  const rawStatus = pick(b, 'status');
  const info: MeshTrackingInfo = { messageId, status: normaliseStatus(rawStatus) };
  const set = <K extends keyof MeshTrackingInfo>(key: K, value: MeshTrackingInfo[K] | undefined) => {
    if (value !== undefined) info[key] = value;
  };
  set('rawStatus', rawStatus);
  set('localId', pick(b, 'local_id', 'localId'));
  set('workflowId', pick(b, 'workflow_id', 'workflowId'));
  set('fileName', pick(b, 'filename', 'fileName'));
  set('recipient', pick(b, 'recipient'));
  set('recipientName', pick(b, 'recipient_name', 'recipientName'));
  set('recipientOdsCode', pick(b, 'recipient_ods_code', 'meshRecipientOdsCode', 'recipientOrgCode'));
  set('statusSuccess', successFlag(b.status_success ?? b.statusSuccess));
  set('statusCode', pick(b, 'status_code', 'statusCode'));
  set('statusEvent', pick(b, 'status_event', 'statusEvent'));
  set('statusDescription', pick(b, 'status_description', 'statusDescription'));
  set('statusTimestamp', parseMeshDate(b.status_timestamp ?? b.statusTimestamp));
  set('uploadTimestamp', parseMeshDate(b.upload_timestamp ?? b.uploadTimestamp));
  set('expiryTime', parseMeshDate(b.expiry_time ?? b.expiryTime));
  return info;
}

/** @internal Endpoint lookup and workflow search results, v2 or v1 shape. */
export function parseMailboxResults(body: unknown, route: string): MeshMailboxMatch[] {
  const results = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) {
    throw new MeshError(`MESH lookup response has no results array: ${route}`, {
      code: 'BAD_RESPONSE',
      request: route,
    });
  }
  const out: MeshMailboxMatch[] = [];
  for (const entry of results) {
    if (typeof entry !== 'object' || entry === null) continue;
    const e = entry as Record<string, unknown>;
    const mailboxId = pick(e, 'mailbox_id', 'address', 'mailboxId');
    if (!mailboxId) continue;
    const mailboxName = pick(e, 'mailbox_name', 'description', 'mailboxName');
    out.push(mailboxName === undefined ? { mailboxId } : { mailboxId, mailboxName });
  }
  return out;
}
