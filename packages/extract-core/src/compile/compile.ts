import { bindProgram } from '../bind/bind.js';
import type { RunContext } from '../bind/types.js';
import { SpecError, type SpecIssue } from '../errors.js';
import { flattenIncludes } from '../spec/include.js';
import type { QuerySpecDocument } from '../spec/model.js';
import { readSpecXml } from '../spec/xml-read.js';
import { analyse } from './analyse.js';
import type { Program } from './program.js';
import type { BoundSpec, CompiledSpec, SafeCompileResult } from './types.js';

/**
 * Validates a specification once (business-rules §3.3.2) and returns every issue, or the compiled spec.
 * Never throws.
 * @param source XML text in the project's namespace, or a {@link QuerySpecDocument}.
 */
export function safeCompileSpec(source: string | QuerySpecDocument): SafeCompileResult {
  let doc: unknown = source;
  if (typeof source === 'string') {
    const read = readSpecXml(source);
    if (!read.ok) return { ok: false, issues: read.issues };
    doc = read.value;
  }
  const issues: SpecIssue[] = [];
  let input = doc;
  let relocate = (i: SpecIssue) => i;
  if (typeof doc === 'object' && doc !== null && (doc as QuerySpecDocument).includes !== undefined) {
    const flat = flattenIncludes(doc as QuerySpecDocument, issues);
    input = flat.document;
    relocate = flat.relocate;
  }
  const found: SpecIssue[] = [];
  const program = analyse(input, found);
  for (const issue of found) {
    const moved = relocate(issue);
    // A library's fields are there to be used by some specifications; one that does not use a field is fine.
    if (moved !== issue && issue.code === 'UNUSED_FIELD') continue;
    issues.push(moved);
  }
  if (!program || issues.some((i) => i.severity === 'error')) return { ok: false, issues };
  const warnings = Object.freeze(issues.slice());
  return { ok: true, value: makeCompiledSpec(program, warnings), warnings };
}

/**
 * Validates and compiles a specification (business-rules §3.3.2).
 * @param source XML text in the project's namespace, or a {@link QuerySpecDocument}.
 * @returns the compiled spec; bind it to a run with `bind`.
 * @throws SpecError listing every issue (each with its path) when the spec is invalid.
 */
export function compileSpec(source: string | QuerySpecDocument): CompiledSpec {
  const r = safeCompileSpec(source);
  if (!r.ok) throw new SpecError(r.issues);
  return r.value;
}

function makeCompiledSpec(program: Program, warnings: readonly SpecIssue[]): CompiledSpec {
  const spec: CompiledSpec = {
    id: program.document.id,
    document: program.document,
    parameters: program.parameters,
    warnings,
    bind: (run: RunContext): Promise<BoundSpec> => bindProgram(spec, program, run),
  };
  return Object.freeze(spec);
}
