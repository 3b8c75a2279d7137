import { fieldElement, parameterElement, pred, ROOT } from '../compile/paths.js';
import type { SpecIssue } from '../errors.js';
import type {
  ClusterDecl,
  FieldDecl,
  IncludeDecl,
  ParameterDecl,
  PopulationDecl,
  QueryLibraryDocument,
  QuerySpecDocument,
} from './model.js';

const LIBRARY_ROOT = '/QueryLibrary';
const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/** Where a definition comes from: the file (or library) and the path inside it. */
interface Origin {
  /** `the specification`, or `library "lib/registration.xml"`. */
  readonly where: string;
  /** The path of the definition in the specification's own terms (what `analyse` reports). */
  readonly specPath: string;
  /** The path of the definition where it is written. */
  readonly path: string;
}

/** The result of {@link flattenIncludes}. @internal */
export interface Flattened {
  /** The specification with every included definition in place and no `includes`. */
  readonly document: QuerySpecDocument;
  /**
   * Rewrites an issue's path that points at an included definition to the library it is written in, and tells
   * whether the definition came from a library.
   */
  readonly relocate: (issue: SpecIssue) => SpecIssue;
  /** Names of fields defined in libraries. */
  readonly includedFields: ReadonlySet<string>;
}

function label(inc: IncludeDecl, lib: QueryLibraryDocument | undefined): string {
  if (typeof inc.href === 'string') return `library "${inc.href}"`;
  return `library "${lib && typeof lib.id === 'string' ? lib.id : '?'}"`;
}

/** A stable location prefix for paths inside a library. */
function libraryPathPrefix(inc: IncludeDecl, lib: QueryLibraryDocument): string {
  return `${typeof inc.href === 'string' ? inc.href : lib.id}#${LIBRARY_ROOT}`;
}

/**
 * Puts the definitions of every included library (depth first, each library once) before the specification's
 * own. A name defined in two places is a `DUPLICATE_NAME` naming both; an include that leads back to a library
 * being included is an `INCLUDE_CYCLE` naming both; an include `loadSpec` has not read is `UNRESOLVED_INCLUDE`.
 * @internal
 */
