// P15, P19 and P20: participation exclusions and parameter binding, applied in bind before any rule.
import {
  compileSpec,
  isExtractConfigError,
  isSpecError,
  type RunContext,
  runContextFromRtp,
  SNOMED_CT_OID,
} from '@gpes/extract-core';
import { describe, expect, it } from 'vitest';
import { A, policyDoc, policySpec, T1, T1W } from './policy-spec.js';
import { entry, patient, quietRun } from './support.js';

const participation = (p: Partial<RunContext['participation']>): Partial<RunContext> => ({
  participation: { ...quietRun().participation, ...p },
});

describe('P19(a) Type 1 opt-out', () => {
  it('excludes a patient with a dissent code from every output', async () => {
    const bound = await policySpec();
    const r = bound.evaluate(patient([entry(T1, '2019-01-01'), entry(A, '2019-01-01')]));
    expect(r).toEqual({
      patientId: 'P1',
      excluded: 'TYPE1_OPT_OUT',
      fields: {},
      populations: {},
      indicators: {},
      counts: {},
      diagnostics: [],
    });
  });

  it('lifts the exclusion only when the latest withdrawal is strictly later than the latest dissent', async () => {
    const bound = await policySpec();
    expect(
      bound.evaluate(patient([entry(T1, '2019-01-01'), entry(T1W, '2019-01-02')])).excluded,
    ).toBeUndefined();
    expect(bound.evaluate(patient([entry(T1, '2019-01-01'), entry(T1W, '2019-01-01')])).excluded).toBe(
      'TYPE1_OPT_OUT',
    );
    expect(bound.evaluate(patient([entry(T1W, '2018-01-01'), entry(T1, '2019-01-01')])).excluded).toBe(
      'TYPE1_OPT_OUT',
    );
    expect(
      bound.evaluate(patient([entry(T1, '2017-01-01'), entry(T1W, '2018-01-01'), entry(T1, '2019-01-01')]))
        .excluded,
    ).toBe('TYPE1_OPT_OUT');
  });

  it('judges the whole record: future-dated choices count, undated ones use the recorded date', async () => {
    const bound = await policySpec();
    expect(bound.evaluate(patient([entry(T1, '2030-01-01')])).excluded).toBe('TYPE1_OPT_OUT');
    const undated = entry(T1, undefined, { recordedAt: '2019-06-01T10:00:00' });
    expect(bound.evaluate(patient([undated, entry(T1W, '2019-06-02')])).excluded).toBeUndefined();
    expect(bound.evaluate(patient([undated, entry(T1W, '2019-06-01')])).excluded).toBe('TYPE1_OPT_OUT');
  });

  it('fails closed on an entry with neither an effective date nor recordedAt', async () => {
    const bound = await policySpec();
    const { recordedAt: _d, ...dissent } = entry(T1, undefined);
    const { recordedAt: _w, ...withdrawn } = entry(T1W, undefined);
    expect(bound.evaluate(patient([dissent, entry(T1W, '2030-01-01')])).excluded).toBe('TYPE1_OPT_OUT');
    expect(bound.evaluate(patient([entry(T1, '2019-01-01'), withdrawn])).excluded).toBe('TYPE1_OPT_OUT');
  });

  it('does nothing when the spec declares type1OptOut="notApplied"', async () => {
    const bound = await policySpec({
      participation: { type1OptOut: 'notApplied', dissentCluster: 'T1DISSENT' },
    });
    expect(bound.evaluate(patient([entry(T1, '2019-01-01')])).excluded).toBeUndefined();
  });
});

