import { pathToFileURL } from 'node:url';
import { type DemoResult, runDemo } from './run-demo.js';

function kb(bytes: number): string {
  return bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Renders the demo's outcome as the plain-text summary `npm run demo` prints. */
export function formatSummary(result: DemoResult): string {
  const lines: string[] = [];
  lines.push(
    'GPES over MESH: end-to-end demo (fake MESH server, GPES simulator, reference extraction service)',
    '',
  );
  lines.push('Messages and steps, in order:');
  result.steps.forEach((step, index) => {
    const arrow =
      step.what === 'evaluate' ? 'GP        ' : step.from === 'GPES' ? 'GPES → GP ' : 'GP → GPES ';
    const workflow = (step.workflowId ?? '').padEnd(27);
    const size = step.bytes === undefined ? ''.padStart(10) : kb(step.bytes).padStart(10);
    lines.push(`${String(index + 1).padStart(3)}  ${arrow} ${workflow}${size}  ${step.summary}`);
  });
  lines.push('', 'Per practice:');
  lines.push('  practice  RTPR   register  aggregate rows  patient rows  QR size     QRA       Stage 2');
  for (const practice of result.practices) {
    const qr = practice.queryResults.at(-1);
    lines.push(
      `  ${practice.practiceId.padEnd(8)}  ${(practice.responseCode ?? '-').padEnd(5)}  ${String(result.registerSizes[practice.practiceId] ?? '-').padStart(8)}  ${String(qr?.aggregates.length ?? '-').padStart(14)}  ${String(qr?.patientRecords ?? '-').padStart(12)}  ${(qr ? kb(qr.bytes) : '-').padEnd(10)}  ${(qr ? (qr.valid ? 'Accepted' : 'Rejected') : '-').padEnd(8)}  ${practice.stage2 ?? '-'}`,
    );
  }
  if (result.report)
    lines.push(
      '',
      `Report CSV: ${result.report.length} row(s), statuses ${[...new Set(result.report.map((r) => r.status))].join(', ')}`,
    );
  lines.push(
    '',
    `Patients evaluated: ${result.patients.toLocaleString('en-GB')}`,
    `Bytes moved: ${kb(result.bytesToGp + result.bytesToGpes)} (GPES → GP ${kb(result.bytesToGp)}, GP → GPES ${kb(result.bytesToGpes)})`,
    `Evaluated in: ${result.evaluatedIn === 'JavaScript' ? 'JavaScript (the evaluator)' : `${result.evaluatedIn} (compiled to SQL)`}`,
    `Time taken: ${(result.elapsedMs / 1000).toFixed(1)} s over ${result.passes} polling pass(es)`,
  );
  for (const alert of result.alerts) lines.push(`ALERT ${alert}`);
  for (const problem of result.problems) lines.push(`GPES problem: ${problem}`);
  lines.push(
    '',
    result.succeeded
      ? `OK: ${result.expectedPractices.length} Query Results message(s) received, valid and acknowledged.`
      : 'FAILED: not every expected Query Results message was received, valid and acknowledged.',
  );
  return lines.join('\n');
}

/**
 * @summary Runs the GPES flow end to end over the fake MESH server and prints what happened.
 * `DEMO_PRACTICES` and `DEMO_PATIENTS` change the default two practices of 10,000 patients;
 * `DEMO_PATIENT_LEVEL=1` runs the example patient-level extract (query D01701) instead of the DM017 register.
 * `DEMO_SQL=1` evaluates inside embedded PostgreSQL (PGlite) through the SQL runner; `DEMO_DATABASE_URL` names a
 * PostgreSQL server to use instead (its `gpes_demo` schema is recreated).
 * @returns true when every expected Query Results message was received, valid and acknowledged.
 * @throws RangeError when `DEMO_DATABASE_URL` is not a `postgres://` or `postgresql://` URL.
 */
export async function main(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<boolean> {
  const url = env.DEMO_DATABASE_URL;
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) {
    throw new RangeError('DEMO_DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const database = url ? (url as `postgres://${string}`) : env.DEMO_SQL === '1' ? 'pglite' : undefined;
  const result = await runDemo({
    practices: Number(env.DEMO_PRACTICES ?? 2),
    patientsPerPractice: Number(env.DEMO_PATIENTS ?? 10_000),
    patientLevel: env.DEMO_PATIENT_LEVEL === '1',
    ...(database ? { database } : {}),
  });
  console.log(formatSummary(result));
  return result.succeeded;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (ok) => {
      process.exitCode = ok ? 0 : 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
