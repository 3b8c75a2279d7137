import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeQENotificationMessage } from '@gpes/messages';
import { encodeQueryResultsAcknowledgement } from '@gpes/messages/experimental';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedParticipationPolicy } from './adapters/fixed-policy.js';
import { FileStateStore } from './state/store.js';
import {
  GP,
  GPES,
  Harness,
  JOURNAL_QUERY_ID,
  JOURNAL_SQI,
  writeJournalSpec,
} from './test-support/harness.js';

let harness: Harness | undefined;
const directories: string[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const d of directories.splice(0)) await rm(d, { recursive: true, force: true });
});

/** Runs service passes (the simulator only where asked) until the Query Results of `count` practices are in MESH. */
async function untilQueryResultsSent(h: Harness, count: number): Promise<void> {
  for (let pass = 0; pass < 10; pass++) {
    await h.service.runOnce();
    if (h.deliveredQueryResults().length >= count) return;
    await h.simulator.runOnce();
  }
  throw new Error('Query Results were not sent');
}

function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

async function passes(h: Harness, count: number): Promise<void> {
  for (let pass = 0; pass < count; pass++) {
    await h.service.runOnce();
    await h.simulator.runOnce();
  }
}

async function state(h: Harness) {
  return (await FileStateStore.open(h.stateDir)).state;
}

