import { pathToFileURL } from 'node:url';
import { MeshClient } from '@gpes/mesh-client';
import { fixedParticipationPolicy } from './adapters/fixed-policy.js';
import { parseSyntheticPractices, syntheticRecordSource } from './adapters/synthetic-records.js';
import { loadConfig, type ServiceConfig } from './config/load-config.js';
import type { PracticeDatabase } from './service/evaluate-practice.js';
import type { FaultHook, ServiceEvent } from './service/hooks.js';
import type { ParticipationPolicy, PracticeRecordSource } from './service/ports.js';
import { ExtractionService } from './service/service.js';
import { fileSpecificationCatalogue } from './service/specifications.js';
import { FileStateStore } from './state/store.js';

/** What `main` and {@link createExtractionService} accept besides the configuration. */
export interface ExtractionServiceHooks {
  /** The vendor's record store. @default synthetic practices from `GPES_SYNTHETIC_PRACTICES`, or none */
  readonly records?: PracticeRecordSource;
  /** The vendor's Stage 1 / Stage 2 decision. @default every practice takes part (the demo's fixed policy) */
  readonly participation?: ParticipationPolicy;
  /** Query identifiers whose extracts need a Stage 1 answer. @default none */
  readonly requiresStage1?: readonly string[];
  readonly onEvent?: (event: ServiceEvent) => void;
  readonly faults?: FaultHook;
  readonly now?: () => Date;
  readonly compress?: (bytes: number) => boolean;
  readonly chunkSizeBytes?: number;
  /** How long reconciliation waits after an uncertain send before "not in MESH" counts. @default 60000 */
  readonly reconcileGraceMs?: number;
  /** Largest inbox message accepted. @default 16 MiB */
  readonly maxInboxMessageBytes?: number;
  /** Evaluate in this database through the SQL runner (see `ExtractionServiceOptions.database`). @default none */
  readonly database?: PracticeDatabase;
}

/** Builds the MESH client, opens the state directory and wires the service from a configuration. */
export async function createExtractionService(
  config: ServiceConfig,
  hooks: ExtractionServiceHooks = {},
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<{ service: ExtractionService; client: MeshClient; store: FileStateStore }> {
  const client = new MeshClient({
    baseUrl: config.mesh.url,
    mailboxId: config.mesh.mailboxId,
    mailboxPassword: config.mesh.password,
    sharedKey: config.mesh.sharedKey,
    ...(config.mesh.tls ? { tls: config.mesh.tls } : {}),
    applicationName: 'gpes-example-extraction-service;1.0',
    ...(hooks.chunkSizeBytes !== undefined ? { chunkSizeBytes: hooks.chunkSizeBytes } : {}),
    ...(hooks.reconcileGraceMs !== undefined ? { reconcileGraceMs: hooks.reconcileGraceMs } : {}),
  });
  const store = await FileStateStore.open(config.stateDir);
  const synthetic = env.GPES_SYNTHETIC_PRACTICES;
  const records =
    hooks.records ??
    syntheticRecordSource({
      practices: synthetic ? parseSyntheticPractices(synthetic) : {},
      referenceDate: env.GPES_SYNTHETIC_REFERENCE_DATE ?? '2026-03-31',
    });
  const service = new ExtractionService({
    client,
    gpesMailboxId: config.gpesMailboxId,
    store,
    specifications: fileSpecificationCatalogue(config.specs, {
      ...(hooks.requiresStage1 ? { requiresStage1: hooks.requiresStage1 } : {}),
    }),
    records,
    participation: hooks.participation ?? fixedParticipationPolicy(true),
    gpSystemIdentifier: config.gpSystemIdentifier,
    supplier: config.supplier,
    ...(hooks.onEvent ? { onEvent: hooks.onEvent } : {}),
    ...(hooks.faults ? { faults: hooks.faults } : {}),
    ...(hooks.now ? { now: hooks.now } : {}),
    ...(hooks.compress ? { compress: hooks.compress } : {}),
    ...(hooks.chunkSizeBytes !== undefined ? { chunkSizeBytes: hooks.chunkSizeBytes } : {}),
    ...(hooks.maxInboxMessageBytes !== undefined ? { maxInboxMessageBytes: hooks.maxInboxMessageBytes } : {}),
    ...(hooks.database ? { database: hooks.database } : {}),
  });
  return { service, client, store };
}

/**
 * @summary Runs the reference GP-side extraction service against the MESH environment the configuration names:
 * polls the inbox, answers RTPs and notifications, evaluates, sends Query Results, until `signal` aborts.
 * With `GPES_RUN_ONCE=1` it makes one pass and returns (for cron-style scheduling and tests).
 * @param env - configuration variables (see `CONFIG_VARIABLES`); `GPES_CONFIG_FILE` names an optional JSON file.
 */
export async function main(
  env: Readonly<Record<string, string | undefined>> = process.env,
  hooks: ExtractionServiceHooks & { signal?: AbortSignal } = {},
): Promise<void> {
  const config = await loadConfig(env);
  const { service, client } = await createExtractionService(config, hooks, env);
  try {
    if (env.GPES_RUN_ONCE === '1') {
      // MESH asks for a handshake at start-up (and daily, which `run` does itself).
      await client.handshake({ ...(hooks.signal ? { signal: hooks.signal } : {}) });
      const summary = await service.runOnce();
      for (const error of summary.errors)
        console.error(`pending: ${error instanceof Error ? error.message : 'error'}`);
      return;
    }
    await service.run(config.pollIntervalMs, hooks.signal);
  } finally {
    await client.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  main(process.env, {
    signal: controller.signal,
    onEvent: (event) => {
      if (event.type === 'received' || event.type === 'sent')
        console.log(`${event.type} ${event.workflowId}: ${event.summary}`);
      if (event.type === 'alert') console.error(`ALERT ${event.alert.code}: ${event.alert.message}`);
    },
  }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
