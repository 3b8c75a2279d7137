// compileSpec validation (§3.3.2): every issue code, reported together, each with its path.
import {
  compileSpec,
  isSpecError,
  type QuerySpecDocument,
  SpecError,
  type SpecIssue,
  type SpecIssueCode,
  safeCompileSpec,
} from '@gpes/extract-core';
import { describe, expect, it } from 'vitest';
import { policyDoc } from './policy-spec.js';
import { dm017Xml } from './support.js';

const base = policyDoc();
const withDoc = (patch: Partial<QuerySpecDocument>): QuerySpecDocument => ({ ...base, ...patch });
const issues = (doc: unknown): SpecIssue[] => {
  const r = safeCompileSpec(doc as QuerySpecDocument);
  return r.ok ? [...r.warnings] : [...r.issues];
};
const codes = (doc: unknown) => issues(doc).map((i) => i.code);
const find = (doc: unknown, code: SpecIssueCode) => issues(doc).find((i) => i.code === code);
const pop = (rules: QuerySpecDocument['populations'][number]['rules']) => [
  { name: 'POP', kind: 'population' as const, rules },
];
const sel = (cond: string) => pop([{ if: cond, ifTrue: 'select', ifFalse: 'reject' }]);

describe('compileSpec errors', () => {
  it('compiles the policy spec and the DM017 spec without issues', async () => {
    expect(codes(base)).toEqual([]);
    const r = safeCompileSpec(await dm017Xml());
    expect(r.ok).toBe(false); // the XML still references its code lists
    if (!r.ok) expect(r.issues.map((i) => i.code)).toEqual(['UNEXPANDED_MEMBERS', 'UNEXPANDED_MEMBERS']);
  });

  it('DUPLICATE_NAME for parameters, fields, clusters, populations and outputs', () => {
    const doc = withDoc({
      fields: [...base.fields, { name: 'ACHV_DAT', kind: 'age', at: 'PPED' }],
      clusters: [
        ...base.clusters,
        { name: 'A_COD', codeSystem: base.clusters[0]?.codeSystem ?? '', members: [{ code: '1' }] },
      ],
      populations: [...base.populations, ...base.populations],
      outputs: [
        { type: 'count', name: 'C', kind: 'population', population: 'POP', aid: 'x', rules: [] },
        { type: 'count', name: 'C', kind: 'population', population: 'POP', aid: 'y', rules: [] },
      ],
    });
    expect(codes(doc).filter((c) => c === 'DUPLICATE_NAME')).toHaveLength(4);
    expect(find(doc, 'DUPLICATE_NAME')?.path).toBe('/QuerySpecification/Fields/Age[@name="ACHV_DAT"]');
  });

  it('UNKNOWN_NAME in conditions and attributes', () => {
    const doc = withDoc({
      fields: [
        ...base.fields,
        { name: 'X_DAT', kind: 'date', source: { cluster: 'NOPE_COD' }, select: 'latest' },
      ],
      populations: [
        {
          name: 'POP',
          kind: 'population',
          appliesTo: 'NOWHERE',
          rules: [{ if: 'Y_DAT = null', ifTrue: 'select', ifFalse: 'reject' }],
        },
      ],
    });
    expect(
      issues(doc)
        .filter((i) => i.code === 'UNKNOWN_NAME')
        .map((i) => i.path),
    ).toEqual([
      '/QuerySpecification/Fields/Date[@name="X_DAT"]/@cluster',
      '/QuerySpecification/Populations/Population[@name="POP"]/@appliesTo',
      '/QuerySpecification/Populations/Population[@name="POP"]/Rule[1]/If',
    ]);
  });

  it('TYPE_MISMATCH: a date compared with a number, years with a date, arithmetic on a number', () => {
    for (const cond of [
      'ACHV_DAT > 3',
      'ACHV_DAT < 17 years',
      '(PAT_AGE + 3 days) > ACHV_DAT',
      "PAT_AGE = 'x'",
      'count(PAT_AGE) > 1',
    ]) {
      expect(codes(withDoc({ populations: sel(cond) })), cond).toContain('TYPE_MISMATCH');
    }
    expect(codes(withDoc({ populations: sel('PAT_AGE < 17 years AND PAT_AGE >= 3') }))).toEqual([]);
  });

  it('CANDIDATE_OUT_OF_SCOPE for @date in a rule and an aligned [NAME] outside fromArray', () => {
    expect(find(withDoc({ populations: sel('@date > ACHV_DAT') }), 'CANDIDATE_OUT_OF_SCOPE')?.path).toBe(
      '/QuerySpecification/Populations/Population[@name="POP"]/Rule[1]/If',
    );
    const arr = withDoc({
      fields: [
        ...base.fields,
        { name: '{A_DAT}', kind: 'dateArray', cluster: 'A_COD' },
        {
          name: '[A_VAL]',
          kind: 'valueArray',
          recordedOnEach: '{A_DAT}',
          cluster: 'A_COD',
          slot: 'value1',
          tie: 'max',
        },
        {
          name: 'R_DAT',
          kind: 'registrationDate',
          boundary: 'start',
          select: 'latest',
          where: '@value1 > 3',
        },
      ],
      populations: sel('[A_VAL] > 3'),
    });
    expect(codes(arr).filter((c) => c === 'CANDIDATE_OUT_OF_SCOPE')).toHaveLength(2);
  });

  it('CYCLE between fields and between populations', () => {
    const doc = withDoc({
      fields: [
        ...base.fields,
        {
          name: 'X_DAT',
          kind: 'date',
          source: { cluster: 'A_COD' },
          select: 'latest',
          where: '@date > Y_DAT',
        },
        { name: 'Y_DAT', kind: 'latestOf', of: ['X_DAT'] },
      ],
      populations: [
        {
          name: 'P1',
          kind: 'population',
          appliesTo: 'P2',
          rules: [{ if: 'X_DAT = null', ifTrue: 'select', ifFalse: 'reject' }],
        },
        {
          name: 'P2',
          kind: 'population',
          appliesTo: 'P1',
          rules: [{ if: 'X_DAT = null', ifTrue: 'select', ifFalse: 'reject' }],
        },
      ],
    });
    const cyc = issues(doc).filter((i) => i.code === 'CYCLE');
    expect(cyc.map((i) => i.path)).toEqual([
      '/QuerySpecification/Fields/Date[@name="X_DAT"]',
      '/QuerySpecification/Fields/LatestOf[@name="Y_DAT"]',
      '/QuerySpecification/Populations/Population[@name="P1"]',
    ]);
  });

  it('LAST_RULE_NEXT and EMPTY_RULE_TABLE', () => {
    const doc = withDoc({
      populations: pop([{ if: 'PAT_AGE > 1', ifTrue: 'select', ifFalse: 'next' }]),
      outputs: [
        {
          type: 'indicator',
          id: 'I',
          population: 'POP',
          kind: 'proportion',
          denominator: { aid: 'd', rules: [] },
          numerator: { aid: 'n', rules: [] },
        },
      ],
    });
    expect(find(doc, 'LAST_RULE_NEXT')?.path).toBe(
      '/QuerySpecification/Populations/Population[@name="POP"]/Rule[1]',
    );
    expect(find(doc, 'EMPTY_RULE_TABLE')?.path).toBe(
      '/QuerySpecification/Outputs/Indicator[@id="I"]/Numerator',
    );
    expect(codes(withDoc({ populations: pop([]) }))).toContain('EMPTY_RULE_TABLE');
  });

  it('MISSING_TIE_POLICY and ARRAY_NAME_FORM', () => {
    const doc = withDoc({
      fields: [
        ...base.fields,
        { name: 'A_DAT', kind: 'date', source: { cluster: 'A_COD' }, select: 'latest' },
        { name: 'A_VAL', kind: 'value', recordedOn: 'A_DAT', cluster: 'A_COD', slot: 'value1' } as never,
        { name: 'A_ARR', kind: 'dateArray', cluster: 'A_COD' },
        { name: '{B_DAT}', kind: 'date', source: { cluster: 'A_COD' }, select: 'latest' },
      ],
    });
    expect(find(doc, 'MISSING_TIE_POLICY')?.path).toBe('/QuerySpecification/Fields/Value[@name="A_VAL"]');
    expect(
      issues(doc)
        .filter((i) => i.code === 'ARRAY_NAME_FORM')
        .map((i) => i.path),
    ).toEqual([
      '/QuerySpecification/Fields/DateArray[@name="A_ARR"]',
      '/QuerySpecification/Fields/Date[@name="{B_DAT}"]',
    ]);
  });

  it('BAD_PARAMETER_BINDING for no binding, two bindings or a bad literal', () => {
    const doc = withDoc({
      parameters: [
        { name: 'ACHV_DAT', type: 'date', binding: {} as never },
        { name: 'PPED', type: 'date', binding: { value: '2021-02-30' } },
        { name: 'N', type: 'number', binding: { value: '1', run: true } as never },
      ],
    });
    expect(
      issues(doc)
        .filter((i) => i.code === 'BAD_PARAMETER_BINDING')
        .map((i) => i.path),
    ).toEqual([
      '/QuerySpecification/Parameters/DateParameter[@name="ACHV_DAT"]',
      '/QuerySpecification/Parameters/DateParameter[@name="PPED"]',
      '/QuerySpecification/Parameters/NumberParameter[@name="N"]',
    ]);
  });

  it('UNEXPANDED_MEMBERS, MISSING_PARTICIPATION and DUPLICATE_QID', () => {
    const doc = withDoc({
      clusters: [
        ...base.clusters,
        { name: 'EXT', codeSystem: 'x', members: [], membersRef: { href: 'x.csv', format: 'csv' } },
      ],
      participation: { type1OptOut: 'exclude' },
      outputs: [
        {
          type: 'patientLevelExtract',
          name: 'PLE',
          population: 'POP',
          patientTable: { qid: 1, columns: ['NHS-NUMBER'] },
          journalsTables: [{ qid: 1, columns: ['DATE', 'CODE'], include: [{ cluster: 'A_COD' }] }],
        },
      ],
    });
    expect(codes(doc)).toEqual(
      expect.arrayContaining(['UNEXPANDED_MEMBERS', 'MISSING_PARTICIPATION', 'DUPLICATE_QID']),
    );
    expect(codes(withDoc({ participation: {} as never }))).toEqual(['MISSING_PARTICIPATION']);
  });

  it('REGISTRATION_FIELD_SHAPE when REG_DAT or DEREG_DAT differ from P17', () => {
    const doc = withDoc({
      fields: [
        ...base.fields,
        {
          name: 'REG_DAT',
          kind: 'registrationDate',
          boundary: 'start',
          select: 'earliest',
          where: '@date <= ACHV_DAT',
        },
        {
          name: 'DEREG_DAT',
          kind: 'registrationDate',
          boundary: 'end',
          select: 'earliest',
          where: '@date >= REG_DAT',
        },
      ],
    });
    expect(
      issues(doc)
        .filter((i) => i.code === 'REGISTRATION_FIELD_SHAPE')
        .map((i) => i.path),
    ).toEqual([
      '/QuerySpecification/Fields/RegistrationDate[@name="REG_DAT"]',
      '/QuerySpecification/Fields/RegistrationDate[@name="DEREG_DAT"]',
    ]);
  });

  it('CONDITION_SYNTAX and INVALID_STRUCTURE', () => {
    expect(find(withDoc({ populations: sel('PAT_AGE >') }), 'CONDITION_SYNTAX')?.message).toMatch(
      /character/,
    );
    expect(codes({ formatVersion: 2, id: 'x' })).toContain('INVALID_STRUCTURE');
    expect(codes(null)).toEqual(['INVALID_STRUCTURE']);
  });

  it('reports no unused field while a condition cannot be read (the fields it names are unknown)', () => {
    const spare = {
      name: 'SPARE_DAT',
      kind: 'date',
      source: { cluster: 'A_COD' },
      select: 'latest',
    } as const;
    const unread = codes(
      withDoc({ fields: [...base.fields, spare], populations: sel('(SPARE_DAT > ACHV_DAT') }),
    );
    expect(unread).toContain('CONDITION_SYNTAX');
    expect(unread).not.toContain('UNUSED_FIELD');
    // With every condition readable, a field nothing uses is reported.
    expect(codes(withDoc({ fields: [...base.fields, spare], populations: sel('PAT_AGE > 3') }))).toContain(
      'UNUSED_FIELD',
    );
  });

  it('warnings: MIXED_AND_OR, NOT_OVER_NULLABLE, UNUSED_FIELD, EMPTY_CLUSTER, DISSENT_CLUSTER_WITHOUT_T1_CODE', () => {
    const doc = withDoc({
      clusters: [
        ...base.clusters.filter((c) => c.name !== 'T1DISSENT'),
        { name: 'T1DISSENT', codeSystem: base.clusters[0]?.codeSystem ?? '', members: [] },
      ],
      fields: [...base.fields, { name: 'SPARE_DAT', kind: 'latestOf', of: ['ACHV_DAT'] } as never],
      populations: sel('PAT_AGE > 3 OR PAT_AGE < 1 AND NOT (PAT_AGE > 9)'),
    });
    const r = safeCompileSpec(doc);
    expect(r.ok).toBe(false); // latestOf takes fields, not parameters
    const ok = withDoc({
      clusters: [
        ...base.clusters.filter((c) => c.name !== 'T1DISSENT'),
        { name: 'T1DISSENT', codeSystem: base.clusters[0]?.codeSystem ?? '', members: [] },
      ],
      fields: [
        ...base.fields,
        { name: 'SPARE_DAT', kind: 'date', source: { cluster: 'A_COD' }, select: 'latest' },
      ],
      populations: sel('PAT_AGE > 3 OR PAT_AGE < 1 AND NOT (PAT_AGE > 9)'),
    });
    const w = safeCompileSpec(ok);
    expect(w.ok).toBe(true);
    if (w.ok) {
      expect(w.warnings.map((i) => i.code).sort()).toEqual(
        [
          'DISSENT_CLUSTER_WITHOUT_T1_CODE',
          'EMPTY_CLUSTER',
          'MIXED_AND_OR',
          'NOT_OVER_NULLABLE',
          'UNUSED_FIELD',
        ].sort(),
      );
      expect(w.warnings.every((i) => i.severity === 'warning')).toBe(true);
      expect(w.value.warnings).toEqual(w.warnings);
    }
  });

  it('throws one SpecError listing every error, recognisable across module copies', () => {
    const doc = withDoc({ populations: sel('X_DAT > Y_DAT') });
    let caught: unknown;
    try {
      compileSpec(doc);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SpecError);
    expect(isSpecError(caught)).toBe(true);
    expect(isSpecError({ isSpecError: true })).toBe(true);
    expect(isSpecError(new Error('x'))).toBe(false);
    if (isSpecError(caught)) {
      // Warnings found on the way travel with the errors.
      expect(caught.issues.map((i) => [i.code, i.severity])).toEqual([
        ['UNKNOWN_NAME', 'error'],
        ['UNKNOWN_NAME', 'error'],
        ['UNUSED_FIELD', 'warning'],
      ]);
      expect(caught.message).toMatch(/^Invalid query specification: UNKNOWN_NAME at .*\(and 1 more\)$/);
    }
  });
});
