import { SpecError } from '../errors.js';

/** The SpecError for a construct `compileSpecToSql` cannot translate exactly. @internal */
export function unsupported(path: string, what: string): SpecError {
  return new SpecError([
    {
      code: 'NOT_COMPILABLE_TO_SQL',
      severity: 'error',
      path,
      message: `cannot be compiled to SQL: ${what}`,
    },
  ]);
}
