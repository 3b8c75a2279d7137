// DM017 (QOF v46 DM_REG) and the GMS registration rule, rule by rule and boundary by boundary (business-rules §2).
import { createTally, evaluatePopulation } from '@gpes/extract-core';
import { describe, expect, it } from 'vitest';
import { DM, DMRES, dm017, entry, gms, patient } from './support.js';

const ACHV = '2022-03-31';

describe('GMS registration status (GMS_REG)', () => {
  it('selects a patient with an open GMS registration (REG_DAT set, DEREG_DAT null)', async () => {
    const r = (await dm017()).evaluate(patient([], { registrations: [gms('2000-01-01')] }));
    expect(r.fields.REG_DAT).toBe('2000-01-01');
    expect(r.fields.DEREG_DAT).toBeNull();
    expect(r.populations.GMS_REG).toEqual({ selected: true, rule: 1, branch: 'ifTrue' });
  });

  it('rejects a patient never registered for GMS (REG_DAT null)', async () => {
    const r = (await dm017()).evaluate(patient([], { registrations: [] }));
    expect(r.fields.REG_DAT).toBeNull();
    expect(r.populations.GMS_REG).toEqual({ selected: false, rule: 1, branch: 'ifFalse' });
    expect(r.populations.DM_REG).toBeUndefined();
  });

  it('counts a registration starting on the achievement date (<= is inclusive) but not the day after', async () => {
    const bound = await dm017();
    expect(bound.evaluate(patient([], { registrations: [gms(ACHV)] })).populations.GMS_REG?.selected).toBe(
      true,
    );
    const late = bound.evaluate(patient([], { registrations: [gms('2022-04-01')] }));
    expect(late.fields.REG_DAT).toBeNull();
    expect(late.populations.GMS_REG?.selected).toBe(false);
  });

  it('selects a patient deregistered after the achievement date and rejects one deregistered on or before it', async () => {
    const bound = await dm017();
    const after = bound.evaluate(patient([], { registrations: [gms('2000-01-01', '2022-04-01')] }));
    expect(after.fields.DEREG_DAT).toBe('2022-04-01');
    expect(after.populations.GMS_REG?.selected).toBe(true);
    const on = bound.evaluate(patient([], { registrations: [gms('2000-01-01', ACHV)] }));
    expect(on.populations.GMS_REG).toEqual({ selected: false, rule: 1, branch: 'ifFalse' });
    const before = bound.evaluate(patient([], { registrations: [gms('2000-01-01', '2021-06-30')] }));
    expect(before.populations.GMS_REG?.selected).toBe(false);
  });

  it('uses the latest registration on re-registration: DEREG_DAT only counts after the latest REG_DAT', async () => {
    const bound = await dm017();
    const rereg = bound.evaluate(
      patient([], { registrations: [gms('2010-01-01', '2015-01-01'), gms('2018-05-01')] }),
    );
    expect(rereg.fields.REG_DAT).toBe('2018-05-01');
    expect(rereg.fields.DEREG_DAT).toBeNull();
    expect(rereg.populations.GMS_REG?.selected).toBe(true);
    // Re-registered after the achievement date: the earlier, closed registration is the latest on ACHV_DAT.
    const future = bound.evaluate(
      patient([], { registrations: [gms('2010-01-01', '2015-01-01'), gms('2022-05-01')] }),
    );
    expect(future.fields.REG_DAT).toBe('2010-01-01');
    expect(future.fields.DEREG_DAT).toBe('2015-01-01');
    expect(future.populations.GMS_REG?.selected).toBe(false);
  });

  it('treats a re-registration on the day of deregistration as continuous, without an overlap', async () => {
    const r = (await dm017()).evaluate(
      patient([], { registrations: [gms('2000-01-01', '2015-01-01'), gms('2015-01-01')] }),
    );
    expect(r.fields.REG_DAT).toBe('2015-01-01');
    expect(r.fields.DEREG_DAT).toBeNull();
    expect(r.populations.GMS_REG?.selected).toBe(true);
    expect(r.diagnostics).toEqual([]);
  });

  it('ignores registrations that are not GMS (P17)', async () => {
    const r = (await dm017()).evaluate(
      patient([], {
        registrations: [
          { type: 'TEMPORARY', startDate: '2020-01-01' },
          { type: 'PRIVATE', startDate: '2019-01-01' },
        ],
      }),
    );
    expect(r.fields.REG_DAT).toBeNull();
    expect(r.populations.GMS_REG?.selected).toBe(false);
  });

  it('does not use the date of death (P18)', async () => {
    const r = (await dm017()).evaluate(
      patient([entry(DM, '2015-01-01')], { extra: { dateOfDeath: '2021-01-01' } }),
    );
    expect(r.populations.GMS_REG?.selected).toBe(true);
    expect(r.populations.DM_REG?.selected).toBe(true);
  });
});

