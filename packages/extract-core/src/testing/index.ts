/** Test support for vendors and for this package: a seeded synthetic population generator. */
export { VERSION } from '../version.js';