describe('P19(b) RTP exclusion codes and P15 subsumption', () => {
  const codes = (code: string, includeChildren = false, codeSchemeId = SNOMED_CT_OID) =>
    participation({ exclusionCodeStrings: [{ codeSchemeId, codeValues: [{ code, includeChildren }] }] });

  it('excludes on presence of a listed code, whatever its date', async () => {
    const bound = await policySpec({}, codes('5555'));
    expect(bound.evaluate(patient([entry('5555', '2040-01-01')])).excluded).toBe('EXCLUSION_CODE');
    expect(bound.evaluate(patient([entry('5555', undefined)])).excluded).toBe('EXCLUSION_CODE');
    expect(bound.evaluate(patient([entry('5556', '2020-01-01')])).excluded).toBeUndefined();
  });

  it('matches an exclusion code in its own scheme, even a non-SNOMED one (P16)', async () => {
    const bound = await policySpec({}, codes('XaZ89', false, '2.16.840.1.113883.2.1.3.2.4.14'));
    expect(
      bound.evaluate(
        patient([entry('XaZ89', '2020-01-01', { codeSystem: '2.16.840.1.113883.2.1.3.2.4.14' })]),
      ).excluded,
    ).toBe('EXCLUSION_CODE');
    expect(bound.evaluate(patient([entry('XaZ89', '2020-01-01')])).excluded).toBeUndefined();
  });

  it('applies the withdrawal test to a listed code that is in the dissent cluster', async () => {
    const bound = await policySpec(
      {
        participation: {
          type1OptOut: 'notApplied',
          dissentCluster: 'T1DISSENT',
          dissentWithdrawnCluster: 'T1DISSENTWD',
        },
      },
      codes(T1),
    );
    expect(bound.evaluate(patient([entry(T1, '2019-01-01')])).excluded).toBe('EXCLUSION_CODE');
    expect(
      bound.evaluate(patient([entry(T1, '2019-01-01'), entry(T1W, '2019-02-01')])).excluded,
    ).toBeUndefined();
  });

  it('includes descendants through the subsumption provider, resolved once in bind', async () => {
    const calls: string[] = [];
    const subsumption = {
      async descendantsOf(scheme: string, code: string) {
        calls.push(`${scheme}|${code}`);
        return ['6001', '6002'];
      },
    };
    const bound = await policySpec({}, { ...codes('6000', true), subsumption });
    expect(calls).toEqual([`${SNOMED_CT_OID}|6000`]);
    expect(bound.evaluate(patient([entry('6000', '2020-01-01')])).excluded).toBe('EXCLUSION_CODE');
    expect(bound.evaluate(patient([entry('6002', '2020-01-01')])).excluded).toBe('EXCLUSION_CODE');
    expect(bound.evaluate(patient([entry('6003', '2020-01-01')])).excluded).toBeUndefined();
  });

  it('fails closed without a provider, and when the provider fails', async () => {
    const noProvider = policySpec({}, codes('6000', true));
    await expect(noProvider).rejects.toSatisfy(
      (e) => isExtractConfigError(e) && e.code === 'SUBSUMPTION_PROVIDER_REQUIRED',
    );
    const failing = policySpec(
      {},
      {
        ...codes('6000', true),
        subsumption: { descendantsOf: async () => Promise.reject(new Error('offline')) },
      },
    );
    await expect(failing).rejects.toSatisfy(
      (e) => isExtractConfigError(e) && e.code === 'SUBSUMPTION_PROVIDER_FAILED',
    );
  });
});

describe('P19(c)-(e) NCRS flags', () => {
  it('excludes S-flagged patients only when NCRS-PDS-S-Flagging is true', async () => {
    const flagged = patient([], { extra: { pdsSensitive: true } });
    expect((await policySpec({}, participation({ ncrsPdsSFlagging: true }))).evaluate(flagged).excluded).toBe(
      'PDS_S_FLAG',
    );
    expect(
      (await policySpec({}, participation({ ncrsPdsSFlagging: false }))).evaluate(flagged).excluded,
    ).toBeUndefined();
  });

  it('removes sealed entries and excludes sealed records when NCRS-Patient-Sealing is false', async () => {
    const parts = {
      fields: [
        { name: 'A_DAT', kind: 'date' as const, source: { cluster: 'A_COD' }, select: 'latest' as const },
      ],
    };
    const sealedEntry = patient([
      entry(A, '2020-01-01', { sealed: true }),
      entry(T1, '2019-01-01', { sealed: true }),
    ]);
    const off = await policySpec(parts, participation({ ncrsPatientSealing: false }));
    const r = off.evaluate(sealedEntry);
    expect(r.excluded).toBeUndefined();
    expect(r.fields.A_DAT).toBeNull();
    expect(off.evaluate(patient([], { extra: { recordSealed: true } })).excluded).toBe('RECORD_SEALED');
    const on = await policySpec(parts, participation({ ncrsPatientSealing: true }));
    expect(on.evaluate(sealedEntry).excluded).toBe('TYPE1_OPT_OUT');
    expect(on.evaluate(patient([entry(A, '2020-01-01', { sealed: true })])).fields.A_DAT).toBe('2020-01-01');
    expect(on.evaluate(patient([], { extra: { recordSealed: true } })).excluded).toBeUndefined();
  });

  it('asks the care record sharing hook when the flag is true, fails closed, and refuses to start without one', async () => {
    await expect(policySpec({}, participation({ ncrsDetailedCareRecordSharing: true }))).rejects.toSatisfy(
      (e) => isExtractConfigError(e) && e.code === 'CARE_RECORD_SHARING_HOOK_REQUIRED',
    );
    const bound = await policySpec(
      {},
      {
        ...participation({ ncrsDetailedCareRecordSharing: true }),
        detailedCareRecordSharing: (rec) => {
          if (rec.patient.patientId === 'boom') throw new Error('hook failure');
          return rec.patient.patientId === 'no' ? 'exclude' : 'include';
        },
      },
    );
    expect(bound.evaluate(patient([], { id: 'yes' })).excluded).toBeUndefined();
    expect(bound.evaluate(patient([], { id: 'no' })).excluded).toBe('CARE_RECORD_SHARING');
    expect(bound.evaluate(patient([], { id: 'boom' })).excluded).toBe('CARE_RECORD_SHARING');
    const off = await policySpec({}, { detailedCareRecordSharing: () => 'exclude' });
    expect(off.evaluate(patient([])).excluded).toBeUndefined();
  });

  it('rejects a malformed run context', async () => {
    await expect(compileSpec(policyDoc()).bind({} as RunContext)).rejects.toSatisfy(
      (e) => isExtractConfigError(e) && e.code === 'INVALID_RUN_CONTEXT',
    );
  });
});

