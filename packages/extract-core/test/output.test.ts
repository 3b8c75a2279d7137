// Outputs (§5): aggregate records, patient-level records, Query Results records, explanations.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  type BoundSpec,
  compileSpec,
  createTally,
  evaluatePopulation,
  explain,
  type PatientRecord,
  queryResultsRecords,
  renderExplanation,
  toQrAggregateRecords,
  toQrPatientLevelRecord,
} from '@gpes/extract-core';
import {
  decodeQueryResults,
  encodeQueryResultsToString,
  type QrRecord,
  type QueryResultsHeader,
} from '@gpes/messages';
import { describe, expect, it } from 'vitest';
import { DM, dm017, entry, gms, patient, quietRun } from './support.js';

async function full(): Promise<BoundSpec> {
  const xml = await readFile(fileURLToPath(new URL('../fixtures/full/full.xml', import.meta.url)), 'utf8');
  const spec = compileSpec(xml);
  return spec.bind(
    quietRun({ substitutionValues: [{ aid: '11111111-2222-3333-4444-555555555555', value: '2022-03-31' }] }),
  );
}

const woman = (journal: PatientRecord['journal'], id = 'F1'): PatientRecord => ({
  patient: {
    patientId: id,
    practiceId: 'A99999',
    nhsNumber: '9990000018',
    dateOfBirth: '1970-05-06',
    sex: '2',
    postcode: 'ZZ99 3AZ',
  },
  registrations: [gms('2000-01-01')],
  journal,
});

describe('patient-level records (§5.3)', () => {
  it('returns Patient-Table and Journals-Table rows, ordered by date, recordedAt and entry id, each entry once', async () => {
    const bound = await full();
    const r = bound.evaluate(
      woman([
        entry('2001', '2021-06-01', {
          entryId: '20',
          value1: 130.123456,
          value2: 80,
          recordedAt: '2021-06-01T10:00:00',
        }),
        entry('1001', '2021-06-01', { entryId: '3', value1: 7.25, recordedAt: '2021-06-01T09:00:00' }),
        entry('1002', '2019-01-01', { entryId: '4', kind: 'prescription', value1: 2 }),
        entry('2001', '2019-01-01', { entryId: '5', value1: 120 }), // outside the 2-year window of BP_COD
        entry('1001', '2023-01-01', { entryId: '6' }), // after ACHV_DAT
        entry('1001', undefined, { entryId: '7' }), // undated: never returned
        entry('1001', '2021-06-01', { entryId: '10', recordedAt: '2021-06-01T10:00:00' }),
      ]),
    );
    expect(r.patientLevel?.patientTables).toEqual([
      {
        qid: 1,
        lid: 1,
        columns: {
          'NHS-NUMBER': '9990000018',
          'DATE-OF-BIRTH': '1970-05-06',
          SEX: '2',
          POSTCODE: 'ZZ99 3AZ',
          PRACTICE: 'A99999',
        },
      },
    ]);
    const rows = r.patientLevel?.journalsTables ?? [];
    expect(rows.map((row) => [row.qid, row.lid, row.columns.DATE, row.columns.CODE])).toEqual([
      [2, 1, '2019-01-01', '1002'],
      [2, 2, '2021-06-01', '1001'],
      [2, 3, '2021-06-01', '1001'],
      [2, 4, '2021-06-01', '2001'],
    ]);
    expect(rows[0]?.columns).toEqual({
      DATE: '2019-01-01',
      CODE: '1002',
      'VALUE1-CONDITION': '',
      'VALUE2-CONDITION': '',
      'VALUE1-PRESCRIPTION': '2',
      'VALUE2-PRESCRIPTION': '',
    });
    expect(rows[3]?.columns['VALUE1-CONDITION']).toBe('130.1235');
    expect(rows[3]?.columns['VALUE2-CONDITION']).toBe('80');
  });

  it('writes an unencodable value as empty with VALUE_NOT_ENCODABLE, and omits patients outside the extract', async () => {
    const bound = await full();
    const r = bound.evaluate(woman([entry('1001', '2021-01-01', { value1: 1e12 })]));
    expect(r.patientLevel?.journalsTables[0]?.columns['VALUE1-CONDITION']).toBe('');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['VALUE_NOT_ENCODABLE']);
    const man = bound.evaluate({ ...woman([]), patient: { ...woman([]).patient, sex: '1' } });
    expect(man.patientLevel).toBeUndefined();
    expect(toQrPatientLevelRecord(man)).toBeUndefined();
    expect(toQrPatientLevelRecord(r)?.kind).toBe('patient-level');
  });
});

