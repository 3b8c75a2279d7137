/**
 * Differential tests: the SQL runner agrees with the JS evaluator (the oracle) on registers, fields, rule outcomes,
 * tallies and patient-level rows, for the DM017 fixture, the every-element fixture and a policy spec using every
 * field kind, under each participation setting and both month-arithmetic settings. Runs on PGlite, and also on a
 * real PostgreSQL server when GPES_TEST_PG_URL is set (`.ci/run` sets it). All data is synthetic.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  type BoundSpec,
  type CompiledSpec,
  compileSpec,
  compileSpecToSql,
  explain,
  explainFromDatabase,
  isSpecError,
  type RunContext,
  readPracticeRecords,
  type SqlConnection,
} from '@gpes/extract-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePopulation } from '../../src/testing/index.js';
import { policyDoc } from '../policy-spec.js';
import { dm017Doc, quietRun } from '../support.js';
import { boundaryPopulation } from './boundary.js';
import { compare, engines, openEngine } from './support.js';

const PRACTICE = 'Z99990';
const CTV3 = '2.16.840.1.113883.2.1.3.2.4.14';

/** Run contexts covering P7 and P19: quiet, sealed data withheld, S-flags excluded, exclusion codes (with dissent). */
const runs: readonly (readonly [string, Partial<RunContext>])[] = [
  ['quiet, clamp', { policies: { monthArithmetic: 'clamp' } }],
  ['quiet, rollForward', { policies: { monthArithmetic: 'rollForward' } }],
  [
    'sealed withheld, S-flags excluded, exclusion codes',
    {
      participation: {
        ncrsDetailedCareRecordSharing: false,
        ncrsPatientSealing: false,
        ncrsPdsSFlagging: true,
        exclusionCodeStrings: [
          {
            codeSchemeId: '2.16.840.1.113883.2.1.3.2.4.15',
            codeValues: [
              { code: '827241000000103', includeChildren: false },
              { code: '3001', includeChildren: false },
            ],
          },
          { codeSchemeId: CTV3, codeValues: [{ code: '1001', includeChildren: false }] },
        ],
      },
    },
  ],
  [
    'dissent-only exclusion codes, sealed data used',
    {
      participation: {
        ncrsDetailedCareRecordSharing: false,
        ncrsPatientSealing: true,
        ncrsPdsSFlagging: false,
        exclusionCodeStrings: [
          {
            codeSchemeId: '2.16.840.1.113883.2.1.3.2.4.15',
            codeValues: [{ code: '827241000000103', includeChildren: false }],
          },
        ],
      },
    },
  ],
];

async function fullSpec(): Promise<CompiledSpec> {
  const xml = await readFile(fileURLToPath(new URL('../../fixtures/full/full.xml', import.meta.url)), 'utf8');
  return compileSpec(xml);
}

function bindFull(spec: CompiledSpec, run: Partial<RunContext>): Promise<BoundSpec> {
  return spec.bind(
    quietRun({
      parameters: { ACHV_DAT: '2022-03-31' },
      substitutionValues: [{ aid: '11111111-2222-3333-4444-555555555555', value: '2022-03-31' }],
      ...run,
    }),
  );
}

