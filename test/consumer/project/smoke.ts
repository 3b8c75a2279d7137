// A supplier's first program, compiled with strict settings against the packed tarballs and run twice: as ESM and
// as CommonJS. It uses only what the published packages export and what they ship.

import { Writable } from 'node:stream';
import { type CliIo, ExitCode, runCli } from '@gpes/cli';
import {
  compileSpec,
  createTally,
  evaluateInWorkers,
  evaluatePopulation,
  explain,
  renderExplanation,
} from '@gpes/extract-core';
import { generatePopulation, loadDm017Spec } from '@gpes/extract-core/testing';
import { createInboxProcessor, MeshClient } from '@gpes/mesh-client';
import { startFakeMesh } from '@gpes/mesh-client/testing';
import {
  decodeRunTimeParameters,
  encodeRunTimeParametersResponse,
  StatusCode,
  workflowIdFor,
} from '@gpes/messages';
import { readSampleMessage, sampleMessagePath } from '@gpes/messages/testing';

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`consumer smoke test: ${what}`);
}

async function meshRoundTrip(): Promise<void> {
  const workflows = [workflowIdFor('RTP'), workflowIdFor('RTPR')];
  const fake = await startFakeMesh({
    mailboxes: [
      { id: 'A12345X', password: 'gp-password', workflows },
      { id: 'X26NHSE', password: 'nhse-password', workflows },
    ],
  });
  const gp = new MeshClient({
    baseUrl: fake.url,
    mailboxId: 'A12345X',
    mailboxPassword: 'gp-password',
    sharedKey: 'TestKey',
  });
  const gpes = new MeshClient({
    baseUrl: fake.url,
    mailboxId: 'X26NHSE',
    mailboxPassword: 'nhse-password',
    sharedKey: 'TestKey',
  });
  try {
    await gpes.handshake();
    await gpes.sendMessage({
      to: 'A12345X',
      workflowId: workflowIdFor('RTP'),
      body: readSampleMessage('rtp'),
    });
    const received: string[] = [];
    const processor = createInboxProcessor({
      client: gp,
      handler: async (message) => {
        if (message.messageType === 'DATA') received.push((await message.buffer()).toString('utf8'));
      },
    });
    await processor.runOnce();
    check(received.length === 1, 'the inbox processor handles the RTP sent through the fake server');
    const rtp = decodeRunTimeParameters(received[0] ?? '');
    if (!rtp.ok)
      throw new Error(`consumer smoke test: the sample RTP does not decode: ${rtp.issues[0]?.code}`);
    const rtpr = encodeRunTimeParametersResponse({
      gpesIVersion: rtp.value.gpesIVersion,
      scheduledQueryInstanceId: rtp.value.scheduledQueryInstanceId,
      rtprUuid: '6F1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D',
      rtpUuid: rtp.value.rtpUuid,
      issueDateTime: '2026-03-01T09:00:00',
      gpPracticeCohort: rtp.value.gpPracticeCohort.map((p) => ({ ...p, rtpResponseId: StatusCode.ACCEPTED })),
    });
    await gp.sendMessage({ to: 'X26NHSE', workflowId: workflowIdFor('RTPR'), body: rtpr });
    let count = 0;
    for await (const _ of gpes.listMessages()) count++;
    check(count === 1, 'GPES sees the RTPR in its inbox');
  } finally {
    await gp.close();
    await gpes.close();
    await fake.close();
  }
}

async function evaluateDm017(): Promise<void> {
  const doc = await loadDm017Spec();
  const run = {
    parameters: { ACHV_DAT: '2022-03-31' },
    participation: {
      ncrsDetailedCareRecordSharing: false,
      ncrsPatientSealing: false,
      ncrsPdsSFlagging: true,
      exclusionCodeStrings: [],
    },
  };
  const bound = await compileSpec(doc).bind(run);
  const population = generatePopulation({ seed: 'consumer', size: 300, referenceDate: '2022-03-31' });
  const tally = createTally(bound);
  for await (const result of evaluatePopulation(bound, population)) tally.add(result);
  const register = tally.aggregates()[0]?.value;
  check(register !== undefined && Number(register) > 0, 'DM017 finds patients on the register');
  const text = renderExplanation(explain(bound, population.patient(0)));
  check(text.startsWith('Patient [hidden]'), 'explanations hide patient identifiers by default');
  const inWorkers = createTally(bound);
  for await (const result of evaluateInWorkers({ spec: doc, run, records: population, workers: 2 })) {
    inWorkers.add(result);
  }
  check(inWorkers.aggregates()[0]?.value === register, 'the worker pool gives the single-threaded register');
}

/** The CLI embedded with its own streams: validates a shipped sample message. */
async function cliValidates(): Promise<void> {
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out += chunk.toString('utf8');
      done();
    },
  });
  const io: CliIo = { stdout: sink, stderr: sink, env: {}, cwd: process.cwd() };
  const status = await runCli(['message', 'validate', sampleMessagePath('rtp')], io);
  check(status === ExitCode.OK && out.includes('valid RTP'), 'gpes message validate accepts the RTP sample');
}

async function main(): Promise<void> {
  await meshRoundTrip();
  await evaluateDm017();
  await cliValidates();
  console.log('consumer smoke test passed');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
