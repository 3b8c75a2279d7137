// Policies P1-P22 (business-rules §4): both sides of every boundary, both settings of every configurable policy.
import {
  CODE_SYSTEMS,
  createTally,
  evaluatePopulation,
  type JournalEntry,
  type PatientResult,
} from '@gpes/extract-core';
import { describe, expect, it } from 'vitest';
import { A, A2, B, policySpec } from './policy-spec.js';
import { entry, patient } from './support.js';

const latestA = (where?: string) => ({
  name: 'A_DAT',
  kind: 'date' as const,
  source: { cluster: 'A_COD' },
  select: 'latest' as const,
  ...(where ? { where } : {}),
});
const latestB = (where?: string) => ({
  name: 'B_DAT',
  kind: 'date' as const,
  source: { cluster: 'B_COD' },
  select: 'latest' as const,
  ...(where ? { where } : {}),
});
const selected = (r: PatientResult) => r.populations.POP?.selected;

describe('P1 rule tables are chains', () => {
  it('passes patients down on next, stops at the first select or reject, and records the deciding rule', async () => {
    const bound = await policySpec({
      fields: [latestA(), latestB()],
      rules: [
        { if: 'A_DAT = null', ifTrue: 'reject', ifFalse: 'next' },
        { if: 'B_DAT != null', ifTrue: 'next', ifFalse: 'next' },
        { if: 'A_DAT > 2020-01-01', ifTrue: 'select', ifFalse: 'reject' },
      ],
    });
    expect(bound.evaluate(patient([])).populations.POP).toEqual({
      selected: false,
      rule: 1,
      branch: 'ifTrue',
    });
    expect(bound.evaluate(patient([entry(A, '2021-01-01')])).populations.POP).toEqual({
      selected: true,
      rule: 3,
      branch: 'ifTrue',
    });
    expect(bound.evaluate(patient([entry(A, '2019-01-01'), entry(B, '2019-01-01')])).populations.POP).toEqual(
      {
        selected: false,
        rule: 3,
        branch: 'ifFalse',
      },
    );
  });
});

