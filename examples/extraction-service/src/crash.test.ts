import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultHook, FaultPoint } from './service/hooks.js';
import { FileStateStore } from './state/store.js';
import { GP, Harness, JOURNAL_QUERY_ID, JOURNAL_SQI, writeJournalSpec } from './test-support/harness.js';

/** A simulated process death: what the fault hook throws. */
class Killed extends Error {
  constructor(readonly point: FaultPoint) {
    super(`killed at ${point}`);
  }
}

/** Kills the service the first time `when` holds at `point` (one crash per distinct key). */
function killOnce(
  point: FaultPoint,
  key: (context: Parameters<FaultHook>[1]) => string | undefined = () => '',
): {
  hook: FaultHook;
  kills: string[];
} {
  const kills: string[] = [];
  return {
    kills,
    hook: (reached, context) => {
      if (reached !== point) return;
      const k = key(context);
      if (k === undefined || kills.includes(k)) return;
      kills.push(k);
      throw new Killed(point);
    },
  };
}

let harness: Harness | undefined;
const directories: string[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const d of directories.splice(0)) await rm(d, { recursive: true, force: true });
});

/** The invariants every crashed-and-restarted run must end with. */
function expectCleanFinish(h: Harness, practices: readonly string[]): void {
  expect(h.simulator.problems).toEqual([]);
  // Exactly one complete Query Results per practice reached MESH, and GPES accepted each once.
  expect(
    h
      .deliveredQueryResults()
      .map((q) => q.practice)
      .sort(),
  ).toEqual([...practices].sort());
  expect(h.simulator.succeeded).toBe(true);
  // One RTPR, however often the RTP was seen.
  expect(
    h.mesh.messages.filter(
      (m) => m.workflowId === 'GPDC_RTPR' && m.messageType === 'DATA' && m.status !== 'uploading',
    ),
  ).toHaveLength(1);
  // Every message sent to the GP system was acknowledged.
  expect(h.unacknowledgedAtGp()).toBe(0);
  expect(h.mesh.inbox(GP)).toEqual([]);
}

