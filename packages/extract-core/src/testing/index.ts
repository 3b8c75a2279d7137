/**
 * Test support for vendors and for this package: a seeded, streaming synthetic population generator.
 * Every record it produces is synthetic (999-range NHS numbers, ZZ99 postcodes, `SYN-` patient ids).
 */
export { VERSION } from '../version.js';
export {
  DM_COD_CODES,
  DMRES_COD_CODES,
  TYPE1_DISSENT_CODE,
  TYPE1_DISSENT_WITHDRAWN_CODE,
} from './codes.js';
export { dm017SpecPath, loadDm017Spec } from './dm017.js';
export {
  type GeneratePopulationOptions,
  generatePopulation,
  type SyntheticPopulation,
} from './population.js';
