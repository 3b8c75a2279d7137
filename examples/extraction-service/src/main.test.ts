import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { main as simulatorMain } from '@gpes/example-gpes-simulator';
import { compileSpec, createTally, evaluatePopulation, loadSpec } from '@gpes/extract-core';
import { generatePopulation } from '@gpes/extract-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { isExtractionServiceError } from './errors.js';
import { main } from './main.js';
import { EXAMPLE_SPECIFICATIONS } from './specs.js';
import {
  DM017_SQI,
  GP,
  GPES,
  Harness,
  PASSWORD,
  REFERENCE_DATE,
  serviceEnv,
} from './test-support/harness.js';

/** The DM017 register size computed directly with @gpes/extract-core, independently of the service. */
async function expectedRegister(practiceId: string, patients: number): Promise<string> {
  const path = EXAMPLE_SPECIFICATIONS.D01700 as string;
  const document = await loadSpec(await readFile(path, 'utf8'), {
    readMembers: (href) => readFile(resolve(dirname(path), href), 'utf8'),
  });
  const bound = await compileSpec(document).bind({
    parameters: { ACHV_DAT: REFERENCE_DATE },
    participation: {
      ncrsDetailedCareRecordSharing: false,
      ncrsPatientSealing: false,
      ncrsPdsSFlagging: true,
      exclusionCodeStrings: [],
    },
  });
  const tally = createTally(bound);
  const population = generatePopulation({
    seed: `gpes-demo:${practiceId}`,
    size: patients,
    referenceDate: REFERENCE_DATE,
    practiceOdsCode: practiceId,
  });
  for await (const result of evaluatePopulation(bound, population)) tally.add(result);
  return tally.aggregates()[0]?.value ?? 'none';
}

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('extraction service main()', () => {
  // NHS England's sandbox gzips every download and flags it Mex-Content-Compressed: Y; the flow must not care.
  it.each([
    ['the MESH specification', {}],
    ["NHS England's sandbox (gzip on every download)", { nhsSandboxGzip: true }],
  ])(
    'runs the whole flow against the fake MESH server behaving as %s, one process run per pass',
    async (_, fake) => {
      harness = await Harness.start({ practices: {}, cohort: ['A81001', 'A81002', 'Y99999'], fake });
      const env = {
        ...serviceEnv(harness.mesh, harness.stateDir, EXAMPLE_SPECIFICATIONS),
        GPES_RUN_ONCE: '1',
        GPES_SYNTHETIC_PRACTICES: 'A81001=400,A81002=300',
        GPES_SYNTHETIC_REFERENCE_DATE: REFERENCE_DATE,
      };
      const { simulator } = harness;
      await simulator.start();
      for (let pass = 0; pass < 12 && !simulator.done; pass++) {
        // Every pass is a fresh main(): a new client, the state re-read from disk.
        await main(env);
        await simulator.runOnce();
      }
      expect(simulator.problems).toEqual([]);
      expect(simulator.succeeded).toBe(true);

      const byPractice = new Map(simulator.practices.map((p) => [p.practiceId, p]));
      expect(byPractice.get('A81001')?.responseCode).toBe('00000');
      expect(byPractice.get('A81002')?.responseCode).toBe('00000');
      expect(byPractice.get('Y99999')?.responseCode).toBe('00001');
      expect(byPractice.get('Y99999')?.queryResults).toEqual([]);
      // The register GPES received is the one the specification gives for the same records and achievement date.
      expect(byPractice.get('A81001')?.queryResults[0]?.aggregates.map((a) => a.value)).toEqual([
        await expectedRegister('A81001', 400),
      ]);
      expect(byPractice.get('A81002')?.queryResults[0]?.aggregates.map((a) => a.value)).toEqual([
        await expectedRegister('A81002', 300),
      ]);
      // The simulator's RTP asks for descriptions (Show-Descriptions = Y).
      expect(byPractice.get('A81001')?.queryResults[0]?.aggregates[0]?.description).toMatch(
        /^DM017: register/,
      );
      expect(byPractice.get('A81001')?.stage2).toBe('confirms');
      // Small results go uncompressed: transport gzip (sandbox mode) is not reported as payload compression.
      expect(byPractice.get('A81001')?.queryResults[0]?.compressed).toBe(false);
      expect(simulator.report?.map((r) => [r.practiceId, r.status])).toEqual([
        ['A81001', 'ACKNOWLEDGED'],
        ['A81002', 'ACKNOWLEDGED'],
        ['Y99999', 'DECLINED'],
      ]);
      expect(harness.deliveredQueryResults()).toHaveLength(2);
      expect(harness.unacknowledgedAtGp()).toBe(0);
      // Local ids are the message UUIDs and file names follow the registry's convention.
      const qr = harness.mesh.messages.find((m) => m.workflowId === 'GPDC_QUERY_RESULTS');
      expect(qr?.fileName).toBe(`${DM017_SQI}_${qr?.subject?.split(' ')[1]}_${qr?.localId}.xml`);
    },
  );

  it('refuses to start without a usable configuration, naming what is missing', async () => {
    const error = await main({ MESH_URL: 'https://msg.intspineservices.nhs.uk' }).catch((e: unknown) => e);
    expect(isExtractionServiceError(error) && error.code).toBe('CONFIG_INVALID');
    expect(isExtractionServiceError(error) && error.problems.join('\n')).toMatch(/MESH_MAILBOX_ID/);
  });

  it('lets the GPES simulator main() drive a running service', async () => {
    harness = await Harness.start({ practices: { A81001: 200, A81002: 200 } });
    const controller = new AbortController();
    const running = harness.service.run(20, controller.signal);
    const run = await simulatorMain({
      MESH_URL: harness.mesh.url,
      SIM_MAILBOX_ID: GPES,
      SIM_PASSWORD: PASSWORD,
      MESH_SHARED_KEY: 'TestKey',
      GP_MAILBOX_ID: GP,
      SIM_PRACTICES: 'A81001,A81002',
      SIM_SQI: DM017_SQI,
      SIM_POLL_MS: '20',
      SIM_TIMEOUT_MS: '30000',
      SIM_QUIET: '1',
    });
    controller.abort();
    await running;
    expect(run.problems).toEqual([]);
    expect(run.succeeded).toBe(true);
    expect(run.practices.map((p) => p.queryResults.length)).toEqual([1, 1]);
  });
});
