import type * as t from 'io-ts';
import { MeshError } from '../errors.js';

/** Paths named in one error message; a body wrong in thousands of places needs only the first few. */
const MAX_REPORTED_PATHS = 5;

/** Codecs whose context entries are branches (keyed by index), not fields of the data. */
const BRANCHING = new Set(['UnionType', 'IntersectionType']);
const ARRAYS = new Set(['ArrayType', 'ReadonlyArrayType']);

function tagOf(type: t.Decoder<unknown, unknown>): string | undefined {
  const tag = (type as { _tag?: unknown })._tag;
  return typeof tag === 'string' ? tag : undefined;
}

/**
 * What kind of value was found, never the value itself: MESH bodies carry message ids, subjects and local ids,
 * which must not reach an error message (and through it a log).
 */
function kindOf(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'got null';
  if (Array.isArray(value)) return 'got an array';
  if (value === '') return 'got an empty string';
  return `got ${typeof value === 'object' ? 'an object' : `a ${typeof value}`}`;
}

/**
 * `links.next: expected string or null, got a number`. Path segments come from the codecs' own keys (the
 * names of expected fields, or array indexes), so no key or value chosen by the server is ever echoed.
 */
function describe(error: t.ValidationError): { path: string; text: string } {
  let path = '';
  let expected = error.context[0]?.type.name ?? 'value';
  for (let i = 1; i < error.context.length; i++) {
    const entry = error.context[i];
    const parentTag = tagOf((error.context[i - 1] as t.ContextEntry).type);
    if (!entry || (parentTag !== undefined && BRANCHING.has(parentTag))) continue;
    path +=
      parentTag !== undefined && ARRAYS.has(parentTag) ? `[${entry.key}]` : `${path ? '.' : ''}${entry.key}`;
    expected = entry.type.name;
  }
  const where = path || 'body';
  return {
    path: where,
    text: `${where}: ${error.message ?? `expected ${expected}`}, ${kindOf(error.value)}`,
  };
}

/** One line naming each failing path (at most {@link MAX_REPORTED_PATHS}), without values. */
function describeErrors(errors: t.Errors): string {
  const seen = new Map<string, string>();
  for (const error of errors) {
    const { path, text } = describe(error);
    // A failing union reports once per branch; one line per path is enough.
    if (!seen.has(path)) seen.set(path, text);
  }
  // A failing union also reports, for its other branches, the field as a whole ("links: expected object or
  // null, got an object"); the deeper path says more, so a path that is the parent of another is dropped.
  const parents = new Set<string>();
  for (const path of seen.keys()) {
    if (path !== 'body') parents.add('body');
    for (let i = 1; i < path.length; i++) {
      if (path[i] === '.' || path[i] === '[') parents.add(path.slice(0, i));
    }
  }
  const lines = [...seen].filter(([path]) => !parents.has(path)).map(([, text]) => text);
  const shown = lines.slice(0, MAX_REPORTED_PATHS).join('; ');
  return lines.length > MAX_REPORTED_PATHS
    ? `${shown}; and ${lines.length - MAX_REPORTED_PATHS} more`
    : shown;
}

/**
 * @internal Checks a parsed MESH JSON body against `codec` at the transport boundary.
 * @param codec An io-ts decoder for the endpoint's body (v2, and the v1 shape where the client accepts it).
 * @param body The parsed JSON.
 * @param route `METHOD /route/{template}`, named in the error.
 * @returns The decoded, typed body.
 * @throws {MeshError} `BAD_RESPONSE` naming the route and the failing paths, never the values found.
 */
export function decodeResponse<A>(codec: t.Decoder<unknown, A>, body: unknown, route: string): A {
  const result = codec.decode(body);
  if (result._tag === 'Right') return result.right;
  throw new MeshError(`MESH response body is not as expected (${describeErrors(result.left)}): ${route}`, {
    code: 'BAD_RESPONSE',
    request: route,
  });
}