export function flattenIncludes(doc: QuerySpecDocument, issues: SpecIssue[]): Flattened {
  const includes = doc.includes;
  if (includes === undefined || (Array.isArray(includes) && includes.length === 0)) {
    return { document: doc, relocate: (i) => i, includedFields: new Set() };
  }
  const parameters: ParameterDecl[] = [];
  const clusters: ClusterDecl[] = [];
  const fields: FieldDecl[] = [];
  const populations: PopulationDecl[] = [];
  const symbols = new Map<string, Origin>();
  const clusterNames = new Map<string, Origin>();
  const populationNames = new Map<string, Origin>();
  const relocations = new Map<string, string>();
  const includedFields = new Set<string>();
  const done = new Set<QueryLibraryDocument>();
  const stack: { lib: QueryLibraryDocument; where: string }[] = [];

  const clash = (kind: string, name: string, first: Origin, second: Origin) =>
    issues.push({
      code: 'DUPLICATE_NAME',
      severity: 'error',
      path: second.path,
      message: `${kind} '${name}' is defined in ${first.where} (${first.path}) and again in ${second.where} (${second.path}); rename one or include it once`,
    });

  /** Adds one definition unless its name is taken; true when added. */
  const claim = (table: Map<string, Origin>, kind: string, name: string, origin: Origin): boolean => {
    const first = table.get(name);
    if (first === undefined) {
      table.set(name, origin);
      return true;
    }
    // Two definitions in one document are reported by compileSpec itself (DUPLICATE_NAME).
    if (first.where !== origin.where) clash(kind, name, first, origin);
    return first.where === origin.where;
  };

  const addDefinitions = (
    source: {
      readonly parameters?: readonly ParameterDecl[];
      readonly clusters?: readonly ClusterDecl[];
      readonly fields?: readonly FieldDecl[];
      readonly populations?: readonly PopulationDecl[];
    },
    where: string,
    prefix: string | undefined,
  ) => {
    const at = (specPath: string) =>
      prefix === undefined ? specPath : `${prefix}${specPath.slice(ROOT.length)}`;
    for (const p of Array.isArray(source.parameters) ? source.parameters : []) {
      if (typeof p !== 'object' || p === null) continue;
      const specPath = `${ROOT}/Parameters/${parameterElement(p.type)}${pred('name', p.name)}`;
      const origin = { where, specPath, path: at(specPath) };
      if (claim(symbols, 'parameter', p.name, origin)) parameters.push(p);
      if (prefix !== undefined) relocations.set(specPath, origin.path);
    }
    for (const c of Array.isArray(source.clusters) ? source.clusters : []) {
      if (typeof c !== 'object' || c === null) continue;
      const specPath = `${ROOT}/Clusters/Cluster${pred('name', c.name)}`;
      const origin = { where, specPath, path: at(specPath) };
      if (claim(clusterNames, 'cluster', c.name, origin)) clusters.push(c);
      if (prefix !== undefined) relocations.set(specPath, origin.path);
    }
    for (const f of Array.isArray(source.fields) ? source.fields : []) {
      if (typeof f !== 'object' || f === null) continue;
      const specPath = `${ROOT}/Fields/${fieldElement(f.kind)}${pred('name', f.name)}`;
      const origin = { where, specPath, path: at(specPath) };
      if (claim(symbols, 'field', f.name, origin)) {
        fields.push(f);
        if (prefix !== undefined) includedFields.add(f.name);
      }
      if (prefix !== undefined) relocations.set(specPath, origin.path);
    }
    for (const p of Array.isArray(source.populations) ? source.populations : []) {
      if (typeof p !== 'object' || p === null) continue;
      const specPath = `${ROOT}/Populations/Population${pred('name', p.name)}`;
      const origin = { where, specPath, path: at(specPath) };
      if (claim(populationNames, 'population', p.name, origin)) populations.push(p);
      if (prefix !== undefined) relocations.set(specPath, origin.path);
    }
  };

  const visit = (list: unknown, includerPath: string, includer: string) => {
    if (!Array.isArray(list)) {
      issues.push({
        code: 'INVALID_STRUCTURE',
        severity: 'error',
        path: `${includerPath}/Include`,
        message: 'includes must be a list',
      });
      return;
    }
    list.forEach((inc: IncludeDecl, i) => {
      const path = `${includerPath}/Include[${i + 1}]`;
      if (!isObj(inc)) {
        issues.push({
          code: 'INVALID_STRUCTURE',
          severity: 'error',
          path,
          message: 'an include must be an object',
        });
        return;
      }
      const lib = (inc as IncludeDecl).library;
      if (typeof lib !== 'object' || lib === null) {
        issues.push({
          code: 'UNRESOLVED_INCLUDE',
          severity: 'error',
          path,
          message: `${label(inc, undefined)} has not been read; load the specification with loadSpec, or give the library itself`,
        });
        return;
      }
      const where = label(inc, lib);
      const open = stack.findIndex((s) => s.lib === lib);
      if (open >= 0) {
        issues.push({
          code: 'INCLUDE_CYCLE',
          severity: 'error',
          path,
          message: `${includer} includes ${where}, which is already being included (${[
            'the specification',
            ...stack.map((s) => s.where),
          ].join(' → ')} → ${where})`,
        });
        return;
      }
      if (done.has(lib)) return; // included twice (e.g. by two libraries): its definitions are there once
      done.add(lib);
      stack.push({ lib, where });
      const prefix = libraryPathPrefix(inc, lib);
      if (lib.includes !== undefined) visit(lib.includes, prefix, where);
      addDefinitions(lib, where, prefix);
      stack.pop();
    });
  };

  visit(includes, ROOT, 'the specification');
  addDefinitions(doc, 'the specification', undefined);
  const { includes: _includes, ...rest } = doc;
  const document: QuerySpecDocument = { ...rest, parameters, clusters, fields, populations };
  const relocate = (issue: SpecIssue): SpecIssue => {
    for (const [specPath, libPath] of relocations) {
      if (issue.path === specPath || issue.path.startsWith(`${specPath}/`)) {
        return { ...issue, path: libPath + issue.path.slice(specPath.length) };
      }
    }
    return issue;
  };
  return { document, relocate, includedFields };
}
