import { SNOMED_CT_OID } from '../record.js';
import type {
  Action,
  ClusterDecl,
  ClusterMember,
  FieldDecl,
  IncludeDecl,
  MonthArithmetic,
  OutputDecl,
  ParameterBinding,
  ParameterDecl,
  ParticipationDecl,
  PopulationDecl,
  QueryLibraryDocument,
  QuerySpecDocument,
  RuleDecl,
  SourceInfo,
} from './model.js';

/** The header of a spec built in TypeScript. */
export interface SpecHeader {
  readonly id: string;
  readonly name?: string;
  readonly rulesetVersion?: string;
  readonly source?: SourceInfo;
  /** @default 'clamp' (P7) */
  readonly monthArithmetic?: MonthArithmetic;
  /** Required: every spec declares how Type 1 opt-outs apply (P19a). */
  readonly participation: ParticipationDecl;
}

/**
 * Builds a {@link QuerySpecDocument} step by step. Every method returns a new builder, so a partly built spec
 * can be shared and extended. Nothing is validated until `compileSpec`.
 */
export interface SpecBuilder {
  /** Adds a parameter: `{ value }` (fixed), `{ run: true }` (RunContext.parameters) or `{ aid }` (RTP). */
  parameter(name: string, type: ParameterDecl['type'], binding: ParameterBinding): SpecBuilder;
  /** Adds a cluster from member codes (strings or `{ code, term }`). */
  cluster(
    name: string,
    members: readonly (string | ClusterMember)[],
    info?: Omit<ClusterDecl, 'name' | 'members' | 'codeSystem'> & { readonly codeSystem?: string },
  ): SpecBuilder;
  /** Adds a field. */
  field(decl: FieldDecl): SpecBuilder;
  /** Adds a population with its rule table. */
  population(decl: PopulationDecl): SpecBuilder;
  /** Adds an output. */
  output(decl: OutputDecl): SpecBuilder;
  /**
   * Includes a library's definitions (fields, clusters, parameters, populations) as if they were written here.
   * A name defined both here and in the library is a compile error naming both places.
   * @param href where the library lives, for messages and for `writeSpecXml`; defaults to the library's id.
   */
  include(library: QueryLibraryDocument, href?: string): SpecBuilder;
  /** The document, ready for `compileSpec` or `writeSpecXml`. */
  build(): QuerySpecDocument;
}

/** Builds a {@link QueryLibraryDocument}: shared definitions that specifications include. */
export interface LibraryBuilder {
  parameter(name: string, type: ParameterDecl['type'], binding: ParameterBinding): LibraryBuilder;
  cluster(
    name: string,
    members: readonly (string | ClusterMember)[],
    info?: Omit<ClusterDecl, 'name' | 'members' | 'codeSystem'> & { readonly codeSystem?: string },
  ): LibraryBuilder;
  field(decl: FieldDecl): LibraryBuilder;
  population(decl: PopulationDecl): LibraryBuilder;
  /** Builds on another library. */
  include(library: QueryLibraryDocument, href?: string): LibraryBuilder;
  build(): QueryLibraryDocument;
}

function clusterDecl(
  name: string,
  members: readonly (string | ClusterMember)[],
  info: Omit<ClusterDecl, 'name' | 'members' | 'codeSystem'> & { readonly codeSystem?: string } = {},
): ClusterDecl {
  return {
    ...info,
    name,
    codeSystem: info.codeSystem ?? SNOMED_CT_OID,
    members: members.map((m) => (typeof m === 'string' ? { code: m } : m)),
  };
}

const includeDecl = (library: QueryLibraryDocument, href?: string): IncludeDecl =>
  href === undefined ? { library } : { href, library };

/** The definition methods a specification builder and a library builder share. */
interface DefinitionMethods<B> {
  parameter(name: string, type: ParameterDecl['type'], binding: ParameterBinding): B;
  cluster(
    name: string,
    members: readonly (string | ClusterMember)[],
    info?: Omit<ClusterDecl, 'name' | 'members' | 'codeSystem'> & { readonly codeSystem?: string },
  ): B;
  field(decl: FieldDecl): B;
  population(decl: PopulationDecl): B;
  include(library: QueryLibraryDocument, href?: string): B;
}

function definitions<D extends QueryLibraryDocument | QuerySpecDocument, B>(
  doc: D,
  make: (doc: D) => B,
): DefinitionMethods<B> {
  return {
    parameter: (name, type, binding) =>
      make({ ...doc, parameters: [...doc.parameters, { name, type, binding }] }),
    cluster: (name, members, info) =>
      make({ ...doc, clusters: [...doc.clusters, clusterDecl(name, members, info)] }),
    field: (decl) => make({ ...doc, fields: [...doc.fields, decl] }),
    population: (decl) => make({ ...doc, populations: [...doc.populations, decl] }),
    include: (library, href) =>
      make({ ...doc, includes: [...(doc.includes ?? []), includeDecl(library, href)] }),
  };
}

/**
 * Starts building a library of shared definitions in TypeScript.
 * @example
 * const registration = libraryBuilder({ id: 'registration' })
 *   .parameter('ACHV_DAT', 'date', { run: true })
 *   .build();
 */
export function libraryBuilder(header: { readonly id: string; readonly name?: string }): LibraryBuilder {
  const make = (doc: QueryLibraryDocument): LibraryBuilder => ({
    ...definitions(doc, make),
    build: () => doc,
  });
  return make({
    formatVersion: 1,
    id: header.id,
    ...(header.name !== undefined ? { name: header.name } : {}),
    parameters: [],
    clusters: [],
    fields: [],
    populations: [],
  });
}

/** One rule-table row (P1). */
export function rule(condition: string, ifTrue: Action, ifFalse: Action, comment?: string): RuleDecl {
  return comment === undefined
    ? { if: condition, ifTrue, ifFalse }
    : { if: condition, ifTrue, ifFalse, comment };
}

/**
 * Starts building a specification in TypeScript.
 * @example
 * const doc = specBuilder({ id: 'X', participation: { type1OptOut: 'notApplied' } })
 *   .parameter('ACHV_DAT', 'date', { run: true })
 *   .build();
 */
export function specBuilder(header: SpecHeader): SpecBuilder {
  const make = (doc: QuerySpecDocument): SpecBuilder => ({
    ...definitions(doc, make),
    output: (decl) => make({ ...doc, outputs: [...doc.outputs, decl] }),
    build: () => doc,
  });
  return make({
    formatVersion: 1,
    id: header.id,
    ...(header.name !== undefined ? { name: header.name } : {}),
    ...(header.rulesetVersion !== undefined ? { rulesetVersion: header.rulesetVersion } : {}),
    ...(header.source !== undefined ? { source: header.source } : {}),
    ...(header.monthArithmetic !== undefined
      ? { policies: { monthArithmetic: header.monthArithmetic } }
      : {}),
    participation: header.participation,
    parameters: [],
    clusters: [],
    fields: [],
    populations: [],
    outputs: [],
  });
}