/** A spec using every field kind, every tie policy, day/month/year offsets, nested tables and `next`. */
function everyFieldSpec(monthArithmetic: 'clamp' | 'rollForward'): CompiledSpec {
  return compileSpec(
    policyDoc({
      monthArithmetic,
      fields: [
        {
          name: 'A_DAT',
          kind: 'date',
          source: { cluster: 'A_COD' },
          select: 'latest',
          where: '@date <= ACHV_DAT',
        },
        {
          name: 'A_EARLY',
          kind: 'date',
          source: { cluster: 'A_COD' },
          select: 'earliest',
          where: '@value1 > 50 OR @value1 = null',
        },
        { name: 'A_MIN', kind: 'value', recordedOn: 'A_DAT', cluster: 'A_COD', slot: 'value1', tie: 'min' },
        { name: 'A_MAX2', kind: 'value', recordedOn: 'A_DAT', cluster: 'A_COD', slot: 'value2', tie: 'max' },
        {
          name: 'A_REC',
          kind: 'value',
          recordedOn: 'A_DAT',
          cluster: 'A_COD',
          slot: 'value1',
          tie: 'latestRecorded',
          where: '@value1 < 150',
        },
        { name: '{B_DAT}', kind: 'dateArray', cluster: 'B_COD', where: '@date > (ACHV_DAT - 24 months)' },
        {
          name: '[B_V1]',
          kind: 'valueArray',
          recordedOnEach: '{B_DAT}',
          cluster: 'B_COD',
          slot: 'value1',
          tie: 'latestRecorded',
        },
        {
          name: 'B_FIRST',
          kind: 'date',
          source: { fromArray: '{B_DAT}' },
          select: 'earliest',
          where: '[B_V1] >= 58',
        },
        { name: 'REG_EARLY', kind: 'registrationDate', boundary: 'start', select: 'earliest' },
        {
          name: 'DEREG_LATE',
          kind: 'registrationDate',
          boundary: 'end',
          select: 'latest',
          where: '@date >= (ACHV_DAT - 1 day)',
        },
        { name: 'DOD', kind: 'patientAttribute', attribute: 'dateOfDeath' },
        { name: 'DOB', kind: 'patientAttribute', attribute: 'dateOfBirth' },
        { name: 'POST', kind: 'patientAttribute', attribute: 'postcode' },
        { name: 'NHS', kind: 'patientAttribute', attribute: 'nhsNumber' },
        { name: 'SEX', kind: 'patientAttribute', attribute: 'sex' },
        { name: 'AGE_AT_A', kind: 'age', at: 'A_DAT' },
        { name: 'LAST_ANY', kind: 'latestOf', of: ['A_DAT', 'B_FIRST'] },
        { name: 'FIRST_ANY', kind: 'earliestOf', of: ['A_EARLY', 'REG_EARLY'] },
      ],
      populations: [
        {
          name: 'P2',
          kind: 'register',
          appliesTo: 'POP',
          rules: [
            { if: 'A_DAT != null', ifTrue: 'next', ifFalse: 'reject' },
            {
              if: 'A_DAT > (ACHV_DAT - 1 month) OR A_DAT <= (PPED - 1 year) OR AGE_AT_A >= 18 years',
              ifTrue: 'select',
              ifFalse: 'next',
            },
            { if: 'NOT (DOD = null) AND DOD < (ACHV_DAT + 1 day)', ifTrue: 'select', ifFalse: 'reject' },
          ],
        },
        {
          name: 'P3',
          kind: 'cohort',
          appliesTo: 'P2',
          rules: [
            { if: "SEX = '2' OR POST >= 'ZZ99' OR NHS < '9991000005'", ifTrue: 'select', ifFalse: 'reject' },
          ],
        },
      ],
      outputs: [
        {
          type: 'indicator',
          id: 'R1',
          kind: 'register',
          population: 'P2',
          aid: 'R1-AID',
          description: 'register',
        },
        {
          type: 'indicator',
          id: 'PR1',
          kind: 'proportion',
          population: 'POP',
          denominator: {
            aid: 'D-AID',
            rules: [{ if: 'count({B_DAT}) >= 1', ifTrue: 'select', ifFalse: 'reject' }],
          },
          numerator: {
            aid: 'N-AID',
            rules: [
              { if: 'max([B_V1]) < 150 AND min([B_V1]) >= 0', ifTrue: 'select', ifFalse: 'next' },
              { if: 'LAST_ANY >= (FIRST_ANY + 2 years)', ifTrue: 'select', ifFalse: 'reject' },
            ],
          },
        },
        {
          type: 'count',
          name: 'C1',
          kind: 'managementInformation',
          population: 'P3',
          aid: 'C-AID',
          rules: [{ if: 'A_MIN <= 58 OR A_MAX2 > 80 OR A_REC = 57', ifTrue: 'select', ifFalse: 'reject' }],
        },
        { type: 'parameterValue', parameter: 'PPED', aid: 'PV-AID' },
        {
          type: 'patientLevelExtract',
          name: 'PLE',
          population: 'P2',
          patientTable: { qid: 1, columns: ['NHS-NUMBER', 'DATE-OF-BIRTH', 'SEX', 'POSTCODE', 'PRACTICE'] },
          journalsTables: [
            {
              qid: 2,
              columns: [
                'DATE',
                'CODE',
                'VALUE1-CONDITION',
                'VALUE2-CONDITION',
                'VALUE1-PRESCRIPTION',
                'VALUE2-PRESCRIPTION',
                'RECORD-DATE',
                'EPISODE-CONDITION',
                'EPISODE-PRESCRIPTION',
                'LINKS',
              ],
              include: [
                { cluster: 'A_COD', where: '@date <= ACHV_DAT AND (@value1 != null OR @date = A_DAT)' },
                { cluster: 'B_COD' },
                { cluster: 'A_COD', where: '@date > (A_DAT - 3 months)' },
              ],
            },
          ],
        },
        {
          type: 'patientLevelExtract',
          name: 'PLE2',
          population: 'P3',
          journalsTables: [{ qid: 3, columns: ['DATE', 'CODE'], include: [{ cluster: 'T1DISSENT' }] }],
        },
      ],
    }),
  );
}