describe('extraction service crash and restart', () => {
  it('after receiving the RTP (stored, not yet acknowledged)', async () => {
    const { hook, kills } = killOnce('after-rtp-stored');
    harness = await Harness.start({ practices: { A81001: 300, A81002: 300 }, service: { faults: hook } });
    await harness.simulator.start();
    const crashes = await harness.runToCompletion(20, { faults: hook });
    expect(kills).toHaveLength(1);
    expect(crashes).toEqual([expect.any(Killed)]);
    // The RTP came back after the restart and was recognised, not answered twice.
    expect(harness.events.filter((e) => e.type === 'duplicate' && e.workflowId === 'GPDC_RTP')).toHaveLength(
      1,
    );
    expectCleanFinish(harness, ['A81001', 'A81002']);
  });

  it('mid-evaluation', async () => {
    const { hook, kills } = killOnce('mid-evaluation', (c) =>
      (c.patients ?? 0) >= 1000 ? c.practiceId : undefined,
    );
    harness = await Harness.start({ practices: { A81001: 1500, A81002: 1200 }, service: { faults: hook } });
    await harness.simulator.start();
    const crashes = await harness.runToCompletion(20, { faults: hook });
    // Each practice was killed once part-way and evaluated again from the start after the restart.
    expect(kills.sort()).toEqual(['A81001', 'A81002']);
    expect(crashes).toHaveLength(2);
    expect(harness.events.filter((e) => e.type === 'evaluated')).toHaveLength(2);
    expectCleanFinish(harness, ['A81001', 'A81002']);
  });

  it('mid-upload of a chunked Query Results message', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'gpes-spec-'));
    directories.push(directory);
    // About 6 MB of XML: two 5 MiB chunks.
    const spec = await writeJournalSpec(directory, { id: 'A81001', patients: 1100 });
    const { hook, kills } = killOnce('mid-upload', (c) =>
      c.workflowId === 'GPDC_QUERY_RESULTS' ? 'qr' : undefined,
    );
    const uncompressed = { compress: () => false, chunkSizeBytes: 5 * 1024 * 1024 };
    harness = await Harness.start({
      practices: { A81001: 1100 },
      sqi: JOURNAL_SQI,
      specs: { [JOURNAL_QUERY_ID]: spec },
      service: { ...uncompressed, faults: hook },
      simulator: { stage2: false },
    });
    await harness.simulator.start();
    const crashes = await harness.runToCompletion(20, { ...uncompressed, faults: hook });
    expect(kills).toEqual(['qr']);
    expect(crashes).toHaveLength(1);
    // The abandoned upload never completes; the restarted service sent the same document again, whole.
    const qrs = harness.mesh.messages.filter(
      (m) => m.workflowId === 'GPDC_QUERY_RESULTS' && m.messageType === 'DATA',
    );
    expect(qrs.map((m) => m.status).sort()).toEqual(['acknowledged', 'uploading']);
    const complete = qrs.find((m) => m.status === 'acknowledged');
    expect(complete?.totalChunks).toBeGreaterThan(1);
    expect(harness.events).toContainEqual(
      expect.objectContaining({ type: 'reconciled', outcome: 'partial-upload' }),
    );
    const outcome = harness.simulator.practices[0]?.queryResults[0];
    expect(outcome?.valid).toBe(true);
    expect(outcome?.patientRecords).toBeGreaterThan(500);
    expectCleanFinish(harness, ['A81001']);
  });

  it('before acknowledging inbox messages (each kind of message once)', async () => {
    const { hook, kills } = killOnce('before-acknowledge', (c) => c.workflowId);
    harness = await Harness.start({ practices: { A81001: 300, A81002: 300 }, service: { faults: hook } });
    await harness.simulator.start();
    await harness.runToCompletion(40, { faults: hook });
    expect(kills.sort()).toEqual(['GPDC_NOTIFICATION', 'GPDC_QUERY_RESULTS_ACK', 'GPDC_RTP']);
    // Each message delivered again was recognised and only acknowledged: one answer per notification.
    expect(harness.events.filter((e) => e.type === 'duplicate')).toHaveLength(3);
    const responses = harness.mesh.messages.filter((m) => m.workflowId === 'GPDC_NOTIFICATION_RESPONSE');
    expect(responses).toHaveLength(1 + 2); // Stage 1 (both practices in one message) + Stage 2 per practice
    expectCleanFinish(harness, ['A81001', 'A81002']);
  });

  it('while handling a QRA that rejects a duplicate QR (00011): the earlier Accepted stands', async () => {
    // Dies before acknowledging the second QRA (the duplicate's rejection), after its durable write.
    let qras = 0;
    const kills: string[] = [];
    const hook: FaultHook = (point, context) => {
      if (point !== 'before-acknowledge' || context.workflowId !== 'GPDC_QUERY_RESULTS_ACK') return;
      if (++qras === 2) {
        kills.push('duplicate-qra');
        throw new Killed(point);
      }
    };
    harness = await Harness.start({ practices: { A81001: 200 }, service: { faults: hook } });
    await harness.simulator.start();
    await harness.runToCompletion(20, { faults: hook });
    const [qr] = harness.deliveredQueryResults();
    await harness.deliverDuplicateQueryResults(qr?.messageId ?? '');
    await harness.simulator.runOnce();
    const crash = await harness.service.runOnce().catch((error: unknown) => error);
    expect(crash).toBeInstanceOf(Killed);
    await harness.restart({ faults: hook });
    await harness.service.runOnce(); // the QRA is delivered again
    expect(kills).toEqual(['duplicate-qra']);
    const s = (await FileStateStore.open(harness.stateDir)).state;
    const practice = Object.values(s.requests)[0]?.practices.A81001;
    expect(practice?.status).toBe('acknowledged');
    expect(practice?.ack?.status).toBe('Accepted');
    expect(s.alerts.map((a) => a.code)).not.toContain('QR_REJECTED');
    expect(harness.unacknowledgedAtGp()).toBe(0);
  });

  it('after MESH accepted a Query Results message, before its id was recorded', async () => {
    const { hook, kills } = killOnce('after-send', (c) =>
      c.workflowId === 'GPDC_QUERY_RESULTS' ? 'qr' : undefined,
    );
    harness = await Harness.start({ practices: { A81001: 300, A81002: 300 }, service: { faults: hook } });
    await harness.simulator.start();
    await harness.runToCompletion(20, { faults: hook });
    expect(kills).toEqual(['qr']);
    // Tracking by local id found the message: nothing was sent twice.
    expect(harness.events).toContainEqual(
      expect.objectContaining({ type: 'reconciled', outcome: 'already-sent' }),
    );
    expectCleanFinish(harness, ['A81001', 'A81002']);
  });
});
