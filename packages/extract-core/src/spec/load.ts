import { SpecError, type SpecIssue } from '../errors.js';
import { parseMembersCsv } from './members-csv.js';
import type { ClusterDecl, QuerySpecDocument } from './model.js';
import { readSpecXml } from './xml-read.js';

/** Options of {@link loadSpec}. */
export interface LoadSpecOptions {
  /** Reads a `Members` list by its `href` (e.g. relative to the spec file). The SDK does no I/O of its own. */
  readMembers(href: string): Promise<string>;
}

/**
 * Reads a specification and expands every cluster's `Members` reference into member codes (business-rules §3.6),
 * ready for `compileSpec`.
 * @param source XML text, or a document whose clusters may still carry `membersRef`.
 * @param options `readMembers` reads each referenced CSV.
 * @returns the expanded document.
 * @throws SpecError `XML_SYNTAX` / `INVALID_STRUCTURE` when the XML cannot be read, `MEMBERS_UNREADABLE` when a
 *   member list cannot be read or parsed (all clusters are tried and reported together).
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
  const clusters: ClusterDecl[] = [];
  for (const c of doc.clusters) {
    if (!c.membersRef) {
      clusters.push(c);
      continue;
    }
    const path = `/QuerySpecification/Clusters/Cluster[@name="${c.name}"]/Members`;
    let text: string;
    try {
      text = await options.readMembers(c.membersRef.href);
    } catch (cause) {
      issues.push({
        code: 'MEMBERS_UNREADABLE',
        severity: 'error',
        path,
        message: `could not read ${c.membersRef.href}: ${cause instanceof Error ? cause.message : 'unknown error'}`,
      });
      clusters.push(c);
      continue;
    }
    const parsed =
      typeof text === 'string'
        ? parseMembersCsv(text)
        : { ok: false as const, message: 'readMembers did not return text' };
    if (!parsed.ok) {
      issues.push({
        code: 'MEMBERS_UNREADABLE',
        severity: 'error',
        path,
        message: `${c.membersRef.href}: ${parsed.message}`,
      });
      clusters.push(c);
      continue;
    }
    const { membersRef: _ref, ...rest } = c;
    clusters.push({ ...rest, members: parsed.members });
  }
  if (issues.length > 0) throw new SpecError(issues);
  return { ...doc, clusters };
}
