/**
 * The TypeScript shape of a query specification (business-rules §3.4). This is the project's own format, not an
 * NHS Digital one; the XML encoding in `./xml-read.ts` and `./xml-write.ts` maps onto it one to one.
 */

/** What a rule does on one branch (P1). */
export type Action = 'select' | 'reject' | 'next';
/** Which of several same-day values a value field takes (P11). */
export type TiePolicy = 'min' | 'max' | 'latestRecorded';
/** Month and year arithmetic from days that do not exist in the target month (P7). */
export type MonthArithmetic = 'clamp' | 'rollForward';

/** Informative provenance and appendix data. */
export type SourceInfo = Readonly<
  Partial<Record<'title' | 'publisher' | 'version' | 'date' | 'trudVersion' | 'cqrsService' | 'url', string>>
>;

/** One Business Rules document, as data. */
export interface QuerySpecDocument {
  readonly formatVersion: 1;
  readonly id: string;
  readonly name?: string;
  readonly rulesetVersion?: string;
  readonly source?: SourceInfo;
  readonly policies?: { readonly monthArithmetic?: MonthArithmetic };
  /** Libraries whose definitions this specification uses, in order (XML `Include`). */
  readonly includes?: readonly IncludeDecl[];
  readonly participation: ParticipationDecl;
  readonly parameters: readonly ParameterDecl[];
  readonly clusters: readonly ClusterDecl[];
  readonly fields: readonly FieldDecl[];
  readonly populations: readonly PopulationDecl[];
  readonly outputs: readonly OutputDecl[];
}

/**
 * A library of shared definitions: parameters, clusters (code-list references), fields and populations (rule
 * tables) that specifications include instead of copying (XML root `QueryLibrary`).
 */
export interface QueryLibraryDocument {
  readonly formatVersion: 1;
  readonly id: string;
  readonly name?: string;
  /** Libraries this library builds on. */
  readonly includes?: readonly IncludeDecl[];
  readonly parameters: readonly ParameterDecl[];
  readonly clusters: readonly ClusterDecl[];
  readonly fields: readonly FieldDecl[];
  readonly populations: readonly PopulationDecl[];
}

/**
 * One included library. From XML it has an `href` (relative to the including file) and no `library` until
 * `loadSpec` reads it; the TypeScript builder gives the `library` itself.
 */
export interface IncludeDecl {
  readonly href?: string;
  readonly library?: QueryLibraryDocument;
}

/** The spec's participation declaration (P19a). */
export interface ParticipationDecl {
  readonly type1OptOut: 'exclude' | 'notApplied';
  readonly dissentCluster?: string;
  readonly dissentWithdrawnCluster?: string;
}

/** How a parameter gets its value (P20). */
export type ParameterBinding = { readonly value: string } | { readonly run: true } | { readonly aid: string };

/** A qualifying date or other parameter (§1.3). */
export interface ParameterDecl {
  readonly name: string;
  readonly type: 'date' | 'number' | 'text';
  readonly binding: ParameterBinding;
}

/** One member of a cluster. */
export interface ClusterMember {
  readonly code: string;
  readonly term?: string;
}

/** A clinical code cluster: the expanded members of a reference set (§1.6, P14). */
export interface ClusterDecl {
  readonly name: string;
  readonly refset?: string;
  readonly version?: string;
  readonly description?: string;
  /** @default SNOMED_CT_OID */
  readonly codeSystem: string;
  readonly members: readonly ClusterMember[];
  /**
   * An external member list (XML `Members`) not yet expanded. `loadSpec` expands it; `compileSpec` reports
   * `UNEXPANDED_MEMBERS` while it is present. (Project extension of the §3.4 shape, so XML round-trips.)
   */
  readonly membersRef?: { readonly href: string; readonly format: 'csv' };
}

/** Patient attributes a `PatientAttribute` field can return. */
export type PatientAttributeName =
  | 'patientId'
  | 'nhsNumber'
  | 'dateOfBirth'
  | 'dateOfDeath'
  | 'sex'
  | 'postcode';

