import type { FieldDecl } from '../spec/model.js';

/** Static types of the condition language. `age` is a number that may be compared with `N years`. */
export type ValueType = 'date' | 'number' | 'text' | 'age' | 'years' | 'dateArray' | 'valueArray';

/** What a name in a condition refers to. */
export type SymbolInfo =
  | { readonly kind: 'param'; readonly type: 'date' | 'number' | 'text' }
  | { readonly kind: 'field'; readonly type: ValueType; readonly decl: FieldDecl };

/** The names visible to conditions: parameters and fields. */
export type SymbolTable = ReadonlyMap<string, SymbolInfo>;

/** The static type of a field's value. */
export function fieldType(decl: FieldDecl): ValueType {
  switch (decl.kind) {
    case 'patientAttribute':
      return decl.attribute === 'dateOfBirth' || decl.attribute === 'dateOfDeath' ? 'date' : 'text';
    case 'age':
      return 'age';
    case 'registrationDate':
    case 'date':
    case 'latestOf':
    case 'earliestOf':
      return 'date';
    case 'value':
      return 'number';
    case 'dateArray':
      return 'dateArray';
    case 'valueArray':
      return 'valueArray';
  }
}

/** Where a condition is evaluated, which decides the candidate names it may use (§3.3.1). */
export type CandidateScope =
  | { readonly kind: 'none' }
  /** A journal entry: `@date`, `@value1`, `@value2`. */
  | { readonly kind: 'entry' }
  /** A registration boundary: `@date` only (a registration has no values). */
  | { readonly kind: 'registration' }
  /** A date of a date array: `@date` and the value arrays recorded on each date of that array. */
  | { readonly kind: 'arrayDate'; readonly array: string };