describe('DM_REG rule 1: an unresolved diabetes diagnosis', () => {
  it('rejects a patient without a diabetes code', async () => {
    const r = (await dm017()).evaluate(patient([entry('22298006', '2015-01-01')]));
    expect(r.fields.DMLAT_DAT).toBeNull();
    expect(r.populations.DM_REG).toEqual({ selected: false, rule: 1, branch: 'ifFalse' });
  });

  it('counts a diagnosis on the achievement date and ignores one the day after (future-dated)', async () => {
    const bound = await dm017();
    const on = bound.evaluate(patient([entry(DM, ACHV)]));
    expect(on.fields.DMLAT_DAT).toBe(ACHV);
    expect(on.populations.DM_REG).toEqual({ selected: true, rule: 2, branch: 'ifFalse' });
    const future = bound.evaluate(patient([entry(DM, '2022-04-01')]));
    expect(future.fields.DMLAT_DAT).toBeNull();
    expect(future.populations.DM_REG?.selected).toBe(false);
  });

  it('takes the latest diagnosis on or before the achievement date', async () => {
    const r = (await dm017()).evaluate(
      patient([
        entry(DM, '2005-01-01'),
        entry(DM, '2019-07-01'),
        entry(DM, '2023-01-01'),
        entry(DM, '2010-01-01'),
      ]),
    );
    expect(r.fields.DMLAT_DAT).toBe('2019-07-01');
  });

  it('rejects when a resolved code follows the latest diagnosis', async () => {
    const r = (await dm017()).evaluate(patient([entry(DM, '2015-01-01'), entry(DMRES, '2016-01-01')]));
    expect(r.fields.DMRES_DAT).toBe('2016-01-01');
    expect(r.populations.DM_REG).toEqual({ selected: false, rule: 1, branch: 'ifFalse' });
  });

  it('keeps a patient whose resolved code is on the same day as the latest diagnosis (> is strict)', async () => {
    const r = (await dm017()).evaluate(patient([entry(DM, '2016-01-01'), entry(DMRES, '2016-01-01')]));
    expect(r.fields.DMRES_DAT).toBeNull();
    expect(r.populations.DM_REG?.selected).toBe(true);
  });

  it('keeps a patient re-diagnosed after a resolved code', async () => {
    const r = (await dm017()).evaluate(
      patient([entry(DM, '2010-01-01'), entry(DMRES, '2012-01-01'), entry(DM, '2018-01-01')]),
    );
    expect(r.fields.DMLAT_DAT).toBe('2018-01-01');
    expect(r.fields.DMRES_DAT).toBeNull();
    expect(r.populations.DM_REG?.selected).toBe(true);
  });

  it('ignores a resolved code after the achievement date', async () => {
    const r = (await dm017()).evaluate(patient([entry(DM, '2015-01-01'), entry(DMRES, '2022-04-01')]));
    expect(r.fields.DMRES_DAT).toBeNull();
    expect(r.populations.DM_REG?.selected).toBe(true);
  });

  it('ignores undated and non-SNOMED entries with diagnostics (P9, P16)', async () => {
    const undated = entry(DM, undefined);
    const local = entry(DM, '2015-01-01', { codeSystem: '2.16.840.1.113883.2.1.3.2.4.14' });
    const r = (await dm017()).evaluate(patient([undated, local]));
    expect(r.fields.DMLAT_DAT).toBeNull();
    expect(r.populations.DM_REG?.selected).toBe(false);
    expect(r.diagnostics.map((d) => [d.code, d.entryId])).toEqual([
      ['UNDATED_ENTRY_IGNORED', undated.entryId],
      ['NON_SNOMED_ENTRY_IGNORED', local.entryId],
    ]);
  });
});

