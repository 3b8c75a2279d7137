/**
 * Reading an element tree against a schema sequence, collecting issues instead of throwing. The description reader
 * (`describe/read.ts`) walks each tree with an {@link ElementReader} in schema order; whatever it did not consume
 * becomes an issue.
 */
import { checkValue, type DataTypeName } from './data-types.js';
import type { DecodeOptions, IssueCollector } from './issues.js';
import type { XmlLimits } from './xml/limits.js';
import type { XmlElement } from './xml/tree.js';

/** Options of every XML decoder. */
export interface DecodeXmlOptions extends DecodeOptions {
  /** Limits for the XML reader; see {@link XmlLimits}. */
  readonly limits?: XmlLimits;
}

const WS_ONLY = /^[ \t\r\n]*$/;

/** Cursor over one element: attributes by name, children in schema order. */
export class ElementReader {
  private pos = 0;
  private readonly usedAttributes = new Set<string>();
  private readonly expectedNames = new Set<string>();
  private simple = false;
  /** Children taken out of order (read where the schema expects them, reported once as OUT_OF_ORDER). */
  private readonly consumed = new Set<number>();

  /** @param absent a stand-in for a missing element (QR style): its content reads as absent, unchecked */
  constructor(
    readonly ctx: IssueCollector,
    readonly el: XmlElement,
    private readonly ns: string,
    private readonly absent = false,
  ) {}

  get path(): string {
    return this.el.path;
  }

  /** A required or optional attribute, checked against `type`. */
  attr(name: string, type: DataTypeName, required = false): string | undefined {
    const [path, raw] = this.raw(name, required);
    return raw === undefined ? undefined : this.check(path, type, raw, `Attribute ${name}`);
  }

  /** Checks a lexical value; returns the normalised value or `undefined` after recording an issue. */
  private check(path: string, type: DataTypeName, raw: string, what: string): string | undefined {
    const r = checkValue(type, raw);
    if (r.ok) return r.value;
    this.ctx.add(path, r.failure.code, `${what} is not a valid ${type}`, r.failure.expected, raw);
    return undefined;
  }

  /** Marks attribute `name` as read: its path and raw value, after reporting it if required and missing. */
  private raw(name: string, required: boolean): [path: string, raw: string | undefined] {
    this.usedAttributes.add(name);
    const raw = this.el.attributes[name];
    const path = `${this.el.path}/@${name}`;
    if (raw === undefined && required) {
      this.ctx.add(path, 'MISSING_ATTRIBUTE', `Required attribute ${name} is missing`);
    }
    return [path, raw];
  }

  /** An attribute whose schema declaration is `fixed`: absent or exactly `value`. */
  fixedAttr(name: string, value: string, required: boolean): boolean {
    const [path, raw] = this.raw(name, required);
    if (raw === undefined) return false;
    if (raw !== value) {
      this.ctx.add(path, 'INVALID_FIXED', `Attribute ${name} must have its fixed value`, value, raw);
      return false;
    }
    return true;
  }

  /** This element's simple content, checked against `type`. */
  text(type: DataTypeName): string | undefined {
    this.simple = true;
    if (this.absent) return undefined;
    return this.check(this.el.path, type, this.el.text, `The content of ${this.el.name}`);
  }

  private take(index = this.pos): ElementReader {
    const el = this.el.children[index]!;
    if (index !== this.pos) this.consumed.add(index);
    else while (this.consumed.has(++this.pos));
    if (el.ns !== this.ns) {
      this.ctx.add(el.path, 'WRONG_NAMESPACE', `Element ${el.name} is not in the GPES-I namespace`, this.ns);
    }
    return new ElementReader(this.ctx, el, this.ns);
  }

  /** Indexes of the unconsumed `name` children. */
  private named(name: string): number[] {
    const out: number[] = [];
    for (let i = this.pos; i < this.el.children.length; i++) {
      if (!this.consumed.has(i) && this.el.children[i]!.name === name) out.push(i);
    }
    return out;
  }

  /** The name of the next unconsumed child, if any. */
  peek(): string | undefined {
    return this.el.children[this.pos]?.name;
  }

