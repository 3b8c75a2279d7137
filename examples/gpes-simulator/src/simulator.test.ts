import { MeshClient } from '@gpes/mesh-client';
import { type FakeMesh, startFakeMesh } from '@gpes/mesh-client/testing';
import {
  decodeRunTimeParametersOrThrow,
  encodeQueryResultsToString,
  encodeRunTimeParametersResponse,
  type QueryResultsHeader,
  type RunTimeParameters,
} from '@gpes/messages';
import { decodeQueryResultsAcknowledgementOrThrow, encodeReportCsv } from '@gpes/messages/experimental';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from './main.js';
import { GpesSimulator } from './simulator.js';

const GP = 'X26GP0001';
const GPES = 'X26GPES01';
const PASSWORD = 'test-password';
const SQI = 'D01700-202603310000-A';

let mesh: FakeMesh;
let gp: MeshClient;
let gpes: MeshClient;
beforeEach(async () => {
  mesh = await startFakeMesh({
    mailboxes: [
      { id: GP, password: PASSWORD },
      { id: GPES, password: PASSWORD },
    ],
  });
  const client = (mailboxId: string) =>
    new MeshClient({ baseUrl: mesh.url, mailboxId, mailboxPassword: PASSWORD, sharedKey: 'TestKey' });
  gp = client(GP);
  gpes = client(GPES);
});
afterEach(async () => {
  await gp.close();
  await gpes.close();
  await mesh.close();
});

/** Reads every message waiting for the GP system (and acknowledges it), as a scripted GP side. */
async function gpInbox(): Promise<{ workflowId: string; body: Buffer }[]> {
  const out: { workflowId: string; body: Buffer }[] = [];
  for await (const id of gp.listMessages()) {
    const message = await gp.retrieveMessage(id);
    out.push({ workflowId: message.workflowId ?? '', body: await message.buffer() });
    await gp.acknowledgeMessage(id);
  }
  return out;
}

function header(
  rtp: RunTimeParameters,
  practiceId: string,
  qrUuid: string,
  signature?: string,
): QueryResultsHeader {
  const cohort = rtp.gpPracticeCohort.find((p) => p.practiceId === practiceId);
  const at = '2026-04-01T10:00:00';
  return {
    gpesIVersion: '6.0',
    qrMessageVersion: '0.2',
    qrUuid,
    scheduledQueryInstanceId: rtp.scheduledQueryInstanceId,
    rtpUuid: rtp.rtpUuid,
    practiceId,
    gpetQSqiAuthenticationSignature: signature ?? cohort?.gpetQSqiAuthenticationSignature ?? '',
    issueDateTime: at,
    manifest: {
      gpetEExecutableVersion: '1.0',
      gpSystemIdentifier: '001.002.003.004',
      terminologyIdentifiers: [
        {
          codeSchemeId: '2.16.840.1.113883.2.1.3.2.4.15',
          terminologyName: 'SNOMED-CT',
          terminologyRelease: '',
        },
      ],
      rtpTranslationStatistics: { startDateTime: at, endDateTime: at },
      queryExecutionStatistics: { startDateTime: at, endDateTime: at },
    },
  };
}

async function sendQr(rtp: RunTimeParameters, practiceId: string, qrUuid: string, signature?: string) {
  await gp.sendMessage({
    to: GPES,
    workflowId: 'GPDC_QUERY_RESULTS',
    subject: `${SQI} ${practiceId}`,
    body: encodeQueryResultsToString(header(rtp, practiceId, qrUuid, signature), [
      { kind: 'aggregate', aid: '00000000-0000-0000-0000-000000000000', value: '42' },
    ]),
  });
}

describe('GPES simulator', () => {
  it('accepts a valid Query Results once and rejects a mismatched or repeated one', async () => {
    const simulator = new GpesSimulator({
      client: gpes,
      gpMailboxId: GP,
      practices: ['A81001', 'A81002'],
      stage1Practices: [],
      stage2: false,
      scheduledQueryInstanceId: SQI,
      executionDate: '2026-04-01',
      cutoffDate: '2026-04-14',
    });
    await simulator.start();
    const [rtpMessage] = await gpInbox();
    expect(rtpMessage?.workflowId).toBe('GPDC_RTP');
    const rtp = decodeRunTimeParametersOrThrow(rtpMessage?.body ?? '');
    expect(rtp.gpPracticeCohort.map((p) => p.practiceId)).toEqual(['A81001', 'A81002']);

    await gp.sendMessage({
      to: GPES,
      workflowId: 'GPDC_RTPR',
      body: encodeRunTimeParametersResponse({
        gpesIVersion: '6.0',
        scheduledQueryInstanceId: SQI,
        rtprUuid: 'B0000000-0000-4000-8000-000000000001',
        rtpUuid: rtp.rtpUuid,
        issueDateTime: '2026-04-01T09:00:00',
        gpPracticeCohort: rtp.gpPracticeCohort.map((p) => ({ ...p, rtpResponseId: '00000' })),
      }),
    });
    await sendQr(rtp, 'A81001', 'C0000000-0000-4000-8000-000000000001');
    // A81002's answer echoes the wrong signature; A81001's comes twice.
    await sendQr(
      rtp,
      'A81002',
      'C0000000-0000-4000-8000-000000000002',
      'DEADBEEF-0000-4000-8000-000000000000',
    );
    await sendQr(rtp, 'A81001', 'C0000000-0000-4000-8000-000000000003');
    await simulator.runOnce();

    const acks = (await gpInbox()).map((m) => decodeQueryResultsAcknowledgementOrThrow(m.body));
    expect(acks.map((a) => [a.qrUuid.slice(-1), a.status, a.errors.map((e) => e.title)])).toEqual([
      ['1', 'Accepted', []],
      ['2', 'Rejected', ['Referential Integrity Check Failure']],
      ['3', 'Rejected', ['Uniqueness Check Failure']],
    ]);
    expect(simulator.expectedPractices).toEqual(['A81001', 'A81002']);
    expect(simulator.done).toBe(false);

    // Without a valid A81002 result (and without the report) the run is not a success.
    await gp.sendMessage({
      to: GPES,
      workflowId: 'GPDC_REPORT',
      body: encodeReportCsv([
        {
          reportDate: '2026-04-01',
          supplier: 'TEST',
          gpSystemIdentifier: '001.002.003.004',
          practiceId: 'A81001',
          scheduledQueryInstanceId: SQI,
          rtpUuid: rtp.rtpUuid,
          status: 'ACKNOWLEDGED',
        },
      ]),
    });
    await simulator.runOnce();
    expect(simulator.report?.map((r) => r.practiceId)).toEqual(['A81001']);
    expect(simulator.succeeded).toBe(false);
  });

  it('main() sends the RTP after the Stage 1 grace period and reports failure when nothing answers', async () => {
    const run = await main({
      MESH_URL: mesh.url,
      SIM_MAILBOX_ID: GPES,
      SIM_PASSWORD: PASSWORD,
      MESH_SHARED_KEY: 'TestKey',
      GP_MAILBOX_ID: GP,
      SIM_PRACTICES: 'A81001,A81002',
      SIM_SQI: SQI,
      SIM_POLL_MS: '10',
      SIM_TIMEOUT_MS: '1500',
      SIM_QUIET: '1',
    });
    expect(run.succeeded).toBe(false);
    expect(mesh.inbox(GP).map((m) => m.workflowId)).toEqual(['GPDC_NOTIFICATION', 'GPDC_RTP']);
  });
});
