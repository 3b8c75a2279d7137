import { SaxesParser, type SaxesTagNS } from 'saxes';

/** A parsed XML element: local name, namespace, unqualified attributes, children and text. @internal */
export interface XmlElement {
  readonly name: string;
  readonly ns: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

/** Result of {@link parseXmlTree}. @internal */
export type XmlTreeResult =
  | { readonly ok: true; readonly root: XmlElement }
  | { readonly ok: false; readonly message: string };

/** Specifications are small; this bound keeps a hostile input from exhausting memory or time. */
const MAX_SPEC_CHARS = 20_000_000;
const MAX_DEPTH = 64;

/**
 * Parses XML into an element tree with saxes. Refuses DTDs (no entity expansion, so no entity bombs or external
 * fetches), over-deep nesting and oversized input. Never throws.
 * @internal
 */
export function parseXmlTree(xml: string): XmlTreeResult {
  if (typeof xml !== 'string') return { ok: false, message: 'the specification is not a string' };
  if (xml.length > MAX_SPEC_CHARS) return { ok: false, message: 'the specification is too large' };
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: string | undefined;
  parser.on('error', (e) => {
    failure ??= e.message;
  });
  parser.on('doctype', () => {
    failure ??= 'a DOCTYPE is not allowed in a query specification';
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (stack.length >= MAX_DEPTH) {
      failure ??= 'the document is nested too deeply';
      return;
    }
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns' || a.uri !== '') continue;
      attrs[a.local] = a.value;
    }
    const el: XmlElement = { name: tag.local, ns: tag.uri, attrs, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root ??= el;
    stack.push(el);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const onText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  try {
    parser.write(xml).close();
  } catch (e) {
    failure ??= e instanceof Error ? e.message : 'malformed XML';
  }
  if (failure !== undefined) return { ok: false, message: failure };
  if (!root) return { ok: false, message: 'no root element' };
  return { ok: true, root };
}
