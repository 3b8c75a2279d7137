/**
 * Test support for vendors and for this package: a seeded, streaming synthetic population generator.
 * Every record it produces is synthetic (999-range NHS numbers, ZZ99 postcodes, `SYN-` patient ids).
 */
export { VERSION } from '../version.js';
export {
  AFIB_COD_CODES,
  AFIBRES_COD_CODES,
  AST_COD_CODES,
  ASTRES_COD_CODES,
  CKD_COD_CODES,
  DM_COD_CODES,
  DMRES_COD_CODES,
  FILLER_CODES,
  HYP_COD_CODES,
  HYPRES_COD_CODES,
  TYPE1_DISSENT_CODE,
  TYPE1_DISSENT_WITHDRAWN_CODE,
  type ValuedCode,
} from './codes.js';
export { dm017SpecPath, loadDm017Spec } from './dm017.js';
export {
  type ConditionPrevalence,
  DEFAULT_CONDITIONS,
  type GeneratePopulationOptions,
  generatePopulation,
  type SyntheticPopulation,
} from './population.js';