describe('P20 parameters are bound before evaluation', () => {
  const aidDoc = () => {
    const doc = policyDoc();
    return {
      ...doc,
      parameters: [
        { name: 'ACHV_DAT', type: 'date' as const, binding: { aid: 'AAAA-1' } },
        { name: 'PPED', type: 'date' as const, binding: { value: '31/03/2024' } },
        { name: 'LIMIT', type: 'number' as const, binding: { run: true as const } },
      ],
    };
  };

  it('binds fixed values, run values and RTP substitution values by AID', async () => {
    const bound = await compileSpec(aidDoc()).bind(
      quietRun({
        parameters: { LIMIT: '12.5' },
        substitutionValues: [{ aid: 'AAAA-1', value: '2022-02-28' }],
      }),
    );
    expect(bound.parameterValues).toEqual({ ACHV_DAT: '2022-02-28', PPED: '2024-03-31', LIMIT: 12.5 });
  });

  it('fails with BAD_PARAMETER_BINDING for missing, several or unparsable values, never defaulting to today', async () => {
    const spec = compileSpec(aidDoc());
    const bad = async (run: Partial<RunContext>, fragment: string) => {
      const err = await spec.bind(quietRun(run)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isSpecError(err)).toBe(true);
      if (isSpecError(err)) {
        expect(err.issues.every((i) => i.code === 'BAD_PARAMETER_BINDING')).toBe(true);
        expect(err.issues.map((i) => i.message).join(' ')).toContain(fragment);
      }
    };
    await bad({ parameters: { LIMIT: 1 } }, 'no Substitution-Value with AID AAAA-1');
    await bad(
      { parameters: { LIMIT: 1 }, substitutionValues: [{ aid: 'AAAA-1', value: '2022-02-28§2022-03-31' }] },
      'has 2 values',
    );
    await bad(
      { parameters: { LIMIT: 1 }, substitutionValues: [{ aid: 'AAAA-1', value: '2022-02-30' }] },
      'not a valid date',
    );
    await bad({ substitutionValues: [{ aid: 'AAAA-1', value: '2022-02-28' }] }, "no value for 'LIMIT'");
    await bad(
      { parameters: { LIMIT: 'twelve' }, substitutionValues: [{ aid: 'AAAA-1', value: '2022-02-28' }] },
      'not a valid number',
    );
  });

  it('maps a decoded RTP into a run context', async () => {
    const run = runContextFromRtp(
      {
        patientParticipation: quietRun().participation,
        querySetVariables: [{ aid: 'AAAA-1', values: ['2022-02-28'] }],
      },
      { parameters: { LIMIT: 3 } },
    );
    const bound = await compileSpec(aidDoc()).bind(run);
    expect(bound.parameterValues.ACHV_DAT).toBe('2022-02-28');
  });
});