describe('DM_REG rule 2: aged 17 or over at the achievement date', () => {
  it('selects on the 17th birthday and rejects the day before', async () => {
    const bound = await dm017();
    const on = bound.evaluate(patient([entry(DM, '2020-01-01')], { dateOfBirth: '2005-03-31' }));
    expect(on.fields.PAT_AGE).toBe(17);
    expect(on.populations.DM_REG).toEqual({ selected: true, rule: 2, branch: 'ifFalse' });
    const before = bound.evaluate(patient([entry(DM, '2020-01-01')], { dateOfBirth: '2005-04-01' }));
    expect(before.fields.PAT_AGE).toBe(16);
    expect(before.populations.DM_REG).toEqual({ selected: false, rule: 2, branch: 'ifTrue' });
  });

  it('reaches a 29 February birthday on 1 March in a non-leap year (P13)', async () => {
    const leapling = patient([entry(DM, '2020-01-01')], { dateOfBirth: '2008-02-29' });
    // 2025 is not a leap year: the 17th birthday is 1 March 2025.
    const feb28 = (await dm017('2025-02-28')).evaluate(leapling);
    expect(feb28.fields.PAT_AGE).toBe(16);
    expect(feb28.populations.DM_REG?.selected).toBe(false);
    const mar1 = (await dm017('2025-03-01')).evaluate(leapling);
    expect(mar1.fields.PAT_AGE).toBe(17);
    expect(mar1.populations.DM_REG?.selected).toBe(true);
    // In a leap year the birthday is 29 February itself.
    const leapYear = patient([entry(DM, '2020-01-01')], { dateOfBirth: '2007-02-28' });
    expect((await dm017('2024-02-28')).evaluate(leapYear).fields.PAT_AGE).toBe(17);
    expect(
      (await dm017('2024-02-29')).evaluate(patient([], { dateOfBirth: '2004-02-29' })).fields.PAT_AGE,
    ).toBe(20);
    expect(
      (await dm017('2024-02-28')).evaluate(patient([], { dateOfBirth: '2004-02-29' })).fields.PAT_AGE,
    ).toBe(19);
  });

  it('treats a missing date of birth as a null age, which is not < 17 (P4, P13)', async () => {
    const r = (await dm017()).evaluate(patient([entry(DM, '2020-01-01')], { dateOfBirth: null }));
    expect(r.fields.PAT_AGE).toBeNull();
    expect(r.populations.DM_REG).toEqual({ selected: true, rule: 2, branch: 'ifFalse' });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['MISSING_DATE_OF_BIRTH']);
  });

  it('reports a date of birth after the achievement date as NEGATIVE_AGE', async () => {
    const r = (await dm017()).evaluate(patient([entry(DM, '2020-01-01')], { dateOfBirth: '2023-01-01' }));
    expect(r.fields.PAT_AGE).toBe(-1);
    expect(r.populations.DM_REG?.selected).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['NEGATIVE_AGE']);
  });
});

describe('DM017 indicator', () => {
  it('counts the register over a practice', async () => {
    const bound = await dm017();
    const records = [
      patient([entry(DM, '2015-01-01')], { id: 'a' }),
      patient([entry(DM, '2015-01-01')], { id: 'b', dateOfBirth: '2010-01-01' }),
      patient([entry(DM, '2015-01-01'), entry(DMRES, '2016-01-01')], { id: 'c' }),
      patient([entry(DM, '2015-01-01')], { id: 'd', registrations: [] }),
      patient([entry(DM, '2019-01-01')], { id: 'e' }),
    ];
    const tally = createTally(bound);
    for await (const r of evaluatePopulation(bound, records)) tally.add(r);
    expect(tally.aggregates()).toEqual([
      {
        aid: '00000000-0000-0000-0000-000000000000',
        description: 'DM017: register of patients aged 17 or over with diabetes mellitus',
        value: '2',
        source: { output: 'DM017' },
      },
    ]);
  });
});
