/**
 * Encoding: check every value with the decoder's validators, build a small node tree, serialise it to canonical
 * bytes. Canonical form (what golden fixtures hold): XML declaration, two-space indentation, LF line ends, a final
 * newline, attributes in schema order, empty elements as `<X/>`.
 *
 * A hand-written serialiser rather than xmlbuilder2: the output must be byte-stable for golden tests, and the
 * escaping rules below (tab/LF/CR as character references so they survive attribute-value normalisation) are
 * easier to guarantee in 40 lines than through a builder's options.
 */
import { checkValue, type DataTypeName } from './data-types.js';
import { IssueCollector } from './issues.js';

/** Options of every encoder. */
export interface EncodeOptions {
  /**
   * Put offending values into the issues of the thrown `MessageDecodeError`.
   * @default false
   */
  readonly includeValues?: boolean;
}

/** An element to serialise. `text` and `children` are exclusive in practice (no mixed content in GPES-I). */
export interface OutElement {
  readonly name: string;
  readonly attributes: ReadonlyArray<readonly [string, string]>;
  readonly children?: readonly OutElement[];
  readonly text?: string;
}

/**
 * True when `text` holds a character XML 1.0 cannot carry even as a reference: C0 controls other than tab, LF and
 * CR, U+FFFE, U+FFFF, or a lone surrogate.
 */
export function hasNonXmlChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      if (c >= 0xdc00) return true;
      const d = text.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return true;
      i++;
    } else if (c === 0xfffe || c === 0xffff) {
      return true;
    }
  }
  return false;
}

/** Collects encode issues, with the same codes and paths as decoding. */
export class EncodeContext extends IssueCollector {
  /**
   * Checks a value for output. `undefined` for a required value is a MISSING_* issue; the returned string is the
   * value as it will be written (UUIDs upper-cased).
   */
  value(path: string, type: DataTypeName, raw: unknown, required: boolean, what: string): string | undefined {
    // The QR style takes strings only, and reports null as one (its header has no number).
    if (raw === undefined || (raw === null && !this.style)) {
      if (required) {
        this.add(path, missingCode(path), `${what} is required`);
      }
      return undefined;
    }
    let text: string;
    if (typeof raw === 'string') text = raw;
    else if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 && !this.style)
      text = String(raw);
    else {
      this.add(path, 'INVALID_VALUE', `${what} has the wrong type`, type);
      return undefined;
    }
    if (hasNonXmlChar(text)) {
      this.add(
        path,
        'INVALID_VALUE',
        `${what} contains a character XML cannot carry`,
        'XML 1.0 characters',
        text,
      );
      return undefined;
    }
    const r = checkValue(type, text);
    if (r.ok) {
      // Whitespace facets are applied by readers; write the normalised form so the document is canonical.
      return r.value;
    }
    this.add(path, r.failure.code, `${what} is not a valid ${type}`, r.failure.expected, text);
    return undefined;
  }

  /**
   * The list to write (`[]` when `raw` is not an array), after an issue with `message` when it has fewer than `min`
   * items (only `min` 0 or 1 occur).
   */
  list(raw: unknown, min: number, path: string, message: string): readonly unknown[] {
    const list = Array.isArray(raw) ? raw : [];
    if (list.length < min) this.add(path, this.style ? 'TOO_FEW' : 'MISSING_ELEMENT', message);
    return list;
  }
}

/** The code of a required value found missing at `path`: an attribute's or an element's. */
export const missingCode = (path: string) => (path.includes('/@') ? 'MISSING_ATTRIBUTE' : 'MISSING_ELEMENT');

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};
const reference = (c: string) => ESCAPES[c] as string;

/** Escapes text content: `&`, `<`, `>` and CR (which readers would otherwise turn into LF). */
export function escapeText(text: string): string {
  return /[&<>\r]/.test(text) ? text.replace(/[&<>\r]/g, reference) : text;
}

/** Escapes an attribute value; tab, LF and CR become references because readers normalise them to spaces. */
export function escapeAttribute(text: string): string {
  return /[&<>"\t\n\r]/.test(text) ? text.replace(/[&<>"\t\n\r]/g, reference) : text;
}

/** Serialises a document in canonical form; the root gets the default namespace declaration. */
export function serializeDocument(root: OutElement, namespace: string): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  write({ ...root, attributes: [['xmlns', namespace], ...root.attributes] }, '', out);
  return out.join('');
}

function write(el: OutElement, indent: string, out: string[]): void {
  let open = `${indent}<${el.name}`;
  for (const [k, v] of el.attributes) open += ` ${k}="${escapeAttribute(v)}"`;
  const children = el.children ?? [];
  if (children.length > 0) {
    out.push(`${open}>\n`);
    const inner = `${indent}  `;
    for (const c of children) write(c, inner, out);
    out.push(`${indent}</${el.name}>\n`);
  } else if (el.text !== undefined && el.text !== '') {
    out.push(`${open}>${escapeText(el.text)}</${el.name}>\n`);
  } else {
    out.push(`${open}/>\n`);
  }
}

/** Path segment with a 1-based index when the list has more than one item (matching decoder paths). */
export function indexed(base: string, name: string, index: number, count: number): string {
  return count > 1 ? `${base}/${name}[${index + 1}]` : `${base}/${name}`;
}
