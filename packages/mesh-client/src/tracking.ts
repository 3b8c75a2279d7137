import { parseMeshDate } from './headers.js';
import type { MeshMailboxMatch, MeshMessageStatus, MeshTrackingInfo } from './messages.js';
import { MailboxResults, TrackingResponse } from './responses/codecs.js';
import { decodeResponse } from './responses/decode.js';

/** The first spelling that holds a value: v2 and v1 name the same field differently. */
function pick(...values: ReadonlyArray<string | number | null | undefined>): string | undefined {
  for (const value of values) {
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

/**
 * @internal Normalises a v2 (snake_case) or v1 (camelCase) tracking body.
 * @throws {MeshError} `BAD_RESPONSE` when the body does not match {@link TrackingResponse}.
 */
export function parseTrackingBody(body: unknown, route: string): MeshTrackingInfo {
  const b = decodeResponse(TrackingResponse, body, route);
  // The codec guarantees one of the id spellings holds a value.
  const messageId = pick(b.message_id, b.messageId, b.messageID) as string;
  const rawStatus = pick(b.status);
  const info: MeshTrackingInfo = { messageId, status: normaliseStatus(rawStatus) };
  const set = <K extends keyof MeshTrackingInfo>(key: K, value: MeshTrackingInfo[K] | undefined) => {
    if (value !== undefined) info[key] = value;
  };
  set('rawStatus', rawStatus);
  set('localId', pick(b.local_id, b.localId));
  set('workflowId', pick(b.workflow_id, b.workflowId));
  set('fileName', pick(b.filename, b.fileName));
  set('recipient', pick(b.recipient));
  set('recipientName', pick(b.recipient_name, b.recipientName));
  set('recipientOdsCode', pick(b.recipient_ods_code, b.meshRecipientOdsCode, b.recipientOrgCode));
  set('statusSuccess', successFlag(b.status_success ?? b.statusSuccess));
  set('statusCode', pick(b.status_code, b.statusCode));
  set('statusEvent', pick(b.status_event, b.statusEvent));
  set('statusDescription', pick(b.status_description, b.statusDescription));
  set('statusTimestamp', parseMeshDate(b.status_timestamp ?? b.statusTimestamp));
  set('uploadTimestamp', parseMeshDate(b.upload_timestamp ?? b.uploadTimestamp));
  set('expiryTime', parseMeshDate(b.expiry_time ?? b.expiryTime));
  return info;
}

/**
 * @internal Endpoint lookup and workflow search results, v2 or v1 shape.
 * @throws {MeshError} `BAD_RESPONSE` when the body does not match {@link MailboxResults}.
 */
export function parseMailboxResults(body: unknown, route: string): MeshMailboxMatch[] {
  return decodeResponse(MailboxResults, body, route).results.map((e) => {
    // The codec guarantees one of the id spellings holds a value.
    const mailboxId = pick(e.mailbox_id, e.address, e.mailboxId) as string;
    const mailboxName = pick(e.mailbox_name, e.description, e.mailboxName);
    return mailboxName === undefined ? { mailboxId } : { mailboxId, mailboxName };
  });
}
