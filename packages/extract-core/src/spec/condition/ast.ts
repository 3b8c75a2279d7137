/** The parsed condition language (business-rules §3.3.1). */

/** A comparison operator, normalised to ASCII. */
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
/** A calendar unit of date arithmetic. */
export type DateUnit = 'day' | 'month' | 'year';
/** A function of the condition language. */
export type FunctionName = 'latestOf' | 'earliestOf' | 'count' | 'min' | 'max';

/** A reference to a field or parameter; `form` records braces (`{X}`) or brackets (`[X]`). */
export interface NameRef {
  readonly kind: 'name';
  /** The name as declared, with its braces or brackets. */
  readonly name: string;
  readonly form: 'plain' | 'brace' | 'bracket';
}

/** An operand: a value of type date, number or text. */
export type Operand =
  | NameRef
  | { readonly kind: 'candidate'; readonly which: 'date' | 'value1' | 'value2' }
  | { readonly kind: 'dateLiteral'; readonly day: number; readonly text: string }
  | { readonly kind: 'number'; readonly value: number; readonly text: string }
  | { readonly kind: 'years'; readonly value: number }
  | { readonly kind: 'text'; readonly value: string }
  | { readonly kind: 'call'; readonly fn: FunctionName; readonly args: readonly NameRef[] }
  | {
      readonly kind: 'offset';
      readonly base: Operand;
      readonly sign: 1 | -1;
      readonly amount: number;
      readonly unit: DateUnit;
    }
  | { readonly kind: 'group'; readonly inner: Operand };

/** A condition: true or false (P4: two-valued). */
export type Condition =
  | { readonly kind: 'or'; readonly items: readonly Condition[] }
  | { readonly kind: 'and'; readonly items: readonly Condition[] }
  | { readonly kind: 'not'; readonly item: Condition }
  | { readonly kind: 'paren'; readonly item: Condition }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'isNull'; readonly negated: boolean; readonly operand: Operand };

/** A syntax problem, with the character offset where it was found. */
export interface ConditionSyntaxError {
  readonly offset: number;
  readonly message: string;
}
