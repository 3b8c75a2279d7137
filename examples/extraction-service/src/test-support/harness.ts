import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GpesSimulator, type GpesSimulatorOptions } from '@gpes/example-gpes-simulator';
import {
  generatePopulation,
  TYPE1_DISSENT_CODE,
  TYPE1_DISSENT_WITHDRAWN_CODE,
} from '@gpes/extract-core/testing';
import { MeshClient } from '@gpes/mesh-client';
import { type FakeMesh, type FakeMeshOptions, startFakeMesh } from '@gpes/mesh-client/testing';
import { syntheticRecordSource } from '../adapters/synthetic-records.js';
import { loadConfig } from '../config/load-config.js';
import { createExtractionService, type ExtractionServiceHooks } from '../main.js';
import type { ServiceEvent } from '../service/hooks.js';
import type { ExtractionService } from '../service/service.js';
import { EXAMPLE_SPECIFICATIONS } from '../specs.js';

export const GP = 'X26GP0001';
export const GPES = 'X26GPES01';
export const PASSWORD = 'test-password';
export const REFERENCE_DATE = '2026-03-31';
export const DM017_SQI = `D01700-${REFERENCE_DATE.replaceAll('-', '')}0000-A`;
/** Query id of the test-only "whole journal" patient-level extract (large Query Results). */
export const JOURNAL_QUERY_ID = 'F00001';
export const JOURNAL_SQI = `${JOURNAL_QUERY_ID}-${REFERENCE_DATE.replaceAll('-', '')}0000-A`;

/** Environment for `loadConfig`/`main` pointing the service at the fake server. */
export function serviceEnv(
  mesh: FakeMesh,
  stateDir: string,
  specs: Record<string, string>,
): Record<string, string> {
  return {
    MESH_URL: mesh.url,
    MESH_MAILBOX_ID: GP,
    MESH_PASSWORD: PASSWORD,
    MESH_SHARED_KEY: 'TestKey',
    GPES_MAILBOX_ID: GPES,
    GPES_STATE_DIR: stateDir,
    GPES_POLL_INTERVAL_SECONDS: '0.05',
    GPES_SPECS: JSON.stringify(specs),
    GPES_SYSTEM_IDENTIFIER: '001.002.003.004',
    GPES_SUPPLIER: 'TEST',
  };
}

/**
 * Writes a test-only specification: a patient-level extract of every GMS-registered patient with all their journal
 * entries (the cluster is every code the synthetic population uses), so that Query Results are megabytes long.
 */
