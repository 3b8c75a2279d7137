/**
 * What decoders report instead of throwing. Messages never contain the offending value unless the
 * caller asked for values (`includeValues: true`), because values may be patient data.
 */
export interface DecodeIssue {
  /** XPath-like for XML (`/GPES-Q-E-RTP-Message/Run-Time-Parameters/Execution-Date`); `row 14, column "x"` for CSV. */
  readonly path: string;
  readonly code: DecodeIssueCode;
  readonly message: string;
  /** What the schema expects, in words or as a pattern; never input data. */
  readonly expected?: string;
  /** The offending value; present only when the caller passed `includeValues: true`. */
  readonly value?: string;
}

/** The result of every decoder: never a thrown error for bad input. */
export type DecodeResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly DecodeIssue[] };

/**
 * Every issue code, documented in the package README with what to do.
 * Grouped: the document could not be read (XML_*, LIMIT_*, ENCODING_*), the document is not the
 * message asked for (WRONG_*), a field breaks the schema's data-type rules (the rest).
 */
export type DecodeIssueCode =
  | 'XML_MALFORMED'
  | 'XML_DOCTYPE_FORBIDDEN'
  | 'XML_ENTITY_FORBIDDEN'
  | 'LIMIT_DEPTH'
  | 'LIMIT_ATTRIBUTES'
  | 'LIMIT_TEXT_LENGTH'
  | 'LIMIT_DOCUMENT_SIZE'
  | 'ENCODING_UNSUPPORTED'
  | 'ENCODING_INVALID'
  | 'WRONG_ROOT'
  | 'WRONG_NAMESPACE'
  | 'UNKNOWN_MESSAGE'
  | 'MISSING_ELEMENT'
  | 'MISSING_ATTRIBUTE'
  | 'UNEXPECTED_ELEMENT'
  | 'UNEXPECTED_ATTRIBUTE'
  | 'UNEXPECTED_TEXT'
  | 'TOO_MANY'
  | 'TOO_FEW'
  | 'OUT_OF_ORDER'
  | 'INVALID_VALUE'
  | 'INVALID_PATTERN'
  | 'INVALID_ENUM'
  | 'INVALID_LENGTH'
  | 'INVALID_DATE'
  | 'INVALID_DATETIME'
  | 'INVALID_NUMBER'
  | 'NUMBER_TOO_LARGE'
  | 'INVALID_UUID'
  | 'INVALID_FIXED'
  | 'CSV_MALFORMED'
  | 'CSV_HEADER'
  | 'CSV_COLUMN_COUNT'
  | 'MISSING_VALUE'
  | 'INCONSISTENT'
  | 'TOO_MANY_ISSUES';

/** Issues listed per document before the rest are counted in one `TOO_MANY_ISSUES` issue. */
export const DEFAULT_MAX_ISSUES = 1000;

/** Options every decoder takes. */
export interface DecodeOptions {
  /**
   * Put the offending value into each issue (`issue.value`) and its message.
   * Off by default: values may be patient data and issues end up in logs.
   * @default false
   */
  readonly includeValues?: boolean;
  /**
   * Issues listed per document. Past it, one final `TOO_MANY_ISSUES` issue says how many more there were, so a
   * megabyte of junk cannot become hundreds of thousands of issue objects.
   * @default 1000
   */
  readonly maxIssues?: number;
}

/**
 * One issue. The value enters it (and its message) only when the caller opted in with `includeValues`: values may
 * be patient data and issues end up in logs. The only place that rule is applied.
 */
export function makeIssue(
  path: string,
  code: DecodeIssueCode,
  message: string,
  ctx: { readonly includeValues: boolean },
  expected?: string,
  value?: string,
): DecodeIssue {
  const issue = expected === undefined ? { path, code, message } : { path, code, message, expected };
  if (!ctx.includeValues || value === undefined) return issue;
  return { ...issue, message: `${message} (value: ${JSON.stringify(value)})`, value };
}

/**
 * The Query Results header's reporting conventions, kept when it moved onto the shared reader and writer (ADR 0008):
 * its own terse wording; children found by name wherever they stand (only one after a later-ranked sibling is
 * `OUT_OF_ORDER`, a repeated single element is `TOO_MANY`, an absent one is read as empty so that its required
 * content is reported too); an absent list `TOO_FEW`; list items always indexed, as its records and rows are; on
 * encode, strings only (`null` and numbers are of the wrong type) and a non-object where an element's object belongs
 * reported as that element missing.
 */
export interface IssueStyle {
  message(path: string, code: DecodeIssueCode): string;
}

/**
 * Collects the issues of one decode or encode pass (see {@link makeIssue} for when values appear).
 */
export class IssueCollector {
  readonly issues: DecodeIssue[] = [];
  private readonly maxIssues: number;
  private suppressed = 0;
  constructor(
    readonly includeValues: boolean,
    maxIssues: number = DEFAULT_MAX_ISSUES,
    readonly style?: IssueStyle,
  ) {
    this.maxIssues = Number.isSafeInteger(maxIssues) && maxIssues > 0 ? maxIssues : DEFAULT_MAX_ISSUES;
  }

  add(path: string, code: DecodeIssueCode, message: string, expected?: string, value?: string): void {
    if (this.issues.length < this.maxIssues) {
      const worded = this.style?.message(path, code) ?? message;
      this.issues.push(makeIssue(path, code, worded, this, expected, value));
      return;
    }
    // The summary is rewritten in place: one object however many issues follow.
    this.suppressed++;
    this.issues[this.maxIssues] = {
      path,
      code: 'TOO_MANY_ISSUES',
      message: `${this.suppressed} more issue(s) not listed (maxIssues is ${this.maxIssues}); the last at this path`,
    };
  }

  /** Throws when any issue was collected. */
  throwIfIssues(message: string): void {
    if (this.issues.length > 0) throw new MessageDecodeError(message, this.issues);
  }
}

/** Thrown by the `…OrThrow` decoders and by encoders that refuse invalid input. */
export class MessageDecodeError extends Error {
  override readonly name = 'MessageDecodeError';
  readonly issues: readonly DecodeIssue[];
  constructor(message: string, issues: readonly DecodeIssue[]) {
    super(`${message}: ${issues.length} issue(s); first: ${issues[0]?.path ?? '-'} ${issues[0]?.code ?? ''}`);
    this.issues = issues;
  }
  /** Brand for `isMessageDecodeError`, which must work across ESM and CJS copies of the package. */
  get isMessageDecodeError(): true {
    return true;
  }
}

export function isMessageDecodeError(error: unknown): error is MessageDecodeError {
  return (
    error instanceof MessageDecodeError ||
    (typeof error === 'object' &&
      error !== null &&
      (error as { isMessageDecodeError?: unknown }).isMessageDecodeError === true)
  );
}
