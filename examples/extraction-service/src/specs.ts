import { fileURLToPath } from 'node:url';

/**
 * The specifications this example holds locally, by query identifier. `D01700` is the query identifier chosen for
 * the demo (GPES's real identifiers are not public); it names a copy of the QOF v46 DM017 register specification,
 * the `@gpes/extract-core` fixture (`specs/dm017/`, with its cluster member lists). `D01701` is an example
 * patient-level extract built on the same register (`specs/dm017-patient-level/`), not an NHS Digital requirement.
 */
export const EXAMPLE_SPECIFICATIONS: Readonly<Record<string, string>> = Object.freeze({
  D01700: fileURLToPath(new URL('../specs/dm017/dm017.xml', import.meta.url)),
  D01701: fileURLToPath(new URL('../specs/dm017-patient-level/dm017-patient-level.xml', import.meta.url)),
});