describe('P2 scope of populations, indicators and counts', () => {
  const parts = {
    fields: [latestA(), latestB()],
    populations: [
      {
        name: 'CHILD',
        kind: 'register' as const,
        appliesTo: 'POP',
        rules: [{ if: 'A_DAT != null', ifTrue: 'select' as const, ifFalse: 'reject' as const }],
      },
    ],
    rules: [{ if: 'PAT_AGE >= 18', ifTrue: 'select' as const, ifFalse: 'reject' as const }],
    outputs: [
      {
        type: 'indicator' as const,
        id: 'IND1',
        population: 'CHILD',
        kind: 'proportion' as const,
        denominator: {
          aid: 'AID-D',
          rules: [{ if: 'A_DAT > 2015-01-01', ifTrue: 'select' as const, ifFalse: 'reject' as const }],
        },
        numerator: {
          aid: 'AID-N',
          rules: [{ if: 'B_DAT != null', ifTrue: 'select' as const, ifFalse: 'reject' as const }],
        },
      },
      {
        type: 'count' as const,
        name: 'ALL_CHILD',
        kind: 'managementInformation' as const,
        population: 'CHILD',
        aid: 'AID-C',
        rules: [],
      },
      {
        type: 'count' as const,
        name: 'CHILD_B',
        kind: 'payment' as const,
        population: 'CHILD',
        aid: 'AID-CB',
        rules: [{ if: 'B_DAT != null', ifTrue: 'select' as const, ifFalse: 'reject' as const }],
      },
      {
        type: 'parameterValue' as const,
        parameter: 'ACHV_DAT',
        aid: 'AID-P',
        description: 'Achievement date',
      },
    ],
  };

  it('evaluates a population only over its parent, the numerator only over the denominator', async () => {
    const bound = await policySpec(parts);
    const minor = bound.evaluate(
      patient([entry(A, '2020-01-01'), entry(B, '2020-01-01')], { dateOfBirth: '2010-01-01' }),
    );
    expect(minor.populations.POP?.selected).toBe(false);
    expect(minor.populations.CHILD).toBeUndefined();
    expect(minor.indicators).toEqual({});
    expect(minor.counts).toEqual({});
    // Numerator condition true, but the denominator rejects: the numerator is never entered.
    const early = bound.evaluate(patient([entry(A, '2010-01-01'), entry(B, '2020-01-01')]));
    expect(early.indicators.IND1).toEqual({ denominator: { selected: false, rule: 1, branch: 'ifFalse' } });
    const both = bound.evaluate(patient([entry(A, '2020-01-01'), entry(B, '2020-01-01')]));
    expect(both.indicators.IND1?.numerator?.selected).toBe(true);
    expect(both.counts.ALL_CHILD).toEqual({ selected: true, rule: 0, branch: 'ifTrue' });
  });

  it('tallies every declared aggregate output, including zero counts, in spec order', async () => {
    const bound = await policySpec(parts);
    const tally = createTally(bound);
    const records = [
      patient([entry(A, '2020-01-01'), entry(B, '2020-01-01')], { id: '1' }),
      patient([entry(A, '2020-01-01')], { id: '2' }),
      patient([entry(A, '2010-01-01'), entry(B, '2010-01-01')], { id: '3' }),
      patient([entry(A, '2020-01-01'), entry(B, '2020-01-01')], { id: '4', dateOfBirth: '2010-01-01' }),
    ];
    for await (const r of evaluatePopulation(bound, records)) tally.add(r);
    expect(tally.aggregates().map((a) => [a.aid, a.value, a.source])).toEqual([
      ['AID-D', '2', { output: 'IND1', part: 'denominator' }],
      ['AID-N', '1', { output: 'IND1', part: 'numerator' }],
      ['AID-C', '3', { output: 'ALL_CHILD' }],
      ['AID-CB', '2', { output: 'CHILD_B' }],
      ['AID-P', '2022-03-31', { output: 'ACHV_DAT' }],
    ]);
    expect(
      createTally(bound)
        .aggregates()
        .map((a) => a.value),
    ).toEqual(['0', '0', '0', '0', '2022-03-31']);
  });

  it('reports a register indicator without an aid under its id, and one with an aid under the aid', async () => {
    const register = (id: string, aid?: string) => ({
      type: 'indicator' as const,
      id,
      population: 'CHILD',
      kind: 'register' as const,
      ...(aid === undefined ? {} : { aid }),
    });
    const bound = await policySpec({
      ...parts,
      outputs: [register('CHILD_REG'), register('CHILD_REG2', 'AID-R')],
    });
    const tally = createTally(bound);
    for await (const r of evaluatePopulation(bound, [patient([entry(A, '2020-01-01')])])) tally.add(r);
    expect(tally.aggregates().map((a) => [a.aid, a.value])).toEqual([
      ['CHILD_REG', '1'],
      ['AID-R', '1'],
    ]);
  });
});

describe('P3 a patient appears at most once', () => {
  it('evaluates the first occurrence only and reports later ones as DUPLICATE_PATIENT', async () => {
    const bound = await policySpec({ fields: [latestA()] });
    const out: PatientResult[] = [];
    for await (const r of evaluatePopulation(bound, [
      patient([], { id: 'x' }),
      patient([entry(A, '2020-01-01')], { id: 'x' }),
    ]))
      out.push(r);
    expect(out[0]?.excluded).toBeUndefined();
    expect(out[1]?.excluded).toBe('DUPLICATE_PATIENT');
    expect(out[1]?.diagnostics.map((d) => d.code)).toEqual(['DUPLICATE_PATIENT']);
    const tally = createTally(bound);
    for (const r of out) tally.add(r);
  });
});

describe('P4 null comparisons are false, except = null and != null', () => {
  it('makes every comparison with a null operand false, including null with null', async () => {
    for (const [cond, expected] of [
      ['A_DAT > B_DAT', false],
      ['A_DAT < B_DAT', false],
      ['A_DAT = B_DAT', false],
      ['A_DAT != B_DAT', false],
      ['A_DAT <= ACHV_DAT', false],
      ['A_DAT = null', true],
      ['A_DAT != null', false],
      ['NOT (A_DAT > ACHV_DAT)', true],
      ['(A_DAT + 7 days) = null', true],
      ['(A_DAT + 7 days) < ACHV_DAT', false],
    ] as const) {
      const bound = await policySpec({
        fields: [latestA(), latestB()],
        rules: [{ if: cond, ifTrue: 'select', ifFalse: 'reject' }],
      });
      expect(selected(bound.evaluate(patient([]))), cond).toBe(expected);
    }
  });

  it('compares present values normally', async () => {
    const bound = await policySpec({
      fields: [latestA(), latestB()],
      rules: [{ if: 'A_DAT != B_DAT', ifTrue: 'select', ifFalse: 'reject' }],
    });
    expect(selected(bound.evaluate(patient([entry(A, '2020-01-01'), entry(B, '2020-01-02')])))).toBe(true);
    expect(selected(bound.evaluate(patient([entry(A, '2020-01-01'), entry(B, '2020-01-01')])))).toBe(false);
  });
});