  /** One `name` child at the current position (QR style: anywhere), or none after an issue if `required`. */
  one(name: string, required: boolean): ElementReader | undefined {
    this.expectedNames.add(name);
    if (this.ctx.style) {
      const [first, second] = this.named(name);
      if (second !== undefined) {
        this.ctx.add(this.el.children[second]!.path, 'TOO_MANY', `At most one ${name} element is allowed`);
      }
      if (first !== undefined) return this.take(first);
    } else {
      if (this.el.children[this.pos]?.name === name) return this.take();
      // Later among the children: read it anyway and report it once, so that one misplaced element yields one
      // issue rather than a cascade.
      const later = this.named(name)[0];
      if (later !== undefined) {
        this.ctx.add(this.el.children[later]!.path, 'OUT_OF_ORDER', `Element ${name} is out of schema order`);
        return this.take(later);
      }
    }
    if (!required) return undefined;
    const path = `${this.el.path}/${name}`;
    this.ctx.add(path, 'MISSING_ELEMENT', `Required element ${name} is missing`);
    if (!this.ctx.style) return undefined;
    const stand = { name, ns: this.ns, path, attributes: {}, children: [], text: '' };
    return new ElementReader(this.ctx, stand, this.ns, true);
  }

  /** Consecutive `name` children (QR style: all of them), between `min` and `max`. */
  many(name: string, min: number, max: number): ElementReader[] {
    this.expectedNames.add(name);
    const out: ElementReader[] = [];
    const next = this.ctx.style
      ? () => this.named(name)[0]
      : () => (this.el.children[this.pos]?.name === name ? this.pos : undefined);
    for (let i = next(); i !== undefined; i = next()) {
      const r = this.take(i);
      if (out.length === max) {
        this.ctx.add(r.path, 'TOO_MANY', `At most ${max} ${name} elements are allowed`);
        continue;
      }
      out.push(r);
    }
    if (out.length < min) {
      this.ctx.add(
        `${this.el.path}/${name}`,
        out.length === 0 && !this.ctx.style ? 'MISSING_ELEMENT' : 'TOO_FEW',
        `At least ${min} ${name} element(s) required, found ${out.length}`,
      );
    }
    return out;
  }

  /** One child whose name is one of `names` (an `xs:choice`), or `undefined` after a MISSING_ELEMENT issue. */
  choice(names: readonly string[]): ElementReader | undefined {
    for (const n of names) this.expectedNames.add(n);
    const next = this.el.children[this.pos];
    if (next !== undefined && names.includes(next.name)) return this.take();
    this.ctx.add(
      `${this.el.path}/${names[0]}`,
      'MISSING_ELEMENT',
      `One of ${names.join(', ')} is required here`,
    );
    return undefined;
  }

  /**
   * Reports unexpected and misplaced children, unknown attributes and stray text. Call once, after reading. A child
   * is misplaced when the reading left it or, in the QR style, when it follows a later-ranked sibling.
   */
  end(): void {
    const ranks = [...this.expectedNames];
    let last = 0;
    this.el.children.forEach((c, i) => {
      const at = ranks.indexOf(c.name);
      if (at < 0) this.ctx.add(c.path, 'UNEXPECTED_ELEMENT', `Element ${c.name} is not allowed here`);
      else if (this.ctx.style ? at < last : i >= this.pos && !this.consumed.has(i)) {
        const expected = this.ctx.style ? ranks.join(', ') : undefined;
        this.ctx.add(c.path, 'OUT_OF_ORDER', `Element ${c.name} is out of order or repeated`, expected);
      } else last = at;
    });
    for (const name of Object.keys(this.el.attributes)) {
      if (this.usedAttributes.has(name)) continue;
      this.ctx.add(
        `${this.el.path}/@${name}`,
        'UNEXPECTED_ATTRIBUTE',
        `Attribute ${name} is not allowed here`,
      );
    }
    if (!this.simple && !WS_ONLY.test(this.el.text)) {
      this.ctx.add(this.el.path, 'UNEXPECTED_TEXT', `Element ${this.el.name} may contain only elements`);
    }
  }
}

/** Drops keys whose value is `undefined`, so decoded objects compare equal to their JSON fixtures. */
export function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}
