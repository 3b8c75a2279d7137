import { inspect } from 'node:util';

/**
 * Codes of {@link SpecIssue}s (business-rules §3.3.2, plus the reader's codes). Errors stop compilation; warnings
 * do not.
 */
export type SpecIssueCode =
  /** Two parameters, clusters, fields, populations or outputs share a name. Rename one. */
  | 'DUPLICATE_NAME'
  /** A condition or attribute refers to a name that is not declared. Declare it or fix the spelling. */
  | 'UNKNOWN_NAME'
  /** A comparison or arithmetic operation has incompatible operands (a date compared with a number). */
  | 'TYPE_MISMATCH'
  /** `@date`, `@value1`, `@value2` or an aligned `[NAME]` used outside its scope. */
  | 'CANDIDATE_OUT_OF_SCOPE'
  /** A field, population or parameter depends on itself, directly or indirectly. */
  | 'CYCLE'
  /** The last rule of a table has `next` on either branch (P1). */
  | 'LAST_RULE_NEXT'
  /** A `Population` or `Numerator` has no rules. */
  | 'EMPTY_RULE_TABLE'
  /** A `Value` or `ValueArray` has no `tie` (P11). */
  | 'MISSING_TIE_POLICY'
  /** A `DateArray` name lacks braces, a `ValueArray` name lacks brackets, or a scalar name has either. */
  | 'ARRAY_NAME_FORM'
  /** A parameter has no binding, more than one, an invalid literal, or (in `bind`) no usable run-time value. */
  | 'BAD_PARAMETER_BINDING'
  /** A `Cluster` still has a `Members` reference at compile time. Load the spec with `loadSpec`. */
  | 'UNEXPANDED_MEMBERS'
  /** `type1OptOut` is absent, or `exclude` without a dissent cluster. */
  | 'MISSING_PARTICIPATION'
  /** Two patient-level tables share a `qid`. */
  | 'DUPLICATE_QID'
  /** `REG_DAT` or `DEREG_DAT` is defined other than as P17 requires. */
  | 'REGISTRATION_FIELD_SHAPE'
  /** A condition cannot be parsed (3.3.1). Project code. */
  | 'CONDITION_SYNTAX'
  /** The specification text is not well-formed XML, or declares a DTD. Project code. */
  | 'XML_SYNTAX'
  /**
   * The document does not follow §3.3/§3.4: an unknown element, a missing or invalid attribute or property, a
   * wrong `formatVersion`. Project code.
   */
  | 'INVALID_STRUCTURE'
  /** A `Members` list could not be read or parsed by `loadSpec`. Project code. */
  | 'MEMBERS_UNREADABLE'
  /** An included library could not be read or parsed by `loadSpec`, or its `href` is not a relative path. Project code. */
  | 'INCLUDE_UNREADABLE'
  /** An include has not been read (`loadSpec` reads them). Project code. */
  | 'UNRESOLVED_INCLUDE'
  /** A library includes, directly or through others, a library that is being included. Project code. */
  | 'INCLUDE_CYCLE'
  /** `compileSpecToSql`: a construct or run setting that cannot run as SQL (it names the construct). Project code. */
  | 'NOT_COMPILABLE_TO_SQL'
  /** Warning: AND and OR mixed without parentheses. */
  | 'MIXED_AND_OR'
  /** Warning: NOT over a comparison whose operands can be null (P4). */
  | 'NOT_OVER_NULLABLE'
  /** Warning: a field no rule, output or other field uses. */
  | 'UNUSED_FIELD'
  /** Warning: a cluster with no members. */
  | 'EMPTY_CLUSTER'
  /** Warning: the dissent cluster lacks 827241000000103 (P19a). */
  | 'DISSENT_CLUSTER_WITHOUT_T1_CODE';

/** One problem found in a specification, with its path into the spec. */
export interface SpecIssue {
  readonly code: SpecIssueCode;
  readonly severity: 'error' | 'warning';
  /** E.g. `/QuerySpecification/Populations/Population[@name="DM_REG"]/Rule[2]`. */
  readonly path: string;
  readonly message: string;
}

/**
 * The specification is invalid. Carries every issue found, each with a path into the spec; specifications hold
 * no patient data, so messages may quote names from the spec.
 */
export class SpecError extends Error {
  override readonly name = 'SpecError';
  /** Every error (and the warnings found with them). */
  readonly issues: readonly SpecIssue[];

  constructor(issues: readonly SpecIssue[], options?: { cause?: unknown }) {
    const errors = issues.filter((i) => i.severity === 'error');
    const first = errors[0] ?? issues[0];
    const summary = first ? `${first.code} at ${first.path}: ${first.message}` : 'no issues recorded';
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    super(`Invalid query specification: ${summary}${more}`, options);
    this.issues = issues;
  }

  /** Brand for {@link isSpecError}, which works across ESM and CJS copies of this package. */
  get isSpecError(): true {
    return true;
  }
}

/** True for a {@link SpecError} from any copy of this package. */
export function isSpecError(error: unknown): error is SpecError {
  return (
    error instanceof SpecError ||
    (typeof error === 'object' && error !== null && (error as { isSpecError?: unknown }).isSpecError === true)
  );
}

/** Codes of {@link ExtractConfigError}. */
export type ExtractConfigErrorCode =
  /** An RTP exclusion code has IncludeChildren=true and no `RunContext.subsumption` is configured (P15). */
  | 'SUBSUMPTION_PROVIDER_REQUIRED'
  /** The configured SubsumptionProvider threw or returned something that is not an iterable of codes. */
  | 'SUBSUMPTION_PROVIDER_FAILED'
  /** NCRS-Detailed-Care-Record-Sharing is true and no `detailedCareRecordSharing` hook is configured (P19e). */
  | 'CARE_RECORD_SHARING_HOOK_REQUIRED'
  /** The run context is malformed (e.g. `participation` missing or not booleans). */
  | 'INVALID_RUN_CONTEXT'
  /** The SQL runner needs `@electric-sql/pglite` or `pg` (and `pg-cursor`), which are optional peers: install one. */
  | 'SQL_DRIVER_MISSING';

/** The run context cannot be honoured: the run refuses to start rather than guess. */
export class ExtractConfigError extends Error {
  override readonly name = 'ExtractConfigError';
  readonly code: ExtractConfigErrorCode;

  constructor(code: ExtractConfigErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** Brand for {@link isExtractConfigError}. */
  get isExtractConfigError(): true {
    return true;
  }

  /** Prints code and message only. */
  [inspect.custom](): string {
    return `ExtractConfigError [${this.code}]: ${this.message}`;
  }
}

/** True for an {@link ExtractConfigError} from any copy of this package. */
export function isExtractConfigError(error: unknown): error is ExtractConfigError {
  return (
    error instanceof ExtractConfigError ||
    (typeof error === 'object' &&
      error !== null &&
      (error as { isExtractConfigError?: unknown }).isExtractConfigError === true)
  );
}
