import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createExtractionService,
  EXAMPLE_SPECIFICATIONS,
  loadConfig,
  type ServiceEvent,
  syntheticRecordSource,
} from '@gpes/example-extraction-service';
import { GpesSimulator, type PracticeOutcome, type SimulatorEvent } from '@gpes/example-gpes-simulator';
import {
  connectPostgres,
  inputModelDdl,
  loadPatientRecords,
  openPglite,
  type SqlConnection,
} from '@gpes/extract-core';
import { MeshClient } from '@gpes/mesh-client';
import { startFakeMesh } from '@gpes/mesh-client/testing';
import type { ReportRow } from '@gpes/messages/experimental';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Practices hosted by the GP system, each seeded with synthetic patients. @default 2 */
  readonly practices?: number;
  /** Patients per practice. @default 10000 */
  readonly patientsPerPractice?: number;
  /** Also put a practice the GP system does not host in the RTP cohort, to show a refusal code. @default true */
  readonly includeForeignPractice?: boolean;
  /**
   * Run the example patient-level extract built on the DM017 register (query `D01701`) instead of DM017 alone
   * (`D01700`): Query Results then carry a Patient-Table and Journals-Table rows for each register patient.
   * @default false
   */
  readonly patientLevel?: boolean;
  /** Passes of both sides before giving up. @default 40 */
  readonly maxPasses?: number;
  /**
   * Evaluate inside PostgreSQL through @gpes/extract-core's SQL runner instead of in JavaScript: the synthetic
   * records are first written into the input model. `'pglite'` is embedded PostgreSQL (no server); a
   * `postgres://` URL names a server, whose `gpes_demo` schema is dropped and recreated.
   * @default undefined (evaluate in JavaScript)
   */
  readonly database?: 'pglite' | `postgres://${string}` | `postgresql://${string}`;
}

/** One line of the exchange, in the order it happened. */
export interface DemoStep {
  readonly from: 'GPES' | 'GP';
  readonly what: string;
  readonly workflowId?: string;
  readonly bytes?: number;
  readonly summary: string;
}

/** Everything the demo observed. */
export interface DemoResult {
  readonly steps: readonly DemoStep[];
  readonly practices: readonly PracticeOutcome[];
  readonly registerSizes: Readonly<Record<string, number | undefined>>;
  readonly expectedPractices: readonly string[];
  readonly report: readonly ReportRow[] | undefined;
  readonly alerts: readonly string[];
  readonly problems: readonly string[];
  readonly bytesToGp: number;
  readonly bytesToGpes: number;
  readonly patients: number;
  readonly passes: number;
  readonly elapsedMs: number;
  /** Where the extract was evaluated. */
  readonly evaluatedIn: 'JavaScript' | 'PGlite' | 'PostgreSQL';
  /** Every expected Query Results message received, valid and acknowledged, exactly once. */
  readonly succeeded: boolean;
}

const GP_MAILBOX = 'X26GP0001';
const GPES_MAILBOX = 'X26GPES01';
const PASSWORD = 'demo-password';
/** The DM017 achievement date of the demo extract; the SQI carries it (`yyyymmddhhmm`). */
const ACHIEVEMENT_DATE = '2026-03-31';
const DEMO_SCHEMA = 'gpes_demo';