describe('P6 operators mean exactly what they say', () => {
  it('keeps < and > strict, <= and >= inclusive, = the same day', async () => {
    const cases: [string, string, boolean][] = [
      ['A_DAT < 2020-06-15', '2020-06-15', false],
      ['A_DAT < 2020-06-15', '2020-06-14', true],
      ['A_DAT <= 2020-06-15', '2020-06-15', true],
      ['A_DAT <= 2020-06-15', '2020-06-16', false],
      ['A_DAT > 2020-06-15', '2020-06-15', false],
      ['A_DAT > 2020-06-15', '2020-06-16', true],
      ['A_DAT >= 15/06/2020', '2020-06-15', true],
      ['A_DAT >= 15/06/2020', '2020-06-14', false],
      ['A_DAT = 2020-06-15', '2020-06-15', true],
      ['A_DAT = 2020-06-15', '2020-06-16', false],
    ];
    for (const [cond, date, expected] of cases) {
      const bound = await policySpec({
        fields: [latestA()],
        rules: [{ if: cond, ifTrue: 'select', ifFalse: 'reject' }],
      });
      expect(selected(bound.evaluate(patient([entry(A, date)]))), `${cond} with ${date}`).toBe(expected);
    }
  });

  it('applies no implicit cut-off at the achievement date', async () => {
    const bound = await policySpec({
      fields: [latestA()],
      rules: [{ if: 'A_DAT != null', ifTrue: 'select', ifFalse: 'reject' }],
    });
    const r = bound.evaluate(patient([entry(A, '2030-01-01')]));
    expect(r.fields.A_DAT).toBe('2030-01-01');
  });
});

describe('P7 month and year arithmetic', () => {
  const parts = (monthArithmetic?: 'clamp' | 'rollForward') => ({
    fields: [latestA()],
    rules: [{ if: 'A_DAT > (PPED - 1 month)', ifTrue: 'select' as const, ifFalse: 'reject' as const }],
    ...(monthArithmetic ? { monthArithmetic } : {}),
  });

  it('clamps to the month end by default: 2024-03-31 - 1 month = 2024-02-29', async () => {
    const bound = await policySpec(parts());
    expect(bound.policies.monthArithmetic).toBe('clamp');
    expect(selected(bound.evaluate(patient([entry(A, '2024-02-29')])))).toBe(false);
    expect(selected(bound.evaluate(patient([entry(A, '2024-03-01')])))).toBe(true);
  });

  it('rolls forward when the spec says so: 2024-03-31 - 1 month = 2024-03-01', async () => {
    const bound = await policySpec(parts('rollForward'));
    expect(bound.policies.monthArithmetic).toBe('rollForward');
    expect(selected(bound.evaluate(patient([entry(A, '2024-03-01')])))).toBe(false);
    expect(selected(bound.evaluate(patient([entry(A, '2024-03-02')])))).toBe(true);
  });

  it('lets the run context override the spec', async () => {
    const bound = await policySpec(parts('clamp'), { policies: { monthArithmetic: 'rollForward' } });
    expect(bound.policies.monthArithmetic).toBe('rollForward');
    expect(selected(bound.evaluate(patient([entry(A, '2024-03-01')])))).toBe(false);
  });

  it('treats years as 12 months from a leap day under both policies, left to right', async () => {
    const rule = (cond: string) => [{ if: cond, ifTrue: 'select' as const, ifFalse: 'reject' as const }];
    const clamp = await policySpec({ fields: [latestA()], rules: rule('A_DAT = (2024-02-29 + 1 year)') });
    expect(selected(clamp.evaluate(patient([entry(A, '2025-02-28')])))).toBe(true);
    const roll = await policySpec({
      fields: [latestA()],
      rules: rule('A_DAT = (2024-02-29 + 1 year)'),
      monthArithmetic: 'rollForward',
    });
    expect(selected(roll.evaluate(patient([entry(A, '2025-03-01')])))).toBe(true);
    const chain = await policySpec({
      fields: [latestA()],
      rules: rule('A_DAT = (2024-02-29 + 1 year) - 1 day'),
    });
    expect(selected(chain.evaluate(patient([entry(A, '2025-02-27')])))).toBe(true);
  });
});