describe('aggregates and Query Results records (§5.2)', () => {
  it('streams every Aggregate-Record first, then Patient-Level-Records in input order', async () => {
    const bound = await full();
    const records = [
      woman(
        [
          entry('1001', '2021-06-01', { value1: 50 }),
          entry('2001', '2021-01-01', { value1: 140, value2: 90 }),
          entry('2001', '2021-02-01', { value1: 130, value2: 85 }),
        ],
        'F1',
      ),
      {
        ...woman([entry('1001', '2021-06-01', { value1: 70 })], 'M1'),
        patient: { ...woman([]).patient, patientId: 'M1', sex: '1' as const },
      },
      woman([], 'F2'),
    ];
    const out = [];
    for await (const r of queryResultsRecords(bound, () => records)) out.push(r);
    expect(
      out.map((r) =>
        r.kind === 'aggregate'
          ? `${r.aid.slice(-1)}=${r.value}`
          : `PLR ${r.patientTables[0]?.columns['NHS-NUMBER']}`,
      ),
    ).toEqual(['1=2', '2=2', '3=1', '4=1', '5=2022-03-31', 'PLR 9990000018', 'PLR 9990000018']);
    const tally = createTally(bound);
    for await (const r of evaluatePopulation(bound, records)) tally.add(r);
    expect(toQrAggregateRecords(tally.aggregates())[4]).toEqual({
      kind: 'aggregate',
      aid: 'AAAAAAAA-0000-0000-0000-000000000005',
      description: 'Payment period end',
      value: '2022-03-31',
    });
  });

  it('produces records that @gpes/messages encodes and decodes unchanged', async () => {
    const bound = await full();
    const records: QrRecord[] = [];
    const source = [
      woman([
        entry('1001', '2021-06-01', { value1: 50.25 }),
        entry('2001', '2021-01-01', { value1: 140, value2: 90 }),
      ]),
    ];
    for await (const r of queryResultsRecords(bound, () => source)) records.push(r);
    const header: QueryResultsHeader = {
      gpesIVersion: '6.0',
      qrMessageVersion: '0.2',
      qrUuid: '0F3C2B1A-1111-4222-8333-944455556666',
      scheduledQueryInstanceId: 'A00151-202203310000-R',
      rtpUuid: '1A2B3C4D-0000-4000-8000-000000000001',
      practiceId: 'A99999',
      gpetQSqiAuthenticationSignature: '2B3C4D5E-0000-4000-8000-000000000002',
      issueDateTime: '2022-04-01T10:00:00',
      manifest: {
        gpetEExecutableVersion: '1.0',
        gpSystemIdentifier: '001.001.483.000',
        terminologyIdentifiers: [
          {
            codeSchemeId: '2.16.840.1.113883.2.1.3.2.4.15',
            terminologyName: 'SNOMED-CT',
            terminologyRelease: '',
          },
        ],
        rtpTranslationStatistics: {
          startDateTime: '2022-04-01T10:00:00',
          endDateTime: '2022-04-01T10:00:00',
        },
        queryExecutionStatistics: {
          startDateTime: '2022-04-01T10:00:00',
          endDateTime: '2022-04-01T10:00:01',
        },
      },
    };
    const xml = encodeQueryResultsToString(header, records);
    const decoded = decodeQueryResults(xml);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value.records.map(({ rid: _rid, ...r }) => r)).toEqual(records);
  });

  it('stops with the abort reason when the signal aborts', async () => {
    const bound = await full();
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    const it = evaluatePopulation(bound, [woman([])], { signal: controller.signal })[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toBe(reason);
  });
});

describe('explanations (C10 GP Extracts Verification)', () => {
  it('explains which rule selected or rejected a patient and the values it read', async () => {
    const bound = await dm017();
    const rec = patient([entry(DM, '2015-01-01')], { dateOfBirth: '2010-06-01' });
    const e = explain(bound, rec);
    expect(e.result).toEqual(bound.evaluate(rec));
    expect(e.tables.map((t) => [t.table, t.entered, t.outcome])).toEqual([
      [{ kind: 'population', name: 'GMS_REG' }, true, { selected: true, rule: 1, branch: 'ifTrue' }],
      [{ kind: 'population', name: 'DM_REG' }, true, { selected: false, rule: 2, branch: 'ifTrue' }],
    ]);
    expect(e.tables[1]?.steps).toEqual([
      {
        rule: 1,
        condition: 'DMLAT_DAT != null AND DMRES_DAT = null',
        value: true,
        branch: 'ifTrue',
        action: 'next',
        inputs: { DMLAT_DAT: '2015-01-01', DMRES_DAT: null },
      },
      {
        rule: 2,
        condition: 'PAT_AGE < 17 years',
        value: true,
        branch: 'ifTrue',
        action: 'reject',
        inputs: { PAT_AGE: 11 },
      },
    ]);
  });

  it('renders without patient values by default and with them on request', async () => {
    const bound = await dm017();
    const e = explain(bound, patient([entry(DM, '2015-01-01')], { id: 'PAT-42', registrations: [] }));
    const quiet = renderExplanation(e);
    expect(quiet).toBe(
      [
        'Patient [hidden]',
        '  Population GMS_REG: REJECTED by rule 1',
        '    rule 1: (REG_DAT != null AND DEREG_DAT = null) OR (REG_DAT != null AND DEREG_DAT > ACHV_DAT) -> false -> reject (REG_DAT=[hidden], DEREG_DAT=[hidden], ACHV_DAT=[hidden])',
        '  Population DM_REG: not entered (not selected into GMS_REG)',
      ].join('\n'),
    );
    expect(quiet).not.toMatch(/PAT-42|2015/);
    const loud = renderExplanation(e, { includeValues: true });
    expect(loud).toContain('Patient PAT-42');
    expect(loud).toContain('REG_DAT=null');
    expect(loud).toContain('ACHV_DAT=2022-03-31');
  });

  it('explains indicator tables and exclusions', async () => {
    const bound = await full();
    const e = explain(bound, woman([entry('1001', '2021-06-01', { value1: 70 })]));
    const num = e.tables.find((t) => t.table.kind === 'numerator');
    expect(num?.steps[0]?.value).toBe(false);
    expect(num?.steps[0]?.inputs).toEqual({ A_VAL: 70, LIMIT: 58, A_DAT: '2021-06-01', PPED: '2022-03-31' });
    const count = e.tables.find((t) => t.table.kind === 'count');
    expect(count?.outcome?.selected).toBe(false);
    const excluded = explain(bound, woman([entry('827241000000103', '2020-01-01')]));
    expect(excluded.excluded).toBe('TYPE1_OPT_OUT');
    expect(renderExplanation(excluded)).toBe('Patient [hidden]\n  excluded from every output: TYPE1_OPT_OUT');
  });
});
