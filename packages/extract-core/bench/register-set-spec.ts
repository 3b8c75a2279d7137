/**
 * A QOF-like set of specifications that share the GMS registration and age fields through a library: registers for
 * diabetes (the DM017 codes), hypertension, asthma, atrial fibrillation and CKD (the generator's illustrative code
 * lists), indicators and counts over them, and a patient-level extract with Type 1 opt-outs applied. Used by the
 * set's differential test and by the set benchmark. The extract-core API is passed in, so the same helper serves
 * the TypeScript sources (tests) and the built package (benchmark).
 */
import type { RunContext } from '../src/bind/types.js';
import type { libraryBuilder, rule, specBuilder } from '../src/index.js';
import type { QueryLibraryDocument, QuerySpecDocument } from '../src/spec/model.js';

/** The subset of the package API the helper needs. */
export interface RegisterSetApi {
  readonly specBuilder: typeof specBuilder;
  readonly libraryBuilder: typeof libraryBuilder;
  readonly rule: typeof rule;
}

/** The code lists, as `@gpes/extract-core/testing` exports them. */
export interface RegisterCodes {
  readonly DM_COD_CODES: readonly string[];
  readonly DMRES_COD_CODES: readonly string[];
  readonly HYP_COD_CODES: readonly string[];
  readonly HYPRES_COD_CODES: readonly string[];
  readonly AST_COD_CODES: readonly string[];
  readonly ASTRES_COD_CODES: readonly string[];
  readonly AFIB_COD_CODES: readonly string[];
  readonly AFIBRES_COD_CODES: readonly string[];
  readonly CKD_COD_CODES: readonly string[];
  readonly TYPE1_DISSENT_CODE: string;
  readonly TYPE1_DISSENT_WITHDRAWN_CODE: string;
}

/** ACHV_DAT of the runs. */
export const REGISTER_SET_REFERENCE_DATE = '2022-03-31';

/** A run every specification of the set can bind: sealed data withheld, S-flagged patients excluded. */
export function registerSetRun(exclusionCodes: readonly string[] = []): RunContext {
  return {
    parameters: { ACHV_DAT: REGISTER_SET_REFERENCE_DATE },
    participation: {
      ncrsDetailedCareRecordSharing: false,
      ncrsPatientSealing: false,
      ncrsPdsSFlagging: true,
      exclusionCodeStrings:
        exclusionCodes.length === 0
          ? []
          : [
              {
                codeSchemeId: '2.16.840.1.113883.2.1.3.2.4.15',
                codeValues: exclusionCodes.map((code) => ({ code, includeChildren: false })),
              },
            ],
    },
  };
}

const BP = '163020007';
const HBA1C = '999791000000106';