describe('P8 day arithmetic is exact', () => {
  it('bounds a window anchored on another field (+ 7 days, inclusive)', async () => {
    const bound = await policySpec({
      fields: [
        { name: 'A_DAT', kind: 'date', source: { cluster: 'A_COD' }, select: 'earliest' },
        {
          name: 'B_DAT',
          kind: 'date',
          source: { cluster: 'B_COD' },
          select: 'earliest',
          where: '@date >= (A_DAT + 7 days) AND @date <= ACHV_DAT',
        },
      ],
    });
    const r = (b: string) => bound.evaluate(patient([entry(A, '2020-02-25'), entry(B, b)])).fields.B_DAT;
    // 2020-02-25 + 7 days = 2020-03-03 across the leap day: the bound is inclusive.
    expect(r('2020-03-03')).toBe('2020-03-03');
    expect(r('2020-03-02')).toBe(null);
    expect(r('2022-04-01')).toBe(null);
  });
});

describe('P9 the clinical date is the effective date', () => {
  it('never lets an undated entry satisfy a field, even one without bounds, and reports it once', async () => {
    const bound = await policySpec({ fields: [latestA()] });
    const undated = entry(A, undefined, { recordedAt: '2020-05-05T10:00:00' });
    const r = bound.evaluate(patient([undated]));
    expect(r.fields.A_DAT).toBeNull();
    expect(r.diagnostics).toEqual([
      { code: 'UNDATED_ENTRY_IGNORED', entryId: undated.entryId, message: 'entry has no effective date' },
    ]);
  });

  it('takes calendar dates only: a date-time is not truncated to a day (P5)', async () => {
    const bound = await policySpec({ fields: [latestA()] });
    const stamped = entry(A, '2021-03-31T23:30:00');
    const r = bound.evaluate(patient([stamped]));
    expect(r.fields.A_DAT).toBeNull();
    expect(r.diagnostics).toEqual([
      {
        code: 'UNDATED_ENTRY_IGNORED',
        entryId: stamped.entryId,
        message: 'entry has an effective date that is not a valid calendar date',
      },
    ]);
  });

  it('uses the effective date, not the recorded date', async () => {
    const bound = await policySpec({ fields: [latestA('@date <= ACHV_DAT')] });
    const r = bound.evaluate(patient([entry(A, '2022-03-01', { recordedAt: '2022-05-01T10:00:00' })]));
    expect(r.fields.A_DAT).toBe('2022-03-01');
    const late = bound.evaluate(patient([entry(A, '2022-04-01', { recordedAt: '2022-03-01T10:00:00' })]));
    expect(late.fields.A_DAT).toBeNull();
  });
});

describe('P10 latest, earliest and arrays', () => {
  it('filters with Where (including values) before choosing the latest', async () => {
    const bound = await policySpec({ fields: [latestA('@value1 < 10')] });
    const r = bound.evaluate(
      patient([
        entry(A, '2020-01-01', { value1: 5 }),
        entry(A, '2021-01-01', { value1: 12 }),
        entry(A, '2022-01-01'),
      ]),
    );
    expect(r.fields.A_DAT).toBe('2020-01-01');
  });

  it('gives a DateArray as distinct dates in ascending order, and fromArray picks among them with aligned values', async () => {
    const bound = await policySpec({
      fields: [
        { name: '{A_DAT}', kind: 'dateArray', cluster: 'A_COD', where: '@date <= ACHV_DAT' },
        {
          name: '[A_SYS]',
          kind: 'valueArray',
          recordedOnEach: '{A_DAT}',
          cluster: 'A_COD',
          slot: 'value1',
          tie: 'min',
        },
        {
          name: '[A_DIA]',
          kind: 'valueArray',
          recordedOnEach: '{A_DAT}',
          cluster: 'A_COD',
          slot: 'value2',
          tie: 'min',
        },
        {
          name: 'BP_DAT',
          kind: 'date',
          source: { fromArray: '{A_DAT}' },
          select: 'latest',
          where: '[A_SYS] != null AND [A_DIA] != null',
        },
        { name: 'N_BP', kind: 'date', source: { fromArray: '{A_DAT}' }, select: 'earliest' },
      ],
      rules: [
        {
          if: 'count({A_DAT}) >= 2 AND max([A_SYS]) < 150 AND min([A_DIA]) = 70',
          ifTrue: 'select',
          ifFalse: 'reject',
        },
      ],
    });
    const r = bound.evaluate(
      patient([
        entry(A, '2021-03-01', { value1: 130, value2: 80 }),
        entry(A2, '2020-01-01', { value1: 140, value2: 70 }),
        entry(A, '2021-03-01', { value1: 120 }),
        entry(A, '2022-01-01', { value1: 125 }),
        entry(A, '2023-01-01', { value1: 100, value2: 60 }),
      ]),
    );
    expect(r.fields['{A_DAT}']).toEqual(['2020-01-01', '2021-03-01', '2022-01-01']);
    expect(r.fields['[A_SYS]']).toEqual([140, 120, 125]);
    expect(r.fields['[A_DIA]']).toEqual([70, 80, null]);
    expect(r.fields.BP_DAT).toBe('2021-03-01');
    expect(r.fields.N_BP).toBe('2020-01-01');
    expect(selected(r)).toBe(true);
  });
});

