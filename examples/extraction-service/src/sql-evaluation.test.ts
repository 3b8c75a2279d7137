/**
 * The service configured to evaluate inside a database (issue #11): the practices' records sit in
 * @gpes/extract-core's input model on embedded PGlite, and the whole flow gives GPES the same results as the
 * JavaScript evaluator over the same records: aggregates (DM017) and patient-level records (a journal extract).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inputModelDdl, loadPatientRecords, openPglite, type SqlConnection } from '@gpes/extract-core';
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticRecordSource } from './adapters/synthetic-records.js';
import {
  DM017_SQI,
  Harness,
  JOURNAL_QUERY_ID,
  JOURNAL_SQI,
  REFERENCE_DATE,
  writeJournalSpec,
} from './test-support/harness.js';

const practices = { A81001: 400, A81002: 250 };
let harness: Harness | undefined;
let db: SqlConnection | undefined;
const directories: string[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await db?.close();
  db = undefined;
  for (const d of directories.splice(0)) await rm(d, { recursive: true, force: true });
});

/** What GPES received per practice: the aggregates and the number of patient-level records. */
async function resultsOf(options: { sqi: string; specs?: Record<string, string>; database?: SqlConnection }) {
  harness = await Harness.start({
    practices,
    sqi: options.sqi,
    ...(options.specs ? { specs: options.specs } : {}),
    ...(options.database ? { service: { database: { connection: options.database } } } : {}),
  });
  await harness.simulator.start();
  await harness.runToCompletion(30);
  const results = harness.simulator.practices.map((p) => {
    const qr = p.queryResults[0];
    return {
      practiceId: p.practiceId,
      valid: qr?.valid,
      aggregates: qr?.aggregates,
      patientRecords: qr?.patientRecords,
    };
  });
  await harness.close();
  harness = undefined;
  return results;
}

async function databaseOfSyntheticPractices(): Promise<SqlConnection> {
  const connection = await openPglite();
  await connection.exec(inputModelDdl());
  const source = syntheticRecordSource({ practices, referenceDate: REFERENCE_DATE });
  for (const practiceId of Object.keys(practices))
    await loadPatientRecords(connection, source.patients(practiceId));
  return connection;
}

describe('the extraction service evaluating through the SQL runner', () => {
  it('sends the DM017 aggregates the JavaScript evaluator sends', { timeout: 120_000 }, async () => {
    const expected = await resultsOf({ sqi: DM017_SQI });
    db = await databaseOfSyntheticPractices();
    const actual = await resultsOf({ sqi: DM017_SQI, database: db });
    expect(actual).toEqual(expected);
    expect(actual.every((r) => r.valid)).toBe(true);
    expect(Number(actual[0]?.aggregates?.[0]?.value)).toBeGreaterThan(0);
  });

  it('sends the same patient-level records for a journal extract', { timeout: 120_000 }, async () => {
    const directory = await mkdtemp(join(tmpdir(), 'gpes-spec-'));
    directories.push(directory);
    const spec = await writeJournalSpec(directory, { id: 'A81001', patients: 400 });
    const specs = { [JOURNAL_QUERY_ID]: spec };
    const expected = await resultsOf({ sqi: JOURNAL_SQI, specs });
    db = await databaseOfSyntheticPractices();
    const actual = await resultsOf({ sqi: JOURNAL_SQI, specs, database: db });
    expect(actual).toEqual(expected);
    expect(actual[0]?.patientRecords).toBeGreaterThan(0);
  });
});