export async function writeJournalSpec(
  directory: string,
  practice: { id: string; patients: number },
): Promise<string> {
  const codes = new Set<string>();
  for (const record of generatePopulation({
    seed: `gpes-demo:${practice.id}`,
    size: practice.patients,
    referenceDate: REFERENCE_DATE,
    practiceOdsCode: practice.id,
  })) {
    for (const entry of record.journal) codes.add(entry.code);
  }
  codes.delete(TYPE1_DISSENT_CODE);
  codes.delete(TYPE1_DISSENT_WITHDRAWN_CODE);
  await writeFile(
    join(directory, 'journal_cod.csv'),
    `code,term\n${[...codes].map((c) => `${c},code ${c}`).join('\n')}\n`,
  );
  await writeFile(join(directory, 't1.csv'), `code,term\n${TYPE1_DISSENT_CODE},Type 1 opt-out\n`);
  await writeFile(
    join(directory, 't1wd.csv'),
    `code,term\n${TYPE1_DISSENT_WITHDRAWN_CODE},Type 1 opt-out withdrawn\n`,
  );
  const path = join(directory, 'journal.xml');
  await writeFile(
    path,
    `<?xml version="1.0" encoding="UTF-8"?>
<QuerySpecification xmlns="urn:gpes-sdk:query-spec:1" formatVersion="1" id="TEST-WHOLE-JOURNAL" name="Test whole-journal extract">
  <Participation type1OptOut="exclude">
    <DissentCodes cluster="T1DISSENT"/>
    <DissentWithdrawnCodes cluster="T1DISSENTWD"/>
  </Participation>
  <Parameters><DateParameter name="ACHV_DAT" bind="run"/></Parameters>
  <Clusters>
    <Cluster name="JOURNAL_COD"><Members href="journal_cod.csv" format="csv"/></Cluster>
    <Cluster name="T1DISSENT"><Members href="t1.csv" format="csv"/></Cluster>
    <Cluster name="T1DISSENTWD"><Members href="t1wd.csv" format="csv"/></Cluster>
  </Clusters>
  <Fields>
    <RegistrationDate name="REG_DAT" boundary="start" select="latest"><Where>@date &lt;= ACHV_DAT</Where></RegistrationDate>
    <RegistrationDate name="DEREG_DAT" boundary="end" select="earliest"><Where>@date > REG_DAT</Where></RegistrationDate>
  </Fields>
  <Populations>
    <Population name="GMS_REG" kind="population">
      <Rule ifTrue="select" ifFalse="reject">
        <If>(REG_DAT != null AND DEREG_DAT = null) OR (REG_DAT != null AND DEREG_DAT > ACHV_DAT)</If>
      </Rule>
    </Population>
  </Populations>
  <Outputs>
    <Count name="REGISTERED" kind="population" population="GMS_REG" aid="11111111-1111-1111-1111-111111111111" description="Registered patients"/>
    <PatientLevelExtract name="WHOLE_JOURNAL" population="GMS_REG">
      <PatientTable qid="1" columns="NHS-NUMBER DATE-OF-BIRTH SEX POSTCODE PRACTICE"/>
      <JournalsTable qid="2" columns="DATE CODE VALUE1-CONDITION VALUE2-CONDITION VALUE1-PRESCRIPTION VALUE2-PRESCRIPTION">
        <Include cluster="JOURNAL_COD"><Where>@date &lt;= ACHV_DAT</Where></Include>
      </JournalsTable>
    </PatientLevelExtract>
  </Outputs>
</QuerySpecification>
`,
  );
  return path;
}

export interface HarnessOptions {
  /** Fake MESH server options (mailboxes are the harness's own), e.g. `{ nhsSandboxGzip: true }`. */
  readonly fake?: Omit<FakeMeshOptions, 'mailboxes'>;
  /** Practice → patients hosted by the GP system. */
  readonly practices: Readonly<Record<string, number>>;
  /** Cohort of the RTP. @default the hosted practices */
  readonly cohort?: readonly string[];
  readonly sqi?: string;
  /** Extra specifications by query id. */
  readonly specs?: Readonly<Record<string, string>>;
  readonly service?: ExtractionServiceHooks;
  readonly simulator?: Partial<GpesSimulatorOptions>;
}

/** A fake MESH server, a GPES simulator and an extraction service that can be "killed" and started again. */
export class Harness {
  readonly mesh: FakeMesh;
  readonly stateDir: string;
  readonly simulator: GpesSimulator;
  readonly events: ServiceEvent[] = [];
  readonly #gpesClient: MeshClient;
  readonly #options: HarnessOptions;
  readonly #closers: (() => Promise<void>)[] = [];
  /** Services started so far (one more after every simulated crash). */
  starts = 0;
  service!: ExtractionService;