describe('P11 values recorded on a date: tie policies', () => {
  const spec = (tie: 'min' | 'max' | 'latestRecorded') =>
    policySpec({
      fields: [
        latestA(),
        { name: 'A_VAL', kind: 'value', recordedOn: 'A_DAT', cluster: 'A_COD', slot: 'value1', tie },
      ],
    });
  const sameDay = () => [
    entry(A, '2021-05-05', { value1: 48, recordedAt: '2021-05-05T09:00:00', entryId: '9' }),
    entry(A, '2021-05-05', { value1: 52, recordedAt: '2021-05-05T11:00:00', entryId: '2' }),
    entry(A, '2021-05-05', { value1: 50, recordedAt: '2021-05-05T11:00:00', entryId: '10' }),
    entry(A, '2021-05-05', { recordedAt: '2021-05-06T11:00:00', entryId: '99' }),
    entry(A, '2021-01-01', { value1: 30 }),
  ];

  it('min and max choose among the values on the date', async () => {
    expect((await spec('min')).evaluate(patient(sameDay())).fields.A_VAL).toBe(48);
    expect((await spec('max')).evaluate(patient(sameDay())).fields.A_VAL).toBe(52);
  });

  it('latestRecorded takes the latest recordedAt, then the greatest entry id compared numerically', async () => {
    // Entries 2 and 10 share the latest recordedAt with a value; 10 > 2 numerically (not as text). Entry 99 has no value.
    expect((await spec('latestRecorded')).evaluate(patient(sameDay())).fields.A_VAL).toBe(50);
    const textIds = [
      entry(A, '2021-05-05', { value1: 1, recordedAt: '2021-05-05T11:00:00', entryId: 'b7' }),
      entry(A, '2021-05-05', { value1: 2, recordedAt: '2021-05-05T11:00:00', entryId: 'b10' }),
    ];
    expect((await spec('latestRecorded')).evaluate(patient(textIds)).fields.A_VAL).toBe(1);
  });

  it('needs no recordedAt: an entry without one counts as recorded before every entry with one', async () => {
    const bare = (extra: Partial<JournalEntry>) => {
      const { recordedAt: _r, ...e } = entry(A, '2021-05-05', extra);
      return e;
    };
    const all = [bare({ value1: 7, entryId: '1' }), bare({ value1: 8, entryId: '2' })];
    expect((await spec('latestRecorded')).evaluate(patient(all)).fields.A_VAL).toBe(8);
    const mixed = [bare({ value1: 7, entryId: '9' }), entry(A, '2021-05-05', { value1: 3, entryId: '1' })];
    const r = (await spec('latestRecorded')).evaluate(patient(mixed));
    expect(r.fields.A_VAL).toBe(3);
    expect(r.diagnostics).toEqual([]);
  });

  it('is null when no entry on the date has a value', async () => {
    const r = (await spec('max')).evaluate(patient([entry(A, '2021-05-05')]));
    expect(r.fields.A_DAT).toBe('2021-05-05');
    expect(r.fields.A_VAL).toBeNull();
  });
});

describe('P12 derived fields', () => {
  it('takes the latest or earliest non-null date; null when all are null', async () => {
    const bound = await policySpec({
      fields: [
        latestA(),
        latestB(),
        { name: 'L_DAT', kind: 'latestOf', of: ['A_DAT', 'B_DAT'] },
        { name: 'E_DAT', kind: 'earliestOf', of: ['A_DAT', 'B_DAT'] },
      ],
    });
    const both = bound.evaluate(patient([entry(A, '2020-01-01'), entry(B, '2021-01-01')]));
    expect([both.fields.L_DAT, both.fields.E_DAT]).toEqual(['2021-01-01', '2020-01-01']);
    const one = bound.evaluate(patient([entry(B, '2021-01-01')]));
    expect([one.fields.L_DAT, one.fields.E_DAT]).toEqual(['2021-01-01', '2021-01-01']);
    const none = bound.evaluate(patient([]));
    expect([none.fields.L_DAT, none.fields.E_DAT]).toEqual([null, null]);
  });
});

