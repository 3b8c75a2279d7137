/**
 * Codes the generator draws journal entries from. The diabetes codes are the members of the DM017 clusters
 * (OpenCodelists snapshots of the PCD refsets, shipped in `fixtures/dm017/codelists`), so generated records
 * exercise the diabetes register. Every other code is illustrative only: chosen to look like SNOMED CT / dm+d
 * identifiers, never asserted to be a current concept or to mean anything clinically.
 */

/** Members of DM_COD (refset ^999004691000230108), as in `codelists/dm_cod.csv`. */
export const DM_COD_CODES: readonly string[] = [
  '111552007',
  '112991000000101',
  '11530004',
  '127012008',
  '127013003',
  '127014009',
  '1481000119100',
  '190368000',
  '190369008',
  '190372001',
  '190388001',
  '190389009',
  '190390000',
  '201724008',
  '230577008',
  '237599002',
  '237601000',
  '237604008',
  '237612000',
  '237613005',
  '237618001',
  '237619009',
  '268519009',
  '284449005',
  '290002008',
  '313435000',
  '313436004',
  '314771006',
  '314893005',
  '314902007',
  '314903002',
  '314904008',
  '335621000000101',
  '368711000119106',
  '385041000000108',
  '395204000',
  '401110002',
  '408540003',
  '413183008',
  '420270002',
  '420825003',
  '421075007',
  '421305000',
  '421437000',
  '421631007',
  '421750000',
  '421847006',
  '422228004',
  '426705001',
  '426875007',
  '427089005',
  '44054006',
  '443694000',
  '444073006',
  '445353002',
  '46635009',
  '4855003',
  '49455004',
  '51002006',
  '5368009',
  '5969009',
  '609561005',
  '609562003',
  '609572000',
  '703136005',
  '703137001',
  '703138006',
  '70694009',
  '724276006',
  '73211009',
  '737212004',
  '739681000',
  '75682002',
  '768792007',
  '768793002',
  '768794008',
  '816067005',
  '82581000119105',
  '8801005',
];

/** Members of DMRES_COD (refset ^999003371000230102), as in `codelists/dmres_cod.csv`. */
export const DMRES_COD_CODES: readonly string[] = ['315051004'];

/** SNOMED CT "dissent from secondary use of GP patient identifiable data" (Type 1 opt-out, business-rules P19a). */
export const TYPE1_DISSENT_CODE = '827241000000103';

/**
 * The code the generator uses for "dissent withdrawn". Illustrative: the reference names no public source for it,
 * so a spec that tests withdrawal must list this code in its dissent-withdrawn cluster.
 */
export const TYPE1_DISSENT_WITHDRAWN_CODE = '827261000000102';

/**
 * A code recorded with numeric values, and the value ranges the generator draws from (`[min, max, decimals]`).
 */
export interface ValuedCode {
  readonly code: string;
  readonly kind: 'condition' | 'prescription';
  readonly value1?: readonly [min: number, max: number, decimals: number];
  readonly value2?: readonly [min: number, max: number, decimals: number];
}

/** An HbA1c-like observation (mmol/mol) that diabetic patients have more often. @internal */
export const HBA1C: ValuedCode = { code: '999791000000106', kind: 'condition', value1: [28, 120, 0] };

/**
 * Illustrative hypertension register codes (HYP_COD-like). The project ships no hypertension code list: these
 * look like SNOMED CT diagnosis concepts and are what the generator records, so a spec that lists them finds
 * the generated hypertensive patients.
 */
export const HYP_COD_CODES: readonly string[] = ['38341003', '59621000', '1201005', '10725009'];
/** Illustrative "hypertension resolved" codes (HYPRES_COD-like). */
export const HYPRES_COD_CODES: readonly string[] = ['162659009'];
/** Illustrative asthma register codes (AST_COD-like). */
export const AST_COD_CODES: readonly string[] = ['195967001', '389145006', '233678006', '266361008'];
/** Illustrative "asthma resolved" codes (ASTRES_COD-like). */
export const ASTRES_COD_CODES: readonly string[] = ['162660004'];
/** Illustrative atrial fibrillation register codes (AFIB_COD-like). */
export const AFIB_COD_CODES: readonly string[] = ['49436004', '282825002', '440059007', '5370000'];
/** Illustrative "atrial fibrillation resolved" codes (AFIBRES_COD-like). */
export const AFIBRES_COD_CODES: readonly string[] = ['196371000000102'];
/** Illustrative chronic kidney disease (stage 3 to 5) register codes (CKD_COD-like). */
export const CKD_COD_CODES: readonly string[] = [
  '433144002',
  '700378005',
  '700379002',
  '431857002',
  '433146000',
];

/**
 * Everyday journal content that belongs to no register: observations with values, symptoms, minor illnesses,
 * administrative codes and prescriptions. None is a member of a cluster of the default conditions or of the
 * shipped DM017 code lists (the package's tests check this). @internal
 */
export const FILLER: readonly ValuedCode[] = [
  { code: '163020007', kind: 'condition', value1: [95, 190, 0], value2: [55, 110, 0] },
  { code: '27113001', kind: 'condition', value1: [3, 160, 1] },
  { code: '50373000', kind: 'condition', value1: [0.5, 2.05, 2] },
  { code: '60621009', kind: 'condition', value1: [14, 48, 1] },
  { code: '1005671000000105', kind: 'condition', value1: [2.5, 9.5, 1] },
  HBA1C,
  { code: '77176002', kind: 'condition' },
  { code: '8517006', kind: 'condition' },
  { code: '266919005', kind: 'condition' },
  { code: '386661006', kind: 'condition' },
  { code: '162397003', kind: 'condition' },
  { code: '68566005', kind: 'condition' },
  { code: '444814009', kind: 'condition' },
  { code: '10509002', kind: 'condition' },
  { code: '185349003', kind: 'condition' },
  { code: '390906007', kind: 'condition' },
  { code: '268565007', kind: 'condition' },
  { code: '714035009', kind: 'condition' },
  { code: '822851000000102', kind: 'condition' },
  { code: '401191002', kind: 'condition' },
  { code: '318853009', kind: 'prescription', value1: [28, 112, 0] },
  { code: '319283006', kind: 'prescription', value1: [28, 56, 0] },
  { code: '320000009', kind: 'prescription', value1: [28, 84, 0] },
  { code: '322236009', kind: 'prescription', value1: [16, 100, 0] },
  { code: '325278007', kind: 'prescription', value1: [56, 168, 0] },
  { code: '317972000', kind: 'prescription', value1: [1, 2, 0] },
];

/** The codes of the everyday journal content: they belong to no register cluster. */
export const FILLER_CODES: readonly string[] = FILLER.map((c) => c.code);

/** CTV3's CodeSchemeID: entries in this scheme must never match a SNOMED CT cluster (P16). */
export { CTV3_OID } from '../record.js';
