/**
 * Whole-document reading for the small messages: guarded saxes events → an element tree with XPath-like paths.
 */
import { indexed } from '../encode-writer.js';
import type { DecodeIssue, DecodeResult } from '../issues.js';
import { createGuardedXmlParser, type GuardedXmlParser, type XmlAttribute } from './guarded-parser.js';
import type { XmlLimits } from './limits.js';

/** One element of a parsed document. Attribute names are local names of unqualified attributes only. */
export interface XmlElement {
  /** Local name. */
  readonly name: string;
  /** Namespace URI ('' when none). */
  readonly ns: string;
  /** Unqualified attributes by name; namespace declarations and qualified attributes (xsi:…) are left out. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  /** Concatenated direct text and CDATA content, whitespace kept. */
  text: string;
  /** XPath-like path: `/Root/Child[2]/Leaf` (an index appears only when a name repeats among siblings). */
  path: string;
}

/** An element tree as it is built from the front end's events, for the whole document here or the QR header. */
export class TreeBuilder {
  /** The open elements, outermost first. */
  readonly open: XmlElement[] = [];
  root: XmlElement | undefined;

  /** Opens a child of the innermost open element, or the root. */
  push(name: string, ns: string, attributes: Record<string, string>, path = ''): XmlElement {
    const el: XmlElement = { name, ns, attributes, children: [], text: '', path };
    const parent = this.open.at(-1);
    if (parent) parent.children.push(el);
    else this.root = el;
    this.open.push(el);
    return el;
  }
}

export interface ParseXmlOptions {
  readonly limits?: XmlLimits | undefined;
}

/**
 * Parses a whole document into an element tree. Never throws on bad input.
 * @returns the root element, or the single issue that stopped the reader
 */
export function parseXmlDocument(
  input: string | Uint8Array,
  options: ParseXmlOptions = {},
): DecodeResult<XmlElement> {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    // Callers from plain JavaScript may pass anything; say so rather than fail inside the reader.
    return {
      ok: false,
      issues: [
        { path: '/', code: 'XML_MALFORMED', message: 'The input is neither a string nor a Uint8Array' },
      ],
    };
  }
  const tree = new TreeBuilder();
  let found: DecodeIssue | undefined;
  const parser: GuardedXmlParser = createGuardedXmlParser(
    {
      onOpenTag(tag) {
        if (tag.uri === undefined) return parser.malformed('unbound namespace prefix');
        const attributes: Record<string, string> = Object.create(null);
        for (let i = 0; i < tag.attributeCount; i++) {
          const { name, value } = tag.attributes[i] as XmlAttribute;
          const colon = name.indexOf(':');
          if (colon < 0) {
            if (name !== 'xmlns') attributes[name] = value;
          } else if (
            name.slice(0, colon) !== 'xmlns' &&
            parser.namespaceOf(name.slice(0, colon)) === undefined
          ) {
            return parser.malformed('unbound namespace prefix');
          }
          // Namespace declarations and qualified attributes (xsi:…) are left out.
        }
        tree.push(tag.local, tag.uri, attributes);
      },
      onCloseTag() {
        tree.open.pop();
      },
      onText(text) {
        const current = tree.open.at(-1);
        if (current) current.text += text;
      },
    },
    { limits: options.limits, onIssue: (i) => (found = i) },
  );
  // Hand the whole input over in one write: the guard still checks limits before saxes sees it.
  parser.write(input);
  parser.close();
  const root = tree.root;
  if (found !== undefined || root === undefined) {
    return {
      ok: false,
      issues: [found ?? { path: '/', code: 'XML_MALFORMED', message: 'The document has no root element' }],
    };
  }
  assignPaths(root);
  return { ok: true, value: root };
}

/** Fills in `path` top-down, iteratively (depth is bounded by the limits, but recursion is not needed). */
function assignPaths(root: XmlElement): void {
  root.path = `/${root.name}`;
  const todo: XmlElement[] = [root];
  while (todo.length > 0) {
    const el = todo.pop()!;
    const counts = new Map<string, number>();
    for (const c of el.children) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
    const seen = new Map<string, number>();
    for (const c of el.children) {
      const n = seen.get(c.name) ?? 0;
      seen.set(c.name, n + 1);
      c.path = indexed(el.path, c.name, n, counts.get(c.name) ?? 0);
      todo.push(c);
    }
  }
}