function isoDay(instant: Date, plusDays = 0): string {
  return new Date(instant.getTime() + plusDays * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Runs the whole GPES flow in-process: a fake MESH server, the GPES simulator and the reference extraction service
 * (with a throwaway state directory), pass after pass until the simulator has everything it expects.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const started = performance.now();
  const practiceCount = options.practices ?? 2;
  const patients = options.patientsPerPractice ?? 10_000;
  const hosted = Array.from({ length: practiceCount }, (_, i) => `A8${String(1001 + i).padStart(4, '0')}`);
  const cohort = options.includeForeignPractice === false ? hosted : [...hosted, 'Y99999'];
  const queryId = options.patientLevel ? 'D01701' : 'D01700';

  const mesh = await startFakeMesh({
    mailboxes: [
      { id: GP_MAILBOX, password: PASSWORD, name: 'GP system supplier (demo)' },
      { id: GPES_MAILBOX, password: PASSWORD, name: 'GPES (simulated)' },
    ],
  });
  const stateDir = await mkdtemp(join(tmpdir(), 'gpes-demo-'));
  let database: SqlConnection | undefined;
  const steps: DemoStep[] = [];
  const alerts: string[] = [];
  const registerSizes: Record<string, number | undefined> = {};
  let bytesToGp = 0;
  let bytesToGpes = 0;
  const gpesClient = new MeshClient({
    baseUrl: mesh.url,
    mailboxId: GPES_MAILBOX,
    mailboxPassword: PASSWORD,
    sharedKey: 'TestKey',
  });
  try {
    const config = await loadConfig({
      MESH_URL: mesh.url,
      MESH_MAILBOX_ID: GP_MAILBOX,
      MESH_PASSWORD: PASSWORD,
      MESH_SHARED_KEY: 'TestKey',
      GPES_MAILBOX_ID: GPES_MAILBOX,
      GPES_STATE_DIR: stateDir,
      GPES_POLL_INTERVAL_SECONDS: '1',
      GPES_SPECS: JSON.stringify(EXAMPLE_SPECIFICATIONS),
      GPES_SYSTEM_IDENTIFIER: '001.002.003.004',
      GPES_SUPPLIER: 'DEMO',
    });
    const records = syntheticRecordSource({
      practices: Object.fromEntries(hosted.map((id) => [id, patients])),
      referenceDate: ACHIEVEMENT_DATE,
    });
    if (options.database) {
      database = await openDemoDatabase(options.database);
      for (const practice of hosted) {
        await loadPatientRecords(database, records.patients(practice), { schema: DEMO_SCHEMA });
      }
    }
    const { service, client } = await createExtractionService(config, {
      records,
      ...(database ? { database: { connection: database, schema: DEMO_SCHEMA } } : {}),
      requiresStage1: [queryId],
      onEvent: (event: ServiceEvent) => {
        if (event.type === 'sent') {
          bytesToGpes += event.bytes;
          steps.push({
            from: 'GP',
            what: event.kind,
            workflowId: event.workflowId,
            bytes: event.bytes,
            summary: `${event.summary}${event.chunks > 1 ? ` (${event.chunks} chunks)` : ''}`,
          });
        } else if (event.type === 'evaluated') {
          registerSizes[event.practiceId] = event.registerSize;
          steps.push({
            from: 'GP',
            what: 'evaluate',
            summary: `${event.practiceId}: ${event.patients.toLocaleString('en-GB')} patients → register ${event.registerSize ?? '?'}, ${event.aggregateRecords} aggregate and ${event.patientRecords} patient-level record(s)`,
          });
        } else if (event.type === 'alert') {
          alerts.push(`${event.alert.code}: ${event.alert.message}`);
        }
      },
    });
    const today = new Date();
    const simulator = new GpesSimulator({
      client: gpesClient,
      gpMailboxId: GP_MAILBOX,
      practices: cohort,
      stage1Practices: hosted,
      scheduledQueryInstanceId: `${queryId}-${ACHIEVEMENT_DATE.replaceAll('-', '')}0000-A`,
      queryName: options.patientLevel
        ? 'DM017 register, patient level (example)'
        : 'QOF DM017 diabetes register (demo)',
      executionDate: isoDay(today),
      cutoffDate: isoDay(today, 14),
      onEvent: (event: SimulatorEvent) => {
        if (event.direction !== 'sent') return;
        bytesToGp += event.bytes;
        steps.push({
          from: 'GPES',
          what: event.kind,
          workflowId: event.workflowId,
          bytes: event.bytes,
          summary: event.summary,
        });
      },
    });

    await client.handshake();
    await gpesClient.handshake();
    await simulator.start();
    const maxPasses = options.maxPasses ?? 40;
    let passes = 0;
    while (passes < maxPasses && !(simulator.done && service.isIdle())) {
      passes++;
      await service.runOnce();
      await simulator.runOnce();
    }
    await client.close();
    return {
      steps,
      practices: simulator.practices,
      registerSizes,
      expectedPractices: simulator.expectedPractices,
      report: simulator.report,
      alerts,
      problems: simulator.problems,
      bytesToGp,
      bytesToGpes,
      patients: patients * hosted.length,
      passes,
      elapsedMs: performance.now() - started,
      evaluatedIn:
        options.database === undefined
          ? 'JavaScript'
          : options.database === 'pglite'
            ? 'PGlite'
            : 'PostgreSQL',
      succeeded: simulator.succeeded && simulator.expectedPractices.length === hosted.length,
    };
  } finally {
    await database?.close();
    await gpesClient.close();
    await mesh.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** Opens the demo's database and creates the input model in a schema of its own (dropped first on a server). */
async function openDemoDatabase(target: NonNullable<DemoOptions['database']>): Promise<SqlConnection> {
  const db = target === 'pglite' ? await openPglite() : await connectPostgres(target, { max: 2 });
  try {
    await db.exec(`DROP SCHEMA IF EXISTS ${DEMO_SCHEMA} CASCADE`);
    await db.exec(inputModelDdl(DEMO_SCHEMA));
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}
