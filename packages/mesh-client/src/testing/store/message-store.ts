import { randomBytes } from 'node:crypto';
import type { FakeMessageStatus, FakeMessageSummary } from '../types.js';
import type { StoredChunk } from './chunk-store.js';

/** Pass-through metadata from the `mex-*` send headers. */
export interface MessageMetadata {
  localId?: string;
  subject?: string;
  fileName?: string;
  partnerId?: string;
  contentType?: string;
  checksum?: string;
  /** Raw `Y`/`N` values as sent. */
  encrypted?: string;
  compressed?: string;
}

/** A message held by the fake server. */
export interface StoredMessage {
  id: string;
  type: 'DATA' | 'REPORT';
  sender?: string;
  recipient: string;
  /** REPORTs: the recipient of the failed message (sent as `mex-to`, as SPEC says). */
  intendedRecipient?: string;
  workflowId: string;
  status: FakeMessageStatus;
  totalChunks: number;
  chunks: StoredChunk[];
  contentEncoding?: 'gzip';
  meta: MessageMetadata;
  linkedMessageId?: string;
  statusCode?: string;
  statusEvent?: string;
  statusDescription?: string;
  statusTimestamp?: Date;
  uploadedAt: Date;
  deliveredAt?: Date;
  acknowledgedAt?: Date;
  /** Delivery order within the whole server; inbox pages and cursors follow it. */
  seq: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `yyyyMMddHHmmss` in UTC, the MESH header timestamp format. */
export function meshTimestamp(date: Date): string {
  return (
    pad(date.getUTCFullYear(), 4) +
    pad(date.getUTCMonth() + 1) +
    pad(date.getUTCDate()) +
    pad(date.getUTCHours()) +
    pad(date.getUTCMinutes()) +
    pad(date.getUTCSeconds())
  );
}

/** Messages by id plus the id generator; a plain container, the routes own the rules. */
export class MessageStore {
  readonly #messages = new Map<string, StoredMessage>();
  #counter = 0;
  #seq = 0;

  /** Live-style ids (`yyyyMMddHHmmssffffff_XXXXXX`), so clients that assume mesh-sandbox's hex ids fail here. */
  newId(now: Date): string {
    const micros = now.getUTCMilliseconds() * 1000 + (this.#counter++ % 1000);
    return `${meshTimestamp(now)}${pad(micros, 6)}_${randomBytes(3).toString('hex').toUpperCase()}`;
  }

  add(message: Omit<StoredMessage, 'seq'>): StoredMessage {
    const stored = { ...message, seq: ++this.#seq } as StoredMessage;
    this.#messages.set(stored.id, stored);
    return stored;
  }

  /** Marks a message delivered now: it joins the end of the recipient's inbox. */
  deliver(message: StoredMessage, now: Date): void {
    message.status = 'accepted';
    message.deliveredAt = now;
    message.seq = ++this.#seq;
  }

  get(id: string): StoredMessage | undefined {
    return this.#messages.get(id) ?? this.#messages.get(id.toUpperCase());
  }

  delete(id: string): void {
    const m = this.#messages.get(id);
    if (!m) return;
    for (const c of m.chunks) c.discard();
    this.#messages.delete(id);
  }

  all(): StoredMessage[] {
    return [...this.#messages.values()];
  }

  /** Messages listed in a mailbox's inbox, oldest delivery first. */
  inbox(mailboxId: string): StoredMessage[] {
    const id = mailboxId.toUpperCase();
    return this.all()
      .filter((m) => m.recipient === id && m.status === 'accepted')
      .sort((a, b) => a.seq - b.seq);
  }

  clear(): void {
    for (const id of [...this.#messages.keys()]) this.delete(id);
  }
}

const yn = (v: string | undefined): boolean | undefined =>
  v === undefined ? undefined : /^(y|yes|t|true|on|1)$/i.test(v);

/** The public, body-free view of a message. */
export function summarise(m: StoredMessage): FakeMessageSummary {
  const s: FakeMessageSummary = {
    messageId: m.id,
    messageType: m.type,
    recipient: m.recipient,
    workflowId: m.workflowId,
    status: m.status,
    totalChunks: m.totalChunks,
    receivedChunks: m.chunks.length,
    storedBytes: m.chunks.reduce((n, c) => n + c.size, 0),
    uploadedAt: m.uploadedAt,
  };
  const optional: Partial<FakeMessageSummary> = {
    sender: m.sender,
    contentEncoding: m.contentEncoding,
    localId: m.meta.localId,
    subject: m.meta.subject,
    fileName: m.meta.fileName,
    partnerId: m.meta.partnerId,
    contentType: m.meta.contentType,
    checksum: m.meta.checksum,
    encrypted: yn(m.meta.encrypted),
    compressed: yn(m.meta.compressed),
    linkedMessageId: m.linkedMessageId,
    statusCode: m.statusCode,
    statusEvent: m.statusEvent,
    statusDescription: m.statusDescription,
    deliveredAt: m.deliveredAt,
    acknowledgedAt: m.acknowledgedAt,
  };
  for (const [k, v] of Object.entries(optional)) {
    if (v !== undefined) (s as unknown as Record<string, unknown>)[k] = v;
  }
  return s;
}
