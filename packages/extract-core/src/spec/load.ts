import { SpecError, type SpecIssue } from '../errors.js';
import { parseMembersCsv } from './members-csv.js';
import type { ClusterDecl, IncludeDecl, QueryLibraryDocument, QuerySpecDocument } from './model.js';
import { readLibraryXml, readSpecXml } from './xml-read.js';

/** Options of {@link loadSpec}. */
export interface LoadSpecOptions {
  /** Reads a `Members` list by its `href` (e.g. relative to the spec file). The SDK does no I/O of its own. */
  readMembers(href: string): Promise<string>;
  /**
   * Reads an included library by its `href`, already resolved against the including file, so that it is relative
   * to the specification's own location (`lib/common.xml` including `registration.xml` is read as
   * `lib/registration.xml`). A `Members` list inside a library is resolved the same way and read by
   * `readMembers`.
   * @default readMembers
   */
  readInclude?(href: string): Promise<string>;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * Resolves `href`, written in the file at directory `base` (`''` for the specification), to a path relative to
 * the specification's directory. Only relative paths are accepted: no scheme, drive, leading `/`, backslash or
 * NUL, so a library cannot name a file by absolute location. @internal
 */
export function resolveHref(base: string, href: string): string | undefined {
  if (
    href === '' ||
    href.includes('\\') ||
    href.includes('\0') ||
    href.startsWith('/') ||
    SCHEME.test(href)
  ) {
    return undefined;
  }
  const out: string[] = [];
  for (const part of [...base.split('/'), ...href.split('/')]) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

const dirOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
const message = (cause: unknown) => (cause instanceof Error ? cause.message : 'unknown error');

/**
 * Reads a specification, reads every library it includes (business-rules §3.3, project extension), and expands
 * every cluster's `Members` reference into member codes (§3.6), ready for `compileSpec`.
 * @param source XML text, or a document whose clusters may still carry `membersRef` and whose includes may not
 *   be read yet.
 * @param options `readMembers` reads each referenced CSV; `readInclude` each library.
 * @returns the expanded document, its includes carrying their libraries.
 * @throws SpecError `XML_SYNTAX` / `INVALID_STRUCTURE` when the XML cannot be read, `MEMBERS_UNREADABLE` when a
 *   member list cannot be read or parsed, `INCLUDE_UNREADABLE` when a library cannot be read or parsed or its
 *   `href` is not a relative path, `INCLUDE_CYCLE` when a library includes itself, directly or through others.
 *   Everything is tried and reported together.
 */
export async function loadSpec(
  source: string | QuerySpecDocument,
  options: LoadSpecOptions,
): Promise<QuerySpecDocument> {
  let doc: QuerySpecDocument;
  if (typeof source === 'string') {
    const r = readSpecXml(source);
    if (!r.ok) throw new SpecError(r.issues);
    doc = r.value;
  } else doc = source;
  const issues: SpecIssue[] = [];
  const readInclude = options.readInclude ?? options.readMembers;
  const loaded = new Map<string, QueryLibraryDocument>();

  const expandClusters = async (
    clusters: readonly ClusterDecl[],
    base: string | undefined,
    at: string,
  ): Promise<ClusterDecl[]> => {
    const out: ClusterDecl[] = [];
    for (const c of clusters) {
      if (!c.membersRef) {
        out.push(c);
        continue;
      }
      const path = `${at}/Clusters/Cluster[@name="${c.name}"]/Members`;
      const fail = (text: string) => {
        issues.push({ code: 'MEMBERS_UNREADABLE', severity: 'error', path, message: text });
        out.push(c);
      };
      // The specification's own Members hrefs go to the reader as written; a library's are resolved against it.
      const href = base === undefined ? c.membersRef.href : resolveHref(base, c.membersRef.href);
      if (href === undefined) {
        fail(`'${c.membersRef.href}' is not a relative path (no scheme, drive, leading / or backslash)`);
        continue;
      }
      let text: string;
      try {
        text = await options.readMembers(href);
      } catch (cause) {
        fail(`could not read ${href}: ${message(cause)}`);
        continue;
      }
      const parsed =
        typeof text === 'string'
          ? parseMembersCsv(text)
          : { ok: false as const, message: 'readMembers did not return text' };
      if (!parsed.ok) {
        fail(`${href}: ${parsed.message}`);
        continue;
      }
      const { membersRef: _ref, ...rest } = c;
      out.push({ ...rest, members: parsed.members });
    }
    return out;
  };

  const loadIncludes = async (
    includes: readonly IncludeDecl[],
    base: string,
    at: string,
    chain: readonly string[],
  ): Promise<IncludeDecl[]> => {
    const out: IncludeDecl[] = [];
    for (const [i, inc] of includes.entries()) {
      const path = `${at}/Include[${i + 1}]`;
      if (inc.library !== undefined) {
        const href = inc.href === undefined ? undefined : resolveHref(base, inc.href);
        out.push({
          ...inc,
          library: await expandLibrary(
            inc.library,
            href === undefined ? base : dirOf(href),
            href ?? inc.library.id,
            chain,
          ),
        });
        continue;
      }
      const href = typeof inc.href === 'string' ? resolveHref(base, inc.href) : undefined;
      const fail = (text: string) => {
        issues.push({ code: 'INCLUDE_UNREADABLE', severity: 'error', path, message: text });
        out.push(inc);
      };
      if (href === undefined) {
        fail(`'${String(inc.href)}' is not a relative path (no scheme, drive, leading / or backslash)`);
        continue;
      }
      if (chain.includes(href)) {
        issues.push({
          code: 'INCLUDE_CYCLE',
          severity: 'error',
          path,
          message: `${chain.length > 0 ? `"${chain[chain.length - 1]}"` : 'the specification'} includes "${href}", which is already being included (${['the specification', ...chain.map((c) => `"${c}"`)].join(' → ')} → "${href}")`,
        });
        out.push(inc);
        continue;
      }
      // Loaded includes carry the path as resolved, so messages name the file the reader read.
      const cached = loaded.get(href);
      if (cached) {
        out.push({ href, library: cached });
        continue;
      }
      let text: string;
      try {
        text = await readInclude(href);
      } catch (cause) {
        fail(`could not read ${href}: ${message(cause)}`);
        continue;
      }
      if (typeof text !== 'string') {
        fail(`${href}: the reader did not return text`);
        continue;
      }
      const read = readLibraryXml(text);
      if (!read.ok) {
        for (const issue of read.issues) {
          issues.push({ ...issue, path: `${href}#${issue.path}`, message: `${href}: ${issue.message}` });
        }
        out.push(inc);
        continue;
      }
      const library = await expandLibrary(read.value, dirOf(href), href, chain);
      loaded.set(href, library);
      out.push({ href, library });
    }
    return out;
  };

  const expandLibrary = async (
    lib: QueryLibraryDocument,
    base: string,
    name: string,
    chain: readonly string[],
  ): Promise<QueryLibraryDocument> => {
    const at = `${name}#/QueryLibrary`;
    const includes = lib.includes ? await loadIncludes(lib.includes, base, at, [...chain, name]) : undefined;
    const clusters = await expandClusters(lib.clusters, base, at);
    return { ...lib, ...(includes ? { includes } : {}), clusters };
  };

  const includes = doc.includes ? await loadIncludes(doc.includes, '', '/QuerySpecification', []) : undefined;
  const clusters = await expandClusters(doc.clusters, undefined, '/QuerySpecification');
  if (issues.length > 0) throw new SpecError(issues);
  return { ...doc, ...(includes ? { includes } : {}), clusters };
}