/** A field of the clinical data extraction criteria (§1.7). */
export type FieldDecl = { readonly name: string; readonly criterion?: string } & (
  | { readonly kind: 'patientAttribute'; readonly attribute: PatientAttributeName }
  | { readonly kind: 'age'; readonly at: string }
  | {
      readonly kind: 'registrationDate';
      readonly boundary: 'start' | 'end';
      readonly select: 'latest' | 'earliest';
      readonly where?: string;
    }
  | {
      readonly kind: 'date';
      readonly source: { readonly cluster: string } | { readonly fromArray: string };
      readonly select: 'latest' | 'earliest';
      readonly where?: string;
    }
  | {
      readonly kind: 'value';
      readonly recordedOn: string;
      readonly cluster: string;
      readonly slot: 'value1' | 'value2';
      readonly tie: TiePolicy;
      readonly where?: string;
    }
  | { readonly kind: 'dateArray'; readonly cluster: string; readonly where?: string }
  | {
      readonly kind: 'valueArray';
      readonly recordedOnEach: string;
      readonly cluster: string;
      readonly slot: 'value1' | 'value2';
      readonly tie: TiePolicy;
      readonly where?: string;
    }
  | { readonly kind: 'latestOf' | 'earliestOf'; readonly of: readonly string[] }
);

/** The kinds of field, as a union of their `kind` tags. */
export type FieldKind = FieldDecl['kind'];

/** One row of a rule table (P1). */
export interface RuleDecl {
  readonly if: string;
  readonly ifTrue: Action;
  readonly ifFalse: Action;
  readonly comment?: string;
}

/** A population: the GMS registration status table, a register or a cohort (§1.4, §1.5). */
export interface PopulationDecl {
  readonly name: string;
  readonly kind: 'register' | 'cohort' | 'population';
  readonly appliesTo?: string;
  readonly description?: string;
  readonly version?: string;
  readonly rules: readonly RuleDecl[];
}

/** A register indicator: counts its population. */
export interface RegisterIndicatorDecl {
  readonly type: 'indicator';
  readonly id: string;
  readonly population: string;
  readonly kind: 'register';
  /** The QR aggregate's AID. Business Rules documents give none for a register; absent, the indicator `id` is used. */
  readonly aid?: string;
  readonly description?: string;
  readonly version?: string;
}

/** A denominator or numerator table of a proportion indicator. */
export interface IndicatorPartDecl {
  readonly aid: string;
  readonly description?: string;
  readonly rules: readonly RuleDecl[];
}

/** A proportion indicator: a denominator table over the population and a numerator table over the denominator. */
export interface ProportionIndicatorDecl {
  readonly type: 'indicator';
  readonly id: string;
  readonly population: string;
  readonly kind: 'proportion';
  readonly description?: string;
  readonly version?: string;
  readonly denominator: IndicatorPartDecl;
  readonly numerator: IndicatorPartDecl;
}

/** A population, payment or management-information count. */
export interface CountDecl {
  readonly type: 'count';
  readonly name: string;
  readonly kind: 'population' | 'payment' | 'managementInformation';
  readonly population: string;
  readonly aid: string;
  readonly description?: string;
  readonly rules: readonly RuleDecl[];
}

/** An aggregate record that reports a bound parameter. */
export interface ParameterValueDecl {
  readonly type: 'parameterValue';
  readonly parameter: string;
  readonly aid: string;
  readonly description?: string;
}

/** A `Journals-Table` of a patient-level extract. */
export interface JournalsTableDecl {
  readonly qid: number;
  readonly columns: readonly string[];
  readonly include: readonly { readonly cluster: string; readonly where?: string }[];
}

/** A patient-level extract (§5.3). */
export interface PatientLevelExtractDecl {
  readonly type: 'patientLevelExtract';
  readonly name: string;
  readonly population: string;
  readonly patientTable?: { readonly qid: number; readonly columns: readonly string[] };
  readonly journalsTables: readonly JournalsTableDecl[];
}

/** An output declaration (§1.9, §5). */
export type OutputDecl =
  | RegisterIndicatorDecl
  | ProportionIndicatorDecl
  | CountDecl
  | ParameterValueDecl
  | PatientLevelExtractDecl;

/** The XML namespace of the project's specification format. A private name: nothing is fetched from it. */
export const QUERY_SPEC_NAMESPACE = 'urn:gpes-sdk:query-spec:1';
