import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStateStore } from '../state/store.js';
import type { OutgoingMessage } from '../state/types.js';
import type { ServiceEvent } from './hooks.js';
import { attemptLocalId, DurableOutbox, type MeshPort, type OutboxOptions } from './outbox.js';

/** An in-memory MESH outbox that behaves like tracking by local id. */
class MemoryMesh implements MeshPort {
  readonly stored: { messageId: string; localId: string; status: string }[] = [];
  failWith: ((localId: string) => unknown) | undefined;
  /** Accept the message, then fail as if the response was lost (the ambiguous case). */
  loseResponse = false;
  /** Upload the first chunk only, then fail (a message stuck in `uploading`). */
  stopAfterFirstChunk = false;
  trackingFails = false;

  async send(request: Parameters<MeshPort['send']>[0]) {
    const failure = this.failWith?.(request.localId);
    if (failure) throw failure;
    const messageId = `MSG${this.stored.length + 1}`;
    if (this.stopAfterFirstChunk) {
      this.stored.push({ messageId, localId: request.localId, status: 'uploading' });
      request.onChunk(1, 2);
      throw new Error('connection lost after chunk 1');
    }
    this.stored.push({ messageId, localId: request.localId, status: 'accepted' });
    if (this.loseResponse) throw new Error('socket hang up');
    return { messageId, chunks: 1 };
  }

  async findByLocalId(localId: string) {
    if (this.trackingFails) throw new Error('tracking unavailable');
    return this.stored.find((m) => m.localId === localId);
  }

  delivered(): number {
    return this.stored.filter((m) => m.status === 'accepted').length;
  }
}

let directory: string;
let store: FileStateStore;
let mesh: MemoryMesh;
let events: ServiceEvent[];
const rejected: string[] = [];

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gpes-outbox-'));
  store = await FileStateStore.open(directory);
  mesh = new MemoryMesh();
  events = [];
  rejected.length = 0;
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

function outbox(overrides: Partial<OutboxOptions> = {}): DurableOutbox {
  return new DurableOutbox({
    store,
    mesh,
    classify: (error) => ((error as Error).message === 'rejected' ? 'rejected' : 'unknown'),
    emit: (event) => events.push(event),
    onChunk: () => {},
    afterSend: () => {},
    onSent: () => {},
    onRejected: (_draft, message) => rejected.push(message.id),
    now: () => new Date('2026-04-01T09:00:00Z'),
    ...overrides,
  });
}

async function enqueue(id = 'AAAAAAAA-0000-0000-0000-000000000001'): Promise<string> {
  await store.writeSpool(`${id}.xml`, '<doc/>');
  const message: OutgoingMessage = {
    id,
    kind: 'QR',
    workflowId: 'GPDC_QUERY_RESULTS',
    to: 'X26GPES',
    subject: 'subject',
    fileName: `${id}.xml`,
    file: `${id}.xml`,
    bytes: 6,
    compressed: false,
    contentType: 'application/xml',
    status: 'prepared',
    attempts: [],
    createdAt: '2026-04-01T09:00:00.000Z',
  };
  await store.update((draft) => {
    draft.outbox[id] = message;
  });
  return id;
}

describe('DurableOutbox', () => {
  it('records the intent before sending and the message id after', async () => {
    const id = await enqueue();
    expect(await outbox().flush(new AbortController().signal)).toEqual([]);
    const entry = store.state.outbox[id];
    expect(entry?.status).toBe('sent');
    expect(entry?.attempts).toEqual([
      { localId: id, startedAt: '2026-04-01T09:00:00.000Z', messageId: 'MSG1', outcome: 'sent' },
    ]);
    expect(events.map((e) => e.type)).toEqual(['sent']);
  });

  it('does not send again when the process died after MESH accepted the message', async () => {
    const id = await enqueue();
    const crash = new Error('crash after send');
    await expect(
      outbox({
        afterSend: () => {
          throw crash;
        },
      }).flush(new AbortController().signal),
    ).resolves.toEqual([crash]);
    expect(store.state.outbox[id]?.status).toBe('sending');

    // A new process reads the same state and reconciles by local id before anything else.
    const restarted = await FileStateStore.open(directory);
    store = restarted;
    await outbox().flush(new AbortController().signal);
    expect(mesh.delivered()).toBe(1);
    expect(store.state.outbox[id]?.status).toBe('sent');
    expect(store.state.outbox[id]?.attempts.at(-1)?.messageId).toBe('MSG1');
    expect(events).toContainEqual({ type: 'reconciled', localId: id, outcome: 'already-sent' });
  });

  it('reconciles an ambiguous failure instead of retrying the first POST blindly', async () => {
    const id = await enqueue();
    mesh.loseResponse = true;
    const errors = await outbox().flush(new AbortController().signal);
    expect(errors).toHaveLength(1);
    mesh.loseResponse = false;
    await outbox().flush(new AbortController().signal);
    expect(mesh.stored).toHaveLength(1);
    expect(store.state.outbox[id]?.status).toBe('sent');
  });

  it('sends again, under a new local id, when MESH has nothing or only an unfinished upload', async () => {
    const id = await enqueue();
    mesh.stopAfterFirstChunk = true;
    await outbox().flush(new AbortController().signal);
    mesh.stopAfterFirstChunk = false;
    await outbox().flush(new AbortController().signal);
    expect(mesh.stored.map((m) => [m.localId, m.status])).toEqual([
      [id, 'uploading'],
      [attemptLocalId(id, 1), 'accepted'],
    ]);
    expect(events).toContainEqual({ type: 'reconciled', localId: id, outcome: 'partial-upload' });
    expect(store.state.outbox[id]?.attempts.map((a) => a.outcome)).toEqual(['not-sent', 'sent']);
  });

  it('leaves the message pending while tracking cannot answer', async () => {
    const id = await enqueue();
    mesh.loseResponse = true;
    await outbox().flush(new AbortController().signal);
    mesh.loseResponse = false;
    mesh.trackingFails = true;
    expect(await outbox().flush(new AbortController().signal)).toHaveLength(1);
    expect(mesh.stored).toHaveLength(1);
    expect(store.state.outbox[id]?.status).toBe('sending');
  });

  it('marks a message MESH refused as failed, once', async () => {
    const id = await enqueue();
    mesh.failWith = () => new Error('rejected');
    await outbox().flush(new AbortController().signal);
    expect(store.state.outbox[id]?.status).toBe('failed');
    expect(rejected).toEqual([id]);
    await outbox().flush(new AbortController().signal);
    expect(rejected).toEqual([id]);
  });

  it('stops at once when the service is stopped', async () => {
    await enqueue();
    const controller = new AbortController();
    controller.abort(new Error('stopping'));
    await expect(outbox().flush(controller.signal)).rejects.toThrow('stopping');
    expect(mesh.stored).toHaveLength(0);
  });
});