  private constructor(mesh: FakeMesh, stateDir: string, options: HarnessOptions) {
    this.mesh = mesh;
    this.stateDir = stateDir;
    this.#options = options;
    this.#gpesClient = new MeshClient({
      baseUrl: mesh.url,
      mailboxId: GPES,
      mailboxPassword: PASSWORD,
      sharedKey: 'TestKey',
    });
    const today = new Date().toISOString().slice(0, 10);
    const cutoff = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    this.simulator = new GpesSimulator({
      client: this.#gpesClient,
      gpMailboxId: GP,
      practices: options.cohort ?? Object.keys(options.practices),
      scheduledQueryInstanceId: options.sqi ?? DM017_SQI,
      executionDate: today,
      cutoffDate: cutoff,
      ...options.simulator,
    });
  }

  static async start(options: HarnessOptions): Promise<Harness> {
    const mesh = await startFakeMesh({
      ...options.fake,
      mailboxes: [
        { id: GP, password: PASSWORD },
        { id: GPES, password: PASSWORD },
      ],
    });
    const stateDir = await mkdtemp(join(tmpdir(), 'gpes-service-'));
    const harness = new Harness(mesh, stateDir, options);
    await harness.restart();
    return harness;
  }

  /** Starts a new service on the same state directory, as a process restart would (nothing kept in memory). */
  async restart(hooks: ExtractionServiceHooks = {}): Promise<ExtractionService> {
    this.service?.stop();
    const config = await loadConfig(
      serviceEnv(this.mesh, this.stateDir, { ...EXAMPLE_SPECIFICATIONS, ...this.#options.specs }),
    );
    const { service, client } = await createExtractionService(config, {
      records: syntheticRecordSource({ practices: this.#options.practices, referenceDate: REFERENCE_DATE }),
      onEvent: (event) => this.events.push(event),
      // Loopback and a fake server that answers at once: a short grace period keeps reconciling tests fast.
      reconcileGraceMs: 50,
      ...this.#options.service,
      ...hooks,
    });
    this.#closers.push(() => client.close());
    this.service = service;
    this.starts++;
    return service;
  }

  /**
   * Alternates service and simulator passes until the simulator has everything and the service is idle. When the
   * service "crashes", a new one is started (with `afterCrash` hooks) and the flow continues.
   * @returns the errors the crashed services stopped with.
   */
  async runToCompletion(maxPasses = 30, afterCrash: ExtractionServiceHooks = {}): Promise<unknown[]> {
    const crashes: unknown[] = [];
    for (let pass = 0; pass < maxPasses; pass++) {
      if (this.simulator.done && this.service.isIdle()) return crashes;
      try {
        await this.service.runOnce();
      } catch (error) {
        crashes.push(error);
        await this.restart(afterCrash);
        continue;
      }
      await this.simulator.runOnce();
    }
    throw new Error(`The flow did not complete in ${maxPasses} passes`);
  }

  /** Query Results messages MESH delivered to GPES (complete uploads only). */
  deliveredQueryResults(): { practice: string | undefined; messageId: string }[] {
    return this.mesh.messages
      .filter(
        (m) =>
          m.workflowId === 'GPDC_QUERY_RESULTS' &&
          m.messageType === 'DATA' &&
          m.status !== 'uploading' &&
          m.status !== 'error',
      )
      .map((m) => ({ practice: m.subject?.split(' ')[1], messageId: m.messageId }));
  }

  /**
   * Puts a second copy of a Query Results message MESH delivered to GPES into GPES's inbox, as a duplicated send
   * would (the issue #9 scenario): GPES's uniqueness check then rejects it with 00011.
   */
  async deliverDuplicateQueryResults(messageId: string): Promise<void> {
    const original = this.mesh.message(messageId);
    if (!original) throw new Error(`no message ${messageId}`);
    await this.mesh.deliver({
      to: GPES,
      from: GP,
      workflowId: original.workflowId,
      body: await this.mesh.readMessageBody(messageId),
      ...(original.localId !== undefined ? { localId: original.localId } : {}),
      ...(original.subject !== undefined ? { subject: original.subject } : {}),
      ...(original.fileName !== undefined ? { fileName: original.fileName } : {}),
      ...(original.compressed !== undefined ? { compressed: original.compressed } : {}),
    });
  }

  /** Messages addressed to the GP system that were never acknowledged. */
  unacknowledgedAtGp(): number {
    return this.mesh.messages.filter((m) => m.recipient === GP && m.status !== 'acknowledged').length;
  }

  async close(): Promise<void> {
    this.service?.stop();
    for (const close of this.#closers) await close();
    await this.#gpesClient.close();
    await this.mesh.close();
    await rm(this.stateDir, { recursive: true, force: true });
  }
}
