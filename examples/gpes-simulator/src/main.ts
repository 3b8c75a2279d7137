import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { MeshClient } from '@gpes/mesh-client';
import { GpesSimulator, type PracticeOutcome } from './simulator.js';

/** What a simulator run ended with. */
export interface SimulatorRun {
  readonly succeeded: boolean;
  readonly practices: readonly PracticeOutcome[];
  readonly problems: readonly string[];
}

function required(env: Readonly<Record<string, string | undefined>>, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

/**
 * @summary Plays GPES against a GP system's mailbox for local testing: sends Stage 1 notifications and an RTP,
 * checks and acknowledges each Query Results message, until every expected one has arrived or the time is up.
 * Reads `MESH_URL`, `SIM_MAILBOX_ID`, `SIM_PASSWORD`, `MESH_SHARED_KEY`, `GP_MAILBOX_ID`, `SIM_PRACTICES`
 * (comma-separated), `SIM_SQI`, and optionally `SIM_POLL_MS` (default 1000) and `SIM_TIMEOUT_MS` (default 600000).
 * Only for local MESH servers: real GPES mailboxes are NHS England's.
 */
export async function main(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: { signal?: AbortSignal } = {},
): Promise<SimulatorRun> {
  const client = new MeshClient({
    baseUrl: required(env, 'MESH_URL'),
    mailboxId: required(env, 'SIM_MAILBOX_ID'),
    mailboxPassword: required(env, 'SIM_PASSWORD'),
    sharedKey: required(env, 'MESH_SHARED_KEY'),
  });
  const today = new Date();
  const day = (plus: number) => new Date(today.getTime() + plus * 86_400_000).toISOString().slice(0, 10);
  const simulator = new GpesSimulator({
    client,
    gpMailboxId: required(env, 'GP_MAILBOX_ID'),
    practices: required(env, 'SIM_PRACTICES')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
    scheduledQueryInstanceId: required(env, 'SIM_SQI'),
    executionDate: env.SIM_EXECUTION_DATE ?? day(0),
    cutoffDate: env.SIM_CUTOFF_DATE ?? day(14),
    onEvent: (event) => {
      if (env.SIM_QUIET !== '1') {
        console.log(`GPES ${event.direction === 'sent' ? '→' : '←'} ${event.workflowId}: ${event.summary}`);
      }
    },
  });
  const pollMs = Number(env.SIM_POLL_MS ?? 1000);
  const deadline = Date.now() + Number(env.SIM_TIMEOUT_MS ?? 600_000);
  try {
    await client.handshake();
    await simulator.start();
    while (!simulator.done && Date.now() < deadline && !options.signal?.aborted) {
      await simulator.runOnce();
      if (!simulator.done) await sleep(pollMs, undefined, { signal: options.signal }).catch(() => undefined);
    }
    return { succeeded: simulator.succeeded, practices: simulator.practices, problems: simulator.problems };
  } finally {
    await client.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (run) => {
      process.exitCode = run.succeeded ? 0 : 1;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