/** The specifications (at least ten), sharing registration and age through the `registration` library. */
export function registerSetSpecs(api: RegisterSetApi, codes: RegisterCodes): QuerySpecDocument[] {
  const { specBuilder, libraryBuilder, rule } = api;
  const registration: QueryLibraryDocument = libraryBuilder({ id: 'registration' })
    .parameter('ACHV_DAT', 'date', { run: true })
    .field({
      name: 'REG_DAT',
      kind: 'registrationDate',
      boundary: 'start',
      select: 'latest',
      where: '@date <= ACHV_DAT',
    })
    .field({
      name: 'DEREG_DAT',
      kind: 'registrationDate',
      boundary: 'end',
      select: 'earliest',
      where: '@date > REG_DAT',
    })
    .field({ name: 'PAT_AGE', kind: 'age', at: 'ACHV_DAT' })
    .population({
      name: 'GMS_REG',
      kind: 'population',
      rules: [
        rule(
          '(REG_DAT != null AND DEREG_DAT = null) OR (REG_DAT != null AND DEREG_DAT > ACHV_DAT)',
          'select',
          'reject',
        ),
      ],
    })
    .build();

  /** A register library: latest diagnosis, latest resolution after it, and the register population. */
  const register = (
    prefix: string,
    cod: readonly string[],
    res: readonly string[] | undefined,
    minAge: number | undefined,
  ): QueryLibraryDocument => {
    let b = libraryBuilder({ id: `${prefix.toLowerCase()}-register` })
      .include(registration, 'registration.xml')
      .cluster(`${prefix}_COD`, cod)
      .field({
        name: `${prefix}LAT_DAT`,
        kind: 'date',
        source: { cluster: `${prefix}_COD` },
        select: 'latest',
        where: '@date <= ACHV_DAT',
      });
    const rules = [];
    if (res) {
      b = b.cluster(`${prefix}RES_COD`, res).field({
        name: `${prefix}RES_DAT`,
        kind: 'date',
        source: { cluster: `${prefix}RES_COD` },
        select: 'latest',
        where: `@date > ${prefix}LAT_DAT AND @date <= ACHV_DAT`,
      });
      rules.push(
        rule(
          `${prefix}LAT_DAT != null AND ${prefix}RES_DAT = null`,
          minAge === undefined ? 'select' : 'next',
          'reject',
        ),
      );
    } else rules.push(rule(`${prefix}LAT_DAT != null`, minAge === undefined ? 'select' : 'next', 'reject'));
    if (minAge !== undefined) rules.push(rule(`PAT_AGE < ${minAge} years`, 'reject', 'select'));
    return b.population({ name: `${prefix}_REG`, kind: 'register', appliesTo: 'GMS_REG', rules }).build();
  };
  const dm = register('DM', codes.DM_COD_CODES, codes.DMRES_COD_CODES, 17);
  const hyp = register('HYP', codes.HYP_COD_CODES, codes.HYPRES_COD_CODES, undefined);
  const ast = register('AST', codes.AST_COD_CODES, codes.ASTRES_COD_CODES, 6);
  const af = register('AF', codes.AFIB_COD_CODES, codes.AFIBRES_COD_CODES, undefined);
  const ckd = register('CKD', codes.CKD_COD_CODES, undefined, 18);

  const header = (id: string, monthArithmetic?: 'clamp' | 'rollForward') =>
    specBuilder({
      id,
      participation: { type1OptOut: 'notApplied' },
      ...(monthArithmetic ? { monthArithmetic } : {}),
    });
  const registerSpec = (id: string, lib: QueryLibraryDocument, population: string) =>
    header(id).include(lib).output({ type: 'indicator', id, kind: 'register', population }).build();

  const specs: QuerySpecDocument[] = [
    registerSpec('DM017', dm, 'DM_REG'),
    registerSpec('HYP001', hyp, 'HYP_REG'),
    registerSpec('AST005', ast, 'AST_REG'),
    registerSpec('AF001', af, 'AF_REG'),
    registerSpec('CKD005', ckd, 'CKD_REG'),
  ];

  // Diabetes: latest HbA1c in the last 12 months at or below 58 (a value field with a tie policy).
  specs.push(
    header('DM006')
      .include(dm)
      .cluster('IFCCHBAM_COD', [HBA1C])
      .field({
        name: 'IFCCHBAM_DAT',
        kind: 'date',
        source: { cluster: 'IFCCHBAM_COD' },
        select: 'latest',
        where: '@date > (ACHV_DAT - 12 months) AND @date <= ACHV_DAT',
      })
      .field({
        name: 'IFCCHBAM_VAL',
        kind: 'value',
        recordedOn: 'IFCCHBAM_DAT',
        cluster: 'IFCCHBAM_COD',
        slot: 'value1',
        tie: 'max',
      })
      .output({
        type: 'indicator',
        id: 'DM006',
        kind: 'proportion',
        population: 'DM_REG',
        denominator: { aid: 'DM006-D', rules: [rule('PAT_AGE >= 17 years', 'select', 'reject')] },
        numerator: { aid: 'DM006-N', rules: [rule('IFCCHBAM_VAL <= 58', 'select', 'reject')] },
      })
      .build(),
  );
  // Hypertension: blood pressure readings in the last 2 years as arrays; rollForward month arithmetic.
  specs.push(
    header('HYP008', 'rollForward')
      .include(hyp)
      .cluster('BP_COD', [BP])
      .field({
        name: '{BP_DAT}',
        kind: 'dateArray',
        cluster: 'BP_COD',
        where: '@date > (ACHV_DAT - 24 months) AND @date <= ACHV_DAT',
      })
      .field({
        name: '[BPSYS_VAL]',
        kind: 'valueArray',
        recordedOnEach: '{BP_DAT}',
        cluster: 'BP_COD',
        slot: 'value1',
        tie: 'min',
      })
      .field({
        name: '[BPDIA_VAL]',
        kind: 'valueArray',
        recordedOnEach: '{BP_DAT}',
        cluster: 'BP_COD',
        slot: 'value2',
        tie: 'min',
      })
      .field({
        name: 'BPLAT_DAT',
        kind: 'date',
        source: { fromArray: '{BP_DAT}' },
        select: 'latest',
        where: '[BPSYS_VAL] <= 140 AND [BPDIA_VAL] <= 90',
      })
      .output({
        type: 'indicator',
        id: 'HYP008',
        kind: 'proportion',
        population: 'HYP_REG',
        denominator: { aid: 'HYP008-D', rules: [rule('PAT_AGE <= 79 years', 'select', 'reject')] },
        numerator: { aid: 'HYP008-N', rules: [rule('BPLAT_DAT != null', 'select', 'reject')] },
      })
      .output({
        type: 'count',
        name: 'HYP_BP2',
        kind: 'managementInformation',
        population: 'HYP_REG',
        aid: 'HYP-BP2',
        rules: [rule('count({BP_DAT}) >= 2', 'select', 'reject')],
      })
      .build(),
  );
  // The same blood pressure date array under another name and in clamp arithmetic: computed separately.
  specs.push(
    header('BP-MI')
      .include(registration)
      .cluster('BP_COD', [BP])
      .field({
        name: '{BP}',
        kind: 'dateArray',
        cluster: 'BP_COD',
        where: '@date > (ACHV_DAT - 24 months) AND @date <= ACHV_DAT',
      })
      .output({
        type: 'count',
        name: 'BP_RECORDED',
        kind: 'managementInformation',
        population: 'GMS_REG',
        aid: 'BP-MI-1',
        rules: [rule('count({BP}) >= 1 AND PAT_AGE >= 45 years', 'select', 'reject')],
      })
      .build(),
  );
  // Age bands under other names: the same definitions as PAT_AGE and the registration fields, shared.
  specs.push(
    header('AGE-MI')
      .parameter('ACHV_DAT', 'date', { run: true })
      .field({
        name: 'REG',
        kind: 'registrationDate',
        boundary: 'start',
        select: 'latest',
        where: '@date <= ACHV_DAT',
      })
      .field({ name: 'AGE', kind: 'age', at: 'ACHV_DAT' })
      .population({
        name: 'REGISTERED',
        kind: 'population',
        rules: [rule('REG != null', 'select', 'reject')],
      })
      .output({
        type: 'count',
        name: 'OVER_65',
        kind: 'managementInformation',
        population: 'REGISTERED',
        aid: 'AGE-MI-1',
        rules: [rule('AGE >= 65 years', 'select', 'reject')],
      })
      .build(),
  );
  // Multimorbidity: several registers in one specification.
  specs.push(
    header('MM-MI')
      .include(dm)
      .include(hyp)
      .include(ckd)
      .output({
        type: 'count',
        name: 'DM_HYP_CKD',
        kind: 'managementInformation',
        population: 'DM_REG',
        aid: 'MM-MI-1',
        rules: [rule('HYPLAT_DAT != null AND HYPRES_DAT = null AND CKDLAT_DAT != null', 'select', 'reject')],
      })
      .build(),
  );
  // A patient-level extract of the AF register with Type 1 opt-outs applied.
  specs.push(
    specBuilder({
      id: 'AF-PLE',
      participation: {
        type1OptOut: 'exclude',
        dissentCluster: 'T1DISSENT',
        dissentWithdrawnCluster: 'T1DISSENTWD',
      },
    })
      .include(af)
      .cluster('T1DISSENT', [codes.TYPE1_DISSENT_CODE])
      .cluster('T1DISSENTWD', [codes.TYPE1_DISSENT_WITHDRAWN_CODE])
      .output({
        type: 'patientLevelExtract',
        name: 'AF_PLE',
        population: 'AF_REG',
        patientTable: { qid: 1, columns: ['NHS-NUMBER', 'DATE-OF-BIRTH', 'SEX', 'POSTCODE', 'PRACTICE'] },
        journalsTables: [
          {
            qid: 2,
            columns: ['DATE', 'CODE', 'VALUE1-CONDITION', 'RECORD-DATE'],
            include: [{ cluster: 'AF_COD', where: '@date <= ACHV_DAT' }, { cluster: 'AFRES_COD' }],
          },
        ],
      })
      .build(),
  );
  return specs;
}