describe('P14 and P16 cluster membership', () => {
  it('matches codes exactly, in SNOMED CT only', async () => {
    const bound = await policySpec({ fields: [latestA()] });
    expect(
      bound.evaluate(patient([entry('10010', '2020-01-01'), entry(' 1001', '2020-01-01')])).fields.A_DAT,
    ).toBeNull();
    const local = entry(A, '2020-01-01', { codeSystem: 'LOCAL' });
    const r = bound.evaluate(patient([local]));
    expect(r.fields.A_DAT).toBeNull();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['NON_SNOMED_ENTRY_IGNORED']);
  });

  it('ignores Read v2 and CTV3 entries even when the code string is a member', async () => {
    const bound = await policySpec({ fields: [latestA()] });
    for (const codeSystem of [CODE_SYSTEMS.readV2, CODE_SYSTEMS.ctv3]) {
      const r = bound.evaluate(patient([entry(A, '2020-01-01', { codeSystem })]));
      expect(r.fields.A_DAT).toBeNull();
      expect(r.diagnostics.map((d) => d.code)).toEqual(['NON_SNOMED_ENTRY_IGNORED']);
    }
    const snomed = bound.evaluate(patient([entry(A, '2020-01-01', { codeSystem: CODE_SYSTEMS.snomedCt })]));
    expect(snomed.fields.A_DAT).toBe('2020-01-01');
  });
});

describe('P17 registrations', () => {
  it('reports overlapping GMS registrations and evaluates them as written', async () => {
    const bound = await policySpec();
    const r = bound.evaluate(
      patient([], {
        registrations: [
          { type: 'GMS', startDate: '2000-01-01' },
          { type: 'GMS', startDate: '2010-01-01', endDate: '2012-01-01' },
        ],
      }),
    );
    expect(r.diagnostics.map((d) => d.code)).toEqual(['OVERLAPPING_GMS_REGISTRATIONS']);
    const seq = bound.evaluate(
      patient([], {
        registrations: [
          { type: 'GMS', startDate: '2000-01-01', endDate: '2010-01-01' },
          { type: 'GMS', startDate: '2010-01-01' },
        ],
      }),
    );
    expect(seq.diagnostics).toEqual([]);
  });
});

describe('P22 bad record data does not stop an extract', () => {
  it('evaluates malformed records without throwing and with value-free diagnostics', async () => {
    const bound = await policySpec({
      fields: [
        latestA(),
        { name: 'A_VAL', kind: 'value', recordedOn: 'A_DAT', cluster: 'A_COD', slot: 'value1', tie: 'max' },
      ],
    });
    const weird = [
      {
        patient: { patientId: 'w1', practiceId: 'A1', dateOfBirth: '1980-02-30' },
        registrations: [{ type: 'GMS', startDate: 'yesterday' }],
        journal: [null, { entryId: 7, codeSystem: 42, code: {}, recordedAt: null, kind: 'x' }],
      },
      { patient: null, registrations: null, journal: 'nope' },
      null,
      {
        patient: { patientId: 'w2', practiceId: 'A1' },
        registrations: [],
        journal: [entry(A, '2021-13-01'), entry(A, '2021-01-01', { value1: Number.NaN })],
      },
    ];
    for (const rec of weird) {
      const r = bound.evaluate(rec as never);
      for (const d of r.diagnostics) expect(d.message).not.toMatch(/1980|2021|yesterday|w1|w2/);
    }
    const last = bound.evaluate(weird[3] as never);
    expect(last.fields.A_DAT).toBe('2021-01-01');
    expect(last.fields.A_VAL).toBeNull();
    expect(last.diagnostics.map((d) => d.code)).toContain('UNDATED_ENTRY_IGNORED');
    const first = bound.evaluate(weird[0] as never);
    expect(first.fields.PAT_AGE).toBeNull();
    expect(first.diagnostics.map((d) => d.code)).toEqual([
      'NON_SNOMED_ENTRY_IGNORED',
      'INVALID_REGISTRATION_IGNORED',
      'MISSING_DATE_OF_BIRTH',
    ]);
  });
});