describe('extraction service flows', () => {
  it('resends after a MESH REPORT for an uncollected message (14) and alerts on a refusal (17)', async () => {
    harness = await Harness.start({ practices: { A81001: 200, A81002: 200 } });
    await harness.simulator.start();
    await untilQueryResultsSent(harness, 2);
    const [first, second] = harness.mesh.messages.filter((m) => m.workflowId === 'GPDC_QUERY_RESULTS');
    const byPractice = (p: string) => (first?.subject?.endsWith(p) ? first : second);
    // MESH reports both as undelivered before GPES collects them.
    harness.mesh.report(byPractice('A81001')!.messageId, { code: '14' });
    harness.mesh.report(byPractice('A81002')!.messageId, { code: '17' });
    await passes(harness, 6);

    // (MESH's REPORTs carry the failed message's workflow and subject: count DATA messages only.)
    const qrs = harness.mesh.messages.filter(
      (m) => m.workflowId === 'GPDC_QUERY_RESULTS' && m.messageType === 'DATA',
    );
    expect(qrs.filter((m) => m.subject?.endsWith('A81001')).map((m) => m.status)).toEqual([
      'error',
      'acknowledged',
    ]);
    expect(qrs.filter((m) => m.subject?.endsWith('A81002')).map((m) => m.status)).toEqual(['error']);
    const practices = harness.simulator.practices;
    expect(practices.find((p) => p.practiceId === 'A81001')?.queryResults.map((q) => q.valid)).toEqual([
      true,
    ]);
    expect(practices.find((p) => p.practiceId === 'A81002')?.queryResults).toEqual([]);

    const s = await state(harness);
    expect(s.alerts.map((a) => [a.code, a.practiceId])).toEqual([['DELIVERY_FAILED', 'A81002']]);
    const request = Object.values(s.requests)[0];
    expect(request?.practices.A81001?.status).toBe('acknowledged');
    expect(request?.practices.A81002?.status).toBe('failed');
    // The resend reused the document (same QR-UUID) under a new local id.
    const resent = s.outbox[request?.practices.A81001?.qrUuid ?? ''];
    expect(resent?.attempts.map((a) => a.outcome)).toEqual(['undelivered', 'sent']);
    expect(harness.simulator.report?.map((r) => [r.practiceId, r.status])).toEqual([
      ['A81001', 'ACKNOWLEDGED'],
      ['A81002', 'FAILED'],
    ]);
    expect(harness.unacknowledgedAtGp()).toBe(0);

    // A late, repeated REPORT about the first attempt does not trigger a third copy.
    harness.mesh.report(byPractice('A81001')!.messageId, { code: '14' });
    await passes(harness, 2);
    expect(
      harness.mesh.messages.filter(
        (m) =>
          m.workflowId === 'GPDC_QUERY_RESULTS' && m.messageType === 'DATA' && m.subject?.endsWith('A81001'),
      ),
    ).toHaveLength(2);
    expect(harness.unacknowledgedAtGp()).toBe(0);
  });

  it('stops the work of practices GPES cancels before their results are sent', async () => {
    harness = await Harness.start({
      practices: { A81001: 200, A81002: 200 },
      simulator: { cancelPractices: ['A81002'] },
    });
    await harness.simulator.start();
    await harness.runToCompletion(20);
    expect(harness.simulator.succeeded).toBe(true);
    expect(harness.deliveredQueryResults().map((q) => q.practice)).toEqual(['A81001']);
    expect(harness.simulator.report?.map((r) => [r.practiceId, r.status])).toEqual([
      ['A81001', 'ACKNOWLEDGED'],
      ['A81002', 'CANCELLED'],
    ]);
  });

  it('records a rejected acknowledgement, alerts, and does not resend', async () => {
    harness = await Harness.start({ practices: { A81001: 200 } });
    await harness.simulator.start();
    await untilQueryResultsSent(harness, 1);
    const qr = harness.mesh.messages.find((m) => m.workflowId === 'GPDC_QUERY_RESULTS');
    await harness.mesh.deliver({
      to: GP,
      from: GPES,
      workflowId: 'GPDC_QUERY_RESULTS_ACK',
      body: encodeQueryResultsAcknowledgement({
        gpesIVersion: '6.0',
        qraUuid: '0F0E0D0C-0B0A-4908-8706-050403020100',
        qrUuid: qr?.localId ?? '',
        scheduledQueryInstanceId: qr?.subject?.split(' ')[0] ?? '',
        practiceId: 'A81001',
        issueDateTime: '2026-04-01T10:00:00',
        status: 'Rejected',
        errors: [{ code: '00012', title: 'Referential Integrity Check Failure', description: 'test' }],
      }),
    });
    await harness.service.runOnce();
    const s = await state(harness);
    const practice = Object.values(s.requests)[0]?.practices.A81001;
    expect(practice?.status).toBe('rejected');
    expect(practice?.ack?.errors).toEqual([{ code: '00012', title: 'Referential Integrity Check Failure' }]);
    expect(s.alerts.map((a) => a.code)).toEqual(['QR_REJECTED']);
    expect(harness.deliveredQueryResults()).toHaveLength(1);
  });

  it('keeps an Accepted Query Results acknowledged when GPES rejects a duplicate copy with 00011', async () => {
    harness = await Harness.start({ practices: { A81001: 200 } });
    await harness.simulator.start();
    await harness.runToCompletion(20);
    const [qr] = harness.deliveredQueryResults();
    await harness.deliverDuplicateQueryResults(qr?.messageId ?? '');
    await harness.simulator.runOnce(); // answers the copy: QRA Rejected, 00011 Uniqueness Check Failure
    await harness.service.runOnce();
    const s = await state(harness);
    const practice = Object.values(s.requests)[0]?.practices.A81001;
    expect(practice?.status).toBe('acknowledged');
    expect(practice?.ack?.status).toBe('Accepted');
    expect(practice?.duplicateRejections).toBe(1);
    expect(s.alerts.map((a) => a.code)).not.toContain('QR_REJECTED');
    expect(Object.values(s.handled).map((h) => h.outcome)).toContain(
      'QRA Rejected as a duplicate (00011): the earlier QR stands',
    );
    expect(harness.unacknowledgedAtGp()).toBe(0);
  });

  it('answers 00003 after the Cut-off date and 00002 for a practice that declined at Stage 1', async () => {
    harness = await Harness.start({
      practices: { A81001: 100, A81002: 100 },
      service: {
        requiresStage1: ['D01700'],
        participation: (request) => fixedParticipationPolicy(request.practiceId !== 'A81002')(request),
      },
    });
    await harness.simulator.start();
    await harness.runToCompletion(20);
    expect(harness.simulator.practices.map((p) => [p.practiceId, p.stage1, p.responseCode])).toEqual([
      ['A81001', 'participates', '00000'],
      ['A81002', 'declines', '00002'],
    ]);
    expect(harness.deliveredQueryResults().map((q) => q.practice)).toEqual(['A81001']);
    await harness.close();

    harness = await Harness.start({
      practices: { A81001: 100 },
      simulator: { executionDate: daysFromNow(-20), cutoffDate: daysFromNow(-10), stage1Practices: [] },
    });
    await harness.simulator.start();
    await passes(harness, 3);
    expect(harness.simulator.practices.map((p) => p.responseCode)).toEqual(['00003']);
    expect(harness.deliveredQueryResults()).toEqual([]);
    expect(harness.simulator.report?.map((r) => r.status)).toEqual(['DECLINED']);
  });

  it.each([
    ['', {}],
    [", also through NHS England's sandbox-style download gzip", { nhsSandboxGzip: true }],
  ])('gzips a large Query Results payload and flags it, and GPES reads it back%s', async (_, fake) => {
    const directory = await mkdtemp(join(tmpdir(), 'gpes-spec-'));
    directories.push(directory);
    const spec = await writeJournalSpec(directory, { id: 'A81001', patients: 300 });
    harness = await Harness.start({
      fake,
      practices: { A81001: 300 },
      sqi: JOURNAL_SQI,
      specs: { [JOURNAL_QUERY_ID]: spec },
    });
    await harness.simulator.start();
    await harness.runToCompletion(20);
    const qr = harness.mesh.messages.find((m) => m.workflowId === 'GPDC_QUERY_RESULTS');
    expect(qr?.compressed).toBe(true);
    expect(qr?.fileName).toMatch(/\.xml\.gz$/);
    const outcome = harness.simulator.practices[0]?.queryResults[0];
    expect(outcome?.valid).toBe(true);
    expect(outcome?.compressed).toBe(true);
    // The uncompressed document is larger than the registry's 1 MiB threshold; the stored payload much smaller.
    expect(outcome?.bytes).toBeGreaterThan(1_048_576);
    expect(qr?.storedBytes).toBeLessThan((outcome?.bytes ?? 0) / 3);
  });

  it('keeps unusable messages for inspection, alerts, and acknowledges them', async () => {
    harness = await Harness.start({ practices: { A81001: 100 } });
    await harness.mesh.deliver({ to: GP, from: GPES, workflowId: 'GPDC_RTP', body: '<not-an-rtp/>' });
    await harness.mesh.deliver({ to: GP, from: GPES, workflowId: 'SOMETHING_ELSE', body: 'hello' });
    await harness.mesh.deliver({ to: GP, from: GPES, workflowId: 'GPDC_RTP', body: 'x'.repeat(5000) });
    await harness.mesh.deliver({
      to: GP,
      from: GPES,
      workflowId: 'GPDC_RTP',
      body: 'not gzip',
      compressed: true,
    });
    await harness.mesh.deliver({
      to: GP,
      from: GPES,
      workflowId: 'GPDC_RTP',
      body: gzipSync(Buffer.alloc(10_000, 0x20)),
      compressed: true,
    });
    await harness.restart({ maxInboxMessageBytes: 4096 });
    await harness.service.runOnce();
    expect(harness.unacknowledgedAtGp()).toBe(0);
    const s = await state(harness);
    // Not valid, unknown workflow, too large, unreadable gzip, a gzip bomb over the limit: all refused, none stuck.
    expect(s.alerts.map((a) => a.code)).toEqual(Array(5).fill('BAD_MESSAGE'));
    expect(s.requests).toEqual({});
    const kept = (await readdir(join(harness.stateDir, 'spool'))).filter((f) => f.startsWith('unexpected-'));
    expect(kept).toHaveLength(4);
  });

  it('does not answer pings or notifications for practices it does not host', async () => {
    harness = await Harness.start({ practices: { A81001: 100 } });
    const base = { issueDateTime: '2026-04-01T09:00:00', uids: [] };
    await harness.mesh.deliver({
      to: GP,
      from: GPES,
      workflowId: 'GPDC_NOTIFICATION',
      body: encodeQENotificationMessage({
        gpesIVersion: '6.0',
        notifications: [
          {
            ...base,
            type: 'System-Ping-Request-Notification',
            qeNtUuid: 'A0000000-0000-4000-8000-000000000001',
            practiceId: 'A81001',
          },
          {
            ...base,
            type: 'Stage1-Notification',
            qeNtUuid: 'A0000000-0000-4000-8000-000000000002',
            practiceId: 'Y99999',
            payload: {
              title: { order: 1, dataFormat: 'text/plain', text: 'Participation' },
              items: [{ kind: 'narrative', order: 1, dataFormat: 'text/plain', text: 'Information only' }],
            },
          },
        ],
      }),
    });
    await harness.service.runOnce();
    expect(harness.unacknowledgedAtGp()).toBe(0);
    expect(harness.mesh.messages.filter((m) => m.workflowId === 'GPDC_NOTIFICATION_RESPONSE')).toEqual([]);
    expect(harness.events).toContainEqual(
      expect.objectContaining({
        type: 'received',
        summary:
          'System-Ping-Request-Notification for A81001: no reply; Stage1-Notification for Y99999: no reply',
      }),
    );
  });

  it('waits for the Interim-Date before producing results', async () => {
    // Two days ahead in UTC is at least one day ahead in England, whatever the time of day and season.
    const tomorrow = new Date(Date.now() + 2 * 86_400_000);
    harness = await Harness.start({
      practices: { A81001: 100 },
      simulator: { interimDate: tomorrow.toISOString().slice(0, 10), stage1Practices: [] },
    });
    await harness.simulator.start();
    await passes(harness, 3);
    expect(harness.simulator.practices[0]?.responseCode).toBe('00000');
    expect(harness.deliveredQueryResults()).toEqual([]);
    // Once the Interim-Date has come (a restarted service with a later clock), the results go.
    await harness.restart({ now: () => new Date(tomorrow.getTime() + 86_400_000) });
    await harness.runToCompletion(10);
    expect(harness.deliveredQueryResults().map((q) => q.practice)).toEqual(['A81001']);
  });

  it('deletes sent documents after the RTP retention period and forgets old inbox ids', async () => {
    harness = await Harness.start({ practices: { A81001: 100 }, simulator: { stage1Practices: [] } });
    // A document a stopped process wrote but never recorded is removed on the next pass.
    const spool = join(harness.stateDir, 'spool');
    await writeFile(join(spool, 'qr-0RPHAN00-0000-4000-8000-000000000000.xml'), '<partial/>');
    await harness.simulator.start();
    await harness.runToCompletion(10);
    const qrFiles = async () => (await readdir(spool)).filter((f) => f.startsWith('qr-'));
    expect(await qrFiles()).toHaveLength(1);
    expect(await qrFiles()).not.toContain('qr-0RPHAN00-0000-4000-8000-000000000000.xml');
    expect(Object.keys((await state(harness)).handled).length).toBeGreaterThan(0);

    // The simulator's RTP asks for 30 days; a day later nothing is deleted, 31 days later the QR is.
    await harness.restart({ now: () => new Date(Date.now() + 86_400_000) });
    await harness.service.runOnce();
    expect(await qrFiles()).toHaveLength(1);
    await harness.restart({ now: () => new Date(Date.now() + 31 * 86_400_000) });
    await harness.service.runOnce();
    expect(await qrFiles()).toEqual([]);
    const s = await state(harness);
    expect(Object.values(s.outbox).every((m) => m.purged === true)).toBe(true);
    expect(s.handled).toEqual({});
    // What was sent and acknowledged is still on record.
    expect(Object.values(s.requests)[0]?.practices.A81001?.status).toBe('acknowledged');
  });

  it('writes aggregate descriptions only when the RTP asks for them', async () => {
    harness = await Harness.start({
      practices: { A81001: 100 },
      simulator: { stage1Practices: [], showDescriptions: false },
    });
    await harness.simulator.start();
    await harness.runToCompletion(10);
    const [aggregate] = harness.simulator.practices[0]?.queryResults[0]?.aggregates ?? [];
    expect(aggregate?.aid).toBe('00000000-0000-0000-0000-000000000000');
    expect(aggregate?.description).toBeUndefined();
  });

  it('refuses an RTP whose local specification cannot be loaded, with 000FF and an alert', async () => {
    harness = await Harness.start({
      practices: { A81001: 100 },
      sqi: 'BAD000-202603310000-A',
      specs: { BAD000: join(tmpdir(), 'no-such-spec.xml') },
      simulator: { stage1Practices: [] },
    });
    await harness.simulator.start();
    await passes(harness, 3);
    expect(harness.simulator.practices.map((p) => p.responseCode)).toEqual(['000FF']);
    const s = await state(harness);
    expect(s.alerts.map((a) => a.message)).toEqual([
      expect.stringContaining('the locally held specification cannot be loaded'),
    ]);
    expect(harness.unacknowledgedAtGp()).toBe(0);
  });
});
