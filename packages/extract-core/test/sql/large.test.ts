/**
 * The SQL runner agrees with the evaluator on 100,000 generated DM017 patients (realistic data quality: undated,
 * future-dated, sealed and CTV3 entries, overlapping registrations, dissent codes). PGlite always; a real server
 * too when GPES_TEST_PG_URL is set. All data is synthetic.
 */
import { compileSpec } from '@gpes/extract-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePopulation } from '../../src/testing/index.js';
import { dm017Doc, quietRun } from '../support.js';
import { compare, engines, openEngine } from './support.js';

const SIZE = 100_000;
const PRACTICE = 'Z99990';

describe.each(engines)('100,000 patients on %s', (engine) => {
  const schema = `gpes_large_${engine}`;
  let db: Awaited<ReturnType<typeof openEngine>>;
  beforeAll(async () => {
    db = await openEngine(engine, schema);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('DM017: registers, fields, outcomes and tallies agree for every patient', {
    timeout: 600_000,
  }, async () => {
    const bound = await compileSpec(await dm017Doc()).bind(
      quietRun({
        parameters: { ACHV_DAT: '2022-03-31' },
        participation: {
          ncrsDetailedCareRecordSharing: false,
          ncrsPatientSealing: false,
          ncrsPdsSFlagging: true,
          exclusionCodeStrings: [
            {
              codeSchemeId: '2.16.840.1.113883.2.1.3.2.4.15',
              codeValues: [{ code: '827241000000103', includeChildren: false }],
            },
          ],
        },
      }),
    );
    const population = generatePopulation({
      seed: 'sql-large',
      size: SIZE,
      referenceDate: '2022-03-31',
      practiceOdsCode: PRACTICE,
      entriesPerPatient: 12,
    });
    const c = await compare(db, schema, bound, population, PRACTICE);
    expect(c.patients).toBe(SIZE);
    expect(c.differences).toEqual([]);
    expect(Number(c.aggregates.sql[0]?.value)).toBeGreaterThan(3000);
  });
});