describe.each(engines)('SQL runner against the evaluator on %s', (engine) => {
  const schema = `gpes_diff_${engine}`;
  let db: SqlConnection;
  beforeAll(async () => {
    db = await openEngine(engine, schema);
  });
  afterAll(async () => {
    await db?.close();
  });

  it.each(runs)('DM017 on a generated population: %s', { timeout: 120_000 }, async (_name, run) => {
    const bound = await compileSpec(await dm017Doc()).bind(
      quietRun({ parameters: { ACHV_DAT: '2022-03-31' }, ...run }),
    );
    const records = [
      ...generatePopulation({
        seed: `sql-dm017-${_name}`,
        size: 2000,
        referenceDate: '2022-03-31',
        practiceOdsCode: PRACTICE,
      }),
    ];
    const c = await compare(db, schema, bound, records, PRACTICE);
    expect(c.differences).toEqual([]);
    expect(Number(c.aggregates.sql[0]?.value)).toBeGreaterThan(50);
  });

  it.each(runs)(
    'the every-element fixture on boundary dates: %s',
    { timeout: 120_000 },
    async (_name, run) => {
      const bound = await bindFull(await fullSpec(), run);
      const c = await compare(
        db,
        schema,
        bound,
        boundaryPopulation(`full-${_name}`, 1500, '2022-03-31', PRACTICE),
        PRACTICE,
      );
      expect(c.differences).toEqual([]);
      expect(c.aggregates.sql.map((a) => a.value)).not.toEqual(c.aggregates.sql.map(() => '0'));
    },
  );

  it.each([
    ['clamp', 'clamp'],
    ['rollForward', 'rollForward'],
  ] as const)('every field kind, tie policy and offset, %s', { timeout: 120_000 }, async (_n, month) => {
    for (const [name, run] of runs.slice(2)) {
      const bound = await everyFieldSpec(month).bind(
        quietRun({ ...run, policies: { monthArithmetic: month } }),
      );
      const records = boundaryPopulation(`every-${month}-${name}`, 1500, '2022-03-31', PRACTICE);
      const c = await compare(db, schema, bound, records, PRACTICE);
      expect(c.differences).toEqual([]);
      expect(c.aggregates.sql.filter((a) => a.value !== '0').length).toBeGreaterThan(3);
    }
  });

  it('explains a patient read from the database exactly as the in-memory record', {
    timeout: 60_000,
  }, async () => {
    const bound = await bindFull(await fullSpec(), {});
    const records = boundaryPopulation('explain', 300, '2022-03-31', PRACTICE);
    await compare(db, schema, bound, records, PRACTICE);
    for (const record of records.slice(0, 300)) {
      const fromDb = await explainFromDatabase(bound, db, PRACTICE, record.patient.patientId, { schema });
      const inMemory = explain(bound, record);
      expect(fromDb?.tables).toEqual(inMemory.tables);
      expect(fromDb?.fields).toEqual(inMemory.fields);
      // The database keeps no input order of journal entries, so diagnostics may come in another order.
      const { diagnostics: a, ...resultFromDb } = fromDb?.result ?? { diagnostics: [] };
      const { diagnostics: b, ...resultInMemory } = inMemory.result;
      expect(resultFromDb).toEqual(resultInMemory);
      const key = (d: { code: string; entryId?: string }) => `${d.code}:${d.entryId ?? ''}`;
      expect(a.map(key).sort()).toEqual(b.map(key).sort());
    }
    expect(await explainFromDatabase(bound, db, PRACTICE, 'NOBODY', { schema })).toBeUndefined();
  });

  it('reads a whole practice back as records the evaluator scores exactly as the originals', {
    timeout: 60_000,
  }, async () => {
    const bound = await bindFull(await fullSpec(), {});
    const records = boundaryPopulation('read-practice', 300, '2022-03-31', PRACTICE);
    await compare(db, schema, bound, records, PRACTICE);
    const strip = ({ diagnostics: _d, ...rest }: ReturnType<typeof bound.evaluate>) => rest;
    const firstOf = new Map<string, (typeof records)[number]>();
    for (const r of records) if (!firstOf.has(r.patient.patientId)) firstOf.set(r.patient.patientId, r);
    const read: string[] = [];
    for await (const fromDb of readPracticeRecords(db, PRACTICE, { schema })) {
      const original = firstOf.get(fromDb.patient.patientId);
      expect(original).toBeDefined();
      expect(strip(bound.evaluate(fromDb))).toEqual(
        strip(bound.evaluate(original as (typeof records)[number])),
      );
      read.push(fromDb.patient.patientId);
    }
    expect(read).toEqual([...firstOf.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
  });
});

describe('compileSpecToSql', () => {
  it('refuses a care-record-sharing hook with a SpecError naming it', async () => {
    const spec = compileSpec(await dm017Doc());
    const bound = await spec.bind(
      quietRun({
        participation: {
          ncrsDetailedCareRecordSharing: true,
          ncrsPatientSealing: true,
          ncrsPdsSFlagging: false,
          exclusionCodeStrings: [],
        },
        detailedCareRecordSharing: () => 'include',
      }),
    );
    let error: unknown;
    try {
      compileSpecToSql(bound);
    } catch (e) {
      error = e;
    }
    expect(isSpecError(error)).toBe(true);
    expect((error as { issues: { code: string; path: string }[] }).issues[0]).toMatchObject({
      code: 'NOT_COMPILABLE_TO_SQL',
      path: '/RunContext/detailedCareRecordSharing',
    });
  });

  it('passes code lists, texts, numbers and dates as bind parameters, never as SQL text', async () => {
    const evil = "1'); DROP TABLE gpes.patient; --";
    const doc = policyDoc({
      fields: [
        {
          name: 'X_DAT',
          kind: 'date',
          source: { cluster: 'A_COD' },
          select: 'latest',
          where: '@value1 > 123.456',
        },
        { name: 'SEX', kind: 'patientAttribute', attribute: 'sex' },
      ],
      rules: [{ if: `SEX = 'zz*/evil' AND X_DAT > 19/01/2011`, ifTrue: 'select', ifFalse: 'reject' }],
    });
    const withEvil = {
      ...doc,
      clusters: doc.clusters.map((c) => (c.name === 'A_COD' ? { ...c, members: [{ code: evil }] } : c)),
    };
    const program = compileSpecToSql(await compileSpec(withEvil).bind(quietRun()));
    const sql = program.toSql();
    for (const s of [evil, 'zz*/evil', '123.456', '2011-01-19', '2022-03-31', '827241000000103']) {
      expect(sql).not.toContain(s);
    }
    expect(program.patients.values.some((v) => Array.isArray(v) && v.includes(evil))).toBe(true);
    expect(program.patients.values).toContain('zz*/evil');
    expect(sql).toContain('-- population 1: POP');
  });
});
