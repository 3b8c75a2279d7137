/**
 * One declarative description per XML message (issue #14, ADR 0008): elements and attributes in schema order, their
 * cardinality, XSD data type, the TypeScript property each maps to and, where it matters, the proposal status. The
 * decoder, the encoder and the schema-order checks are derived from it here; `describe.test.ts` holds each published
 * description against its XSD.
 *
 * Mapping rules (the shapes the GPES-I models use):
 *   - `flat` (default): the element's text and attributes land in the parent's object (a wrapper element such as
 *     `Run-Time-Parameters-Response`, or a leaf such as `Execution-Date` → `executionDate`);
 *   - `object`: the element becomes its own object under `prop`;
 *   - `list`: each occurrence becomes one object of the array under `prop`;
 *   - `values`: each occurrence's text becomes one item of the array under `prop` (a list of leaves).
 */
import { GPES_I_NAMESPACE, MESSAGES, type MessageKind } from '../registry.js';
import {
  type DataTypeName,
  type dataTypes,
  joinMultiValue,
  nonNegativeIntegerValue,
  parseXsBoolean,
  splitMultiValue,
} from './data-types.js';
import { compact, type DecodeXmlOptions, ElementReader } from './decode-reader.js';
import {
  attrs,
  EncodeContext,
  type EncodeOptions,
  indexed,
  type OutElement,
  serializeDocument,
} from './encode-writer.js';
import { type DecodeResult, IssueCollector, MessageDecodeError } from './issues.js';
import { parseXmlDocument } from './xml/tree.js';

/**
 * How a lexical value maps to the model: string (default), number (`xs:nonNegativeInteger`…), boolean (Y/N,
 * true/false), or `multi`: a GPES-I multi-value string (`a§b`) as `string[]`.
 */
export type ValueKind = 'string' | 'number' | 'boolean' | 'multi';

/** A rule across fields of one element that the schema cannot state (reported as `INCONSISTENT`). */
export interface CrossFieldRule {
  /** After the element's content is read; `present` tells which attributes the document carried. */
  decode(out: Readonly<Record<string, unknown>>, present: (attribute: string) => boolean): boolean;
  /** The same rule on the value to encode. */
  encode(value: Readonly<Record<string, unknown>>): boolean;
  /** Where the issue goes, relative to the element (`@Test-Pack-ID`), and its message. */
  readonly at: string;
  readonly message: string;
}

/** Proposal status of an item: [S]tandard, [I]nferred from the sample, [P]roposed by this project. */
export type ItemStatus = 'S' | 'I' | 'P';

export interface AttributeDescription {
  readonly name: string;
  readonly type: DataTypeName;
  readonly prop: string;
  readonly required: boolean;
  readonly as: ValueKind;
  readonly status?: ItemStatus;
  /** Values allowed where the schema says only `xs:string` (a proposal's enumeration): else `INVALID_ENUM`. */
  readonly oneOf?: readonly string[];
  /** A `fixed` attribute: present (with this value) or absent, mapped to a boolean (`INVALID_FIXED` otherwise). */
  readonly fixed?: string;
}

export interface ElementDescription {
  readonly name: string;
  readonly min: number;
  /** `Infinity` for `unbounded`. */
  readonly max: number;
  readonly map:
    | { readonly kind: 'flat' }
    | { readonly kind: 'object' | 'list' | 'values'; readonly prop: string }
    /**
     * An `xs:choice` among `children`: the chosen alternative's tag (its `tag`, else its name) is the value of the
     * discriminant `prop`, its content flat beside it. With `list`, the choice repeats and each occurrence is one
     * object of the array under `list`. With `mismatch`, the discriminant is also written as an earlier element,
     * whose value must name the chosen one (`INCONSISTENT` with that message).
     */
    | {
        readonly kind: 'choice';
        readonly prop: string;
        readonly mismatch?: string;
        readonly list?: string;
      };
  /** As an alternative of a choice: the discriminant's value when chosen (default: the element's name). */
  readonly tag?: string;
  /** Fixed simple content (`<Free-Text>Y</Free-Text>`): read and checked (empty or this value), always written. */
  readonly fixed?: string;
  /** Encoder: a required `object` whose value is absent is written from `{}` (issues at its leaves). */
  readonly missingAsEmpty?: boolean;
  /** Decoder: read the attributes before the simple content (the order in which their issues are listed). */
  readonly attributesFirst?: boolean;
  /** Simple content: its XSD type and the property that holds it. */
  readonly text?: { readonly type: DataTypeName; readonly prop: string; readonly as: ValueKind };
  readonly attributes: readonly AttributeDescription[];
  readonly children: readonly ElementDescription[];
  readonly status?: ItemStatus;
  /** Cross-field rules checked after the element's own text and attributes (decode) or on its value (encode). */
  readonly rules?: readonly CrossFieldRule[];
}

/** A whole message: its registry kind and the root's children (root attributes are the frame's). */
export interface MessageDescription {
  readonly kind: MessageKind;
  /** How errors name the message. */
  readonly label: string;
  /** `true` when no XSD is published (proposals): the XSD comparison test skips it and says so. */
  readonly proposal: boolean;
  readonly children: readonly ElementDescription[];
}

declare const model: unique symbol;
declare const paths: unique symbol;
declare const tagged: unique symbol;

/**
 * Compile time only: the part of the model a described item maps (`M`) and, as an alternative of a choice, its tag.
 * `M` sits in both a parameter and a result position, so `Typed<A>` is assignable to `Typed<B>` only when `A` and `B`
 * are assignable both ways: {@link deriveCodec}`<Model>(description)` holds the model to the description exactly.
 * Mutual assignability alone lets an optional property differ in name (`{ a?: string }` and `{ b?: string }` accept
 * each other), so the property paths of both must also be the same.
 */
export interface Typed<M, Tag extends string = string> {
  readonly [model]?: (m: M) => M;
  readonly [paths]?: (p: PropertyPaths<M>) => PropertyPaths<M>;
  readonly [tagged]?: Tag;
}

/** Every property path of a model (`a`, `a.b`), through arrays and across the members of a union. */
type PropertyPaths<T, Depth extends readonly unknown[] = []> = Depth['length'] extends 10
  ? never
  : T extends readonly (infer E)[]
    ? PropertyPaths<E, Depth>
    : T extends object
      ? {
          [K in keyof T & string]-?: K | `${K}.${PropertyPaths<NonNullable<T[K]>, [...Depth, unknown]>}`;
        }[keyof T & string]
      : never;

/** The model a description maps (`ModelOf<typeof rtpDescription>`): for compile-time checks, never for public types. */
export type ModelOf<D> = D extends Typed<infer M> ? M : never;

/** The TypeScript type of a lexical value: an enumerated data type's values, else `string`. */
type Lexical<T extends DataTypeName> = (typeof dataTypes)[T] extends { readonly values: readonly (infer V)[] }
  ? V
  : string;
type AsOf<O> = O extends { readonly as: infer A extends ValueKind } ? A : 'string';
type ValueOf<T extends DataTypeName, A extends ValueKind> = A extends 'number'
  ? number
  : A extends 'boolean'
    ? boolean
    : A extends 'multi'
      ? readonly string[]
      : Lexical<T>;
type Field<P extends string, V, Required> = Required extends true
  ? { readonly [K in P]: V }
  : { readonly [K in P]?: V };
/** An element is required unless its options say `min: 0`. */
type Needed<O> = O extends { readonly min: 0 } ? false : true;
type Optional<M, O> = O extends { readonly min: 0 } ? Partial<M> : M;
type TagOf<N extends string, O> = O extends { readonly tag: infer G extends string } ? G : N;

type UnionToIntersection<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void
  ? I
  : never;
/** The intersection of the models of `Parts` (a union of described items); a choice's union stays whole. */
type Merge<Parts> = [Parts] extends [never]
  ? unknown
  : UnionToIntersection<Parts extends Typed<infer M> ? { m: M } : never> extends { m: infer M }
    ? M
    : never;
type Items<L> = L extends readonly (infer E)[] ? E : never;
type TextModel<B> = B extends {
  readonly text: readonly [infer T extends DataTypeName, infer P extends string];
}
  ? Field<P, Lexical<T>, true>
  : B extends {
        readonly text: readonly [
          infer T extends DataTypeName,
          infer P extends string,
          infer A extends ValueKind,
        ];
      }
    ? Field<P, ValueOf<T, A>, true>
    : unknown;
type BodyModel<B extends Body> = TextModel<B> & Merge<Items<B['attributes']> | Items<B['children']>>;
/** Each alternative of a choice: its tag under `P`, beside its own model. */
type Alternatives<P extends string, A> =
  A extends Typed<infer M, infer G> ? { readonly [K in P]: G } & M : never;

type Element<M, Tag extends string = string> = ElementDescription & Typed<M, Tag>;

/** The content of an element: optional simple content (`text: [type, prop]`), attributes, children. */
export interface Body {
  readonly text?: readonly [DataTypeName, string] | readonly [DataTypeName, string, ValueKind];
  /** Fixed simple content instead of `text`: its type and value (mapped to no property). */
  readonly fixed?: readonly [DataTypeName, string];
  readonly attributes?: readonly AttributeDescription[];
  readonly children?: readonly ElementDescription[];
}

interface ElementOptions {
  readonly missingAsEmpty?: boolean;
  /** As an alternative of a choice: the discriminant's value (default: the element's name). */
  readonly tag?: string;
  readonly attributesFirst?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly status?: ItemStatus;
  readonly rules?: readonly CrossFieldRule[];
}

interface AttributeOptions {
  readonly required?: boolean;
  readonly as?: ValueKind;
  readonly status?: ItemStatus;
  readonly oneOf?: readonly string[];
  readonly fixed?: string;
}
type AttributeValue<T extends DataTypeName, O> = O extends { readonly fixed: string }
  ? boolean
  : O extends { readonly oneOf: readonly (infer V)[] }
    ? V
    : ValueOf<T, AsOf<O>>;
type AttributeRequired<O> = O extends { readonly fixed: string }
  ? true
  : O extends { readonly required: true }
    ? true
    : false;

/**
 * Builders. Each infers the part of the model it maps from its names, data types and options, so that
 * {@link deriveCodec} can hold the hand-written model to the description at compile time.
 */
export const d = {
  /** A whole message: its registry kind, how errors name it, whether it is a proposal, the root's children. */
  message<const C extends readonly ElementDescription[]>(m: {
    readonly kind: MessageKind;
    readonly label: string;
    readonly proposal: boolean;
    readonly children: C;
  }): MessageDescription & Typed<{ readonly gpesIVersion: string } & Merge<Items<C>>> {
    return m;
  },
  attr<const P extends string, T extends DataTypeName, const O extends AttributeOptions = AttributeOptions>(
    name: string,
    type: T,
    prop: P,
    opts?: O,
  ): AttributeDescription & Typed<Field<P, AttributeValue<T, O>, AttributeRequired<O>>> {
    const o: AttributeOptions = opts ?? {};
    return {
      name,
      type,
      prop,
      required: o.required === true,
      as: o.fixed === undefined ? (o.as ?? 'string') : 'boolean',
      ...status(o),
      ...(o.oneOf ? { oneOf: o.oneOf } : {}),
      ...(o.fixed === undefined ? {} : { fixed: o.fixed }),
    };
  },
  /** A required `UUID-Type` attribute (`RTP-UUID`, `Q-E-NT-UUID`, …). */
  uuid<const P extends string>(name: string, prop: P) {
    return d.attr(name, 'UUID-Type', prop, { required: true });
  },
  /** The required `Issue-Date-Time` attribute every GPES-I message carries. */
  issueDateTime() {
    return d.attr('Issue-Date-Time', 'Date-Time-Type', 'issueDateTime', { required: true });
  },
  /** The required `Scheduled-Query-Instance-ID` attribute (QR, QRA, RTPC; RTP and RTPR carry it as an element). */
  sqi() {
    return d.attr(
      'Scheduled-Query-Instance-ID',
      'Scheduled-Query-Instance-ID-Type',
      'scheduledQueryInstanceId',
      {
        required: true,
      },
    );
  },
  /** The required `Practice-ID` attribute (QR, QRA). */
  practiceId() {
    return d.attr('Practice-ID', 'Practice-ID-Type', 'practiceId', { required: true });
  },
  /** The optional `Query-Name` and `Query-Description` attributes (RTP, RTPR, QR), in that order. */
  queryNaming() {
    return [
      d.attr('Query-Name', 'Description-Attribute-Type', 'queryName'),
      d.attr('Query-Description', 'Description-Attribute-Type', 'queryDescription'),
    ] as const;
  },
  /** The `Terminology-Identifiers` list (one or more) that E-Q-NT and the QR manifest both carry. */
  terminologyIdentifiers() {
    return d.list('Terminology-Identifiers', 'terminologyIdentifiers', {
      children: [
        d.leaf('CodeSchemeID', 'Oid-Type', 'codeSchemeId'),
        d.leaf('Terminology-Name', 'Common-Identifier-Type', 'terminologyName'),
        d.leaf('Terminology-Release', 'Common-Identifier-Type', 'terminologyRelease'),
      ],
    });
  },
  /** A leaf element whose text is the property `prop` of the parent's object. */
  leaf<
    const N extends string,
    const P extends string,
    T extends DataTypeName,
    const O extends ElementOptions & { readonly as?: ValueKind } = ElementOptions,
  >(name: N, type: T, prop: P, opts?: O): Element<Field<P, ValueOf<T, AsOf<O>>, Needed<O>>, TagOf<N, O>> {
    return element(name, { kind: 'flat' }, opts ?? {}, [], [], { type, prop, as: opts?.as ?? 'string' });
  },
  /** An element whose text, attributes and children land in the parent's object. */
  flat<const N extends string, const B extends Body, const O extends ElementOptions = ElementOptions>(
    name: N,
    body: B,
    opts?: O,
  ): Element<Optional<BodyModel<B>, O>, TagOf<N, O>> {
    return fromBody(name, { kind: 'flat' }, body, opts ?? {});
  },
  /** An element that becomes the object under `prop`. */
  object<
    const N extends string,
    const P extends string,
    const B extends Body,
    const O extends ElementOptions = ElementOptions,
  >(name: N, prop: P, body: B, opts?: O): Element<Field<P, BodyModel<B>, Needed<O>>, TagOf<N, O>> {
    return fromBody(name, { kind: 'object', prop }, body, opts ?? {});
  },
  /** A repeated element (default 1..unbounded): each occurrence one object of the array under `prop`. */
  list<
    const N extends string,
    const P extends string,
    const B extends Body,
    const O extends ElementOptions = ElementOptions,
  >(name: N, prop: P, body: B, opts?: O): Element<Field<P, readonly BodyModel<B>[], true>, TagOf<N, O>> {
    return fromBody(name, { kind: 'list', prop }, body, repeated(opts ?? {}));
  },
  /** A repeated leaf (default 1..unbounded) whose texts are the array under `prop`. */
  values<
    const N extends string,
    const P extends string,
    T extends DataTypeName,
    const O extends ElementOptions & { readonly as?: ValueKind; readonly item?: string } = ElementOptions,
  >(
    name: N,
    type: T,
    prop: P,
    opts?: O,
  ): Element<Field<P, readonly ValueOf<T, AsOf<O>>[], true>, TagOf<N, O>> {
    const o: ElementOptions & { readonly as?: ValueKind; readonly item?: string } = opts ?? {};
    return element(name, { kind: 'values', prop }, repeated(o), [], [], {
      type,
      prop: o.item ?? prop,
      as: o.as ?? 'string',
    });
  },
  /**
   * An `xs:choice` among `alternatives`, whose chosen alternative's tag is the discriminant `prop`. `mismatch`: an
   * earlier element already holds `prop`, and a choice naming another is `INCONSISTENT`. `list`: the choice repeats
   * (`min`..`max`, default 1..unbounded), each occurrence one object of the array under `list`.
   */
  choice<
    const P extends string,
    const A extends readonly ElementDescription[],
    const O extends ChoiceOptions = ChoiceOptions,
  >(
    prop: P,
    alternatives: A,
    opts?: O,
  ): Element<
    O extends { readonly list: infer L extends string }
      ? Field<L, readonly Alternatives<P, Items<A>>[], true>
      : Alternatives<P, Items<A>>
  > {
    const o: ChoiceOptions = opts ?? {};
    return element(
      alternatives.map((a) => a.name).join('|'),
      {
        kind: 'choice',
        prop,
        ...(o.mismatch === undefined ? {} : { mismatch: o.mismatch }),
        ...(o.list === undefined ? {} : { list: o.list }),
      },
      { min: o.min ?? 1, max: o.max ?? (o.list === undefined ? 1 : Number.POSITIVE_INFINITY) },
      [],
      alternatives,
      undefined,
    );
  },
};

interface ChoiceOptions {
  readonly mismatch?: string;
  readonly list?: string;
  readonly min?: number;
  readonly max?: number;
}

const repeated = <O extends ElementOptions>(o: O): O => ({
  ...o,
  min: o.min ?? 1,
  max: o.max ?? Number.POSITIVE_INFINITY,
});

function fromBody(
  name: string,
  map: ElementDescription['map'],
  body: Body,
  opts: ElementOptions,
): ElementDescription {
  return element(name, map, opts, body.attributes ?? [], body.children ?? [], textOf(body), body.fixed?.[1]);
}

function textOf(body: Body): ElementDescription['text'] {
  if (body.fixed) return { type: body.fixed[0], prop: '', as: 'string' };
  if (!body.text) return undefined;
  const [type, prop, as = 'string'] = body.text;
  return { type, prop, as };
}

function status(opts: { readonly status?: ItemStatus }): { status?: ItemStatus } {
  return opts.status === undefined ? {} : { status: opts.status };
}

function element(
  name: string,
  map: ElementDescription['map'],
  opts: ElementOptions,
  attributes: readonly AttributeDescription[],
  children: readonly ElementDescription[],
  text: ElementDescription['text'],
  fixed?: string,
): ElementDescription {
  return {
    name,
    min: opts.min ?? 1,
    max: opts.max ?? 1,
    map,
    ...(text ? { text } : {}),
    attributes,
    children,
    ...status(opts),
    ...(opts.rules ? { rules: opts.rules } : {}),
    ...(opts.missingAsEmpty ? { missingAsEmpty: true } : {}),
    ...(opts.attributesFirst ? { attributesFirst: true } : {}),
    ...(opts.tag === undefined ? {} : { tag: opts.tag }),
    ...(fixed === undefined ? {} : { fixed }),
  };
}

/** The three functions every XML message exports, derived from its description. */
export interface DerivedCodec<T> {
  decode(input: string | Uint8Array, options?: DecodeXmlOptions): DecodeResult<T>;
  decodeOrThrow(input: string | Uint8Array, options?: DecodeXmlOptions): T;
  encode(value: T, options?: EncodeOptions): string;
}

/** Derives decoder and encoder from a description. `T` is the model the description was checked against. */
export function deriveCodec<T extends { readonly gpesIVersion: string }>(
  description: MessageDescription & Typed<T>,
): DerivedCodec<T> {
  const { kind, label } = description;
  const { rootElement, messageVersionAttribute, messageVersion } = MESSAGES[kind];
  if (rootElement === undefined) throw new TypeError(`${kind} is not an XML message`);
  const root = { name: rootElement.value, namespace: GPES_I_NAMESPACE.value };
  const rootPath = `/${root.name}`;
  // The fixed message-version attribute (`RTP-Message-Version="0.2"`…), checked on decode and always written.
  const fixed: [string, string] | undefined = messageVersionAttribute &&
    messageVersion && [messageVersionAttribute.value, messageVersion.value];
  const decode = (input: string | Uint8Array, options?: DecodeXmlOptions): DecodeResult<T> => {
    const parsed = parseXmlDocument(input, { limits: options?.limits });
    if (!parsed.ok) return parsed;
    const ctx = new IssueCollector(options?.includeValues === true, options?.maxIssues);
    const el = parsed.value;
    if (el.name !== root.name) {
      ctx.add(`/${el.name}`, 'WRONG_ROOT', `The root element is not ${root.name}`, root.name);
    } else if (el.ns !== root.namespace) {
      ctx.add(el.path, 'WRONG_NAMESPACE', 'The root element is not in the GPES-I namespace', root.namespace);
    } else {
      const r = new ElementReader(ctx, el, root.namespace);
      const out: Bag = { gpesIVersion: r.attr('GPES-I-Version', 'xs:string', true) };
      if (fixed) r.fixedAttr(fixed[0], fixed[1], true);
      for (const c of description.children) readChild(r, c, out);
      r.end();
      if (ctx.issues.length === 0) return { ok: true, value: compact(out) as unknown as T };
    }
    return { ok: false, issues: ctx.issues };
  };
  return {
    decode,
    decodeOrThrow: (input, options) => {
      const result = decode(input, options);
      if (!result.ok) throw new MessageDecodeError(`${label} could not be decoded`, result.issues);
      return result.value;
    },
    encode: (value, options) => {
      const ctx = new EncodeContext(options?.includeValues === true);
      // Callers from plain JavaScript get an issue rather than a TypeError.
      if (!isObject(value)) ctx.add(rootPath, 'INVALID_VALUE', 'The value to encode is not an object');
      const v = (isObject(value) ? value : {}) as Bag;
      // Children first, then the root attributes: the order in which encode issues have always been reported.
      const children = writeChildren(ctx, description.children, rootPath, v);
      const version = ctx.value(
        `${rootPath}/@GPES-I-Version`,
        'xs:string',
        v.gpesIVersion,
        true,
        'GPES-I-Version',
      );
      ctx.throwIfIssues(`${label} could not be encoded`);
      const attributes = attrs(['GPES-I-Version', version], ...(fixed ? [fixed] : []));
      return serializeDocument({ name: root.name, attributes, children }, root.namespace);
    },
  };
}

type Bag = Record<string, unknown>;
const isObject = (v: unknown): v is Bag => typeof v === 'object' && v !== null;

function readChild(r: ElementReader, c: ElementDescription, out: Bag): void {
  if (c.map.kind === 'choice') {
    readChoice(r, c, c.map, out);
    return;
  }
  if (repeats(c)) {
    const values = c.map.kind === 'values';
    out[(c.map as { prop: string }).prop] = r.many(c.name, c.min, c.max).map((x) => {
      const item: Bag = {};
      readElement(x, c, item);
      return values ? item[c.text?.prop ?? ''] : compact(item);
    });
    return;
  }
  const x = c.min >= 1 ? r.child(c.name) : r.optional(c.name);
  if (!x) return;
  if (c.map.kind === 'object') {
    const item: Bag = {};
    readElement(x, c, item);
    out[c.map.prop] = compact(item);
  } else {
    readElement(x, c, out);
  }
}

type ChoiceMap = Extract<ElementDescription['map'], { kind: 'choice' }>;
const tagOf = (a: ElementDescription): string => a.tag ?? a.name;
const repeats = (a: ElementDescription): boolean => a.map.kind === 'list' || a.map.kind === 'values';

function readChoice(r: ElementReader, c: ElementDescription, map: ChoiceMap, out: Bag): void {
  const names = c.children.map((a) => a.name);
  const pick = () => c.children.find((a) => a.name === r.peek());
  if (map.list !== undefined) {
    const items: Bag[] = [];
    for (let a = pick(); a; a = pick()) {
      const x = r.choice(names) as ElementReader;
      const item: Bag = { [map.prop]: tagOf(a) };
      readElement(x, a, item);
      items.push(compact(item));
    }
    if (items.length < c.min) {
      r.ctx.add(
        `${r.path}/${names[0]}`,
        'MISSING_ELEMENT',
        `${r.el.name} needs at least one ${names.join(' or ')}`,
      );
    }
    out[map.list] = items;
    return;
  }
  // A choice with a repeated first alternative (`Value`+ or `Free-Text`) is read by looking at the next element:
  // only the alternative found is expected there, and when none is, the first (which reports itself missing).
  const first = c.children[0];
  if (first && repeats(first)) {
    const next = pick() ?? first;
    out[map.prop] = tagOf(next);
    readChild(r, next, out);
    return;
  }
  const x = r.choice(names);
  if (!x) return;
  const alternative = c.children.find((a) => a.name === x.el.name) as ElementDescription;
  const named = out[map.prop];
  if (map.mismatch !== undefined && named !== undefined && named !== tagOf(alternative)) {
    r.ctx.add(x.path, 'INCONSISTENT', map.mismatch, String(named));
  }
  out[map.prop] = tagOf(alternative);
  readElement(x, alternative, out);
}

/** Reads the described element `r` into `out`, and ends it. */
export function readElement(r: ElementReader, c: ElementDescription, out: Bag): void {
  if (c.attributesFirst) readAttributes(r, c, out);
  if (c.fixed !== undefined) {
    const content = r.text((c.text as NonNullable<ElementDescription['text']>).type);
    if (content !== undefined && content !== '' && content !== c.fixed) {
      r.ctx.add(r.path, 'INVALID_FIXED', `${c.name} has the fixed content ${c.fixed}`, c.fixed, content);
    }
  } else if (c.text) {
    out[c.text.prop] = modelValue(r.text(c.text.type), c.text);
  }
  if (!c.attributesFirst) readAttributes(r, c, out);
  for (const child of c.children) readChild(r, child, out);
  for (const rule of c.rules ?? []) {
    if (!rule.decode(out, (a) => r.el.attributes[a] !== undefined)) {
      r.ctx.add(`${r.path}/${rule.at}`, 'INCONSISTENT', rule.message);
    }
  }
  r.end();
}

function readAttributes(r: ElementReader, c: ElementDescription, out: Bag): void {
  for (const a of c.attributes) {
    if (a.fixed !== undefined) {
      out[a.prop] = r.fixedAttr(a.name, a.fixed, a.required);
      continue;
    }
    const v = modelValue(r.attr(a.name, a.type, a.required), a);
    out[a.prop] = v;
    if (a.oneOf && typeof v === 'string' && !a.oneOf.includes(v)) {
      r.ctx.add(
        `${r.path}/@${a.name}`,
        'INVALID_ENUM',
        `Attribute ${a.name} is not valid`,
        oneOfText(a.oneOf),
        v,
      );
      out[a.prop] = undefined;
    }
  }
}

/** A checked lexical value as the model holds it. */
function modelValue(
  v: string | undefined,
  t: { readonly type: DataTypeName; readonly as: ValueKind },
): unknown {
  if (t.as === 'multi') return v === undefined ? [] : splitMultiValue(v);
  if (v === undefined || t.as === 'string') return v;
  if (t.as === 'number') return nonNegativeIntegerValue(v);
  return t.type === 'xs:boolean' ? parseXsBoolean(v) : v === 'Y';
}

const oneOfText = (values: readonly string[]) => `one of ${values.join(', ')}`;

function writeAttribute(
  ctx: EncodeContext,
  path: string,
  a: AttributeDescription,
  raw: unknown,
): string | undefined {
  if (a.fixed !== undefined) return raw === true ? a.fixed : undefined;
  if (a.as === 'boolean') {
    return raw === undefined && !a.required
      ? undefined
      : ctx.boolean(`${path}/@${a.name}`, 'YesNo-Type', raw, a.prop);
  }
  if (a.oneOf && raw !== undefined && !(typeof raw === 'string' && a.oneOf.includes(raw))) {
    ctx.add(
      `${path}/@${a.name}`,
      'INVALID_ENUM',
      `${a.prop} must be ${a.oneOf.join(' or ')}`,
      oneOfText(a.oneOf),
    );
    return undefined;
  }
  return ctx.value(`${path}/@${a.name}`, a.type, raw, a.required, a.prop);
}

/** The described `children` of the element at `path`, from `v`. */
export function writeChildren(
  ctx: EncodeContext,
  children: readonly ElementDescription[],
  path: string,
  v: Bag,
): OutElement[] {
  const out: OutElement[] = [];
  for (const c of children) {
    const cPath = `${path}/${c.name}`;
    if (c.map.kind === 'choice') {
      writeChoice(ctx, c, c.map, path, v, out);
    } else if (c.map.kind === 'list' || c.map.kind === 'values') {
      const raw = v[c.map.prop] as readonly Bag[] | undefined;
      const items =
        c.min >= 1
          ? ctx.atLeastOne(raw, cPath, `${c.map.prop} needs at least one ${c.name}`)
          : Array.isArray(raw)
            ? raw
            : [];
      if (items.length > c.max) ctx.add(cPath, 'TOO_MANY', `At most ${c.max} ${c.name} elements are allowed`);
      const wrap =
        c.map.kind === 'values' ? (item: unknown): Bag => ({ [c.text?.prop ?? '']: item }) : undefined;
      items.forEach((item, i) => {
        const itemPath = indexed(path, c.name, i, ctx.style ? Number.POSITIVE_INFINITY : items.length);
        if (ctx.style && !wrap && !isObject(item))
          ctx.add(itemPath, 'MISSING_ELEMENT', `${c.name} must be an object`);
        else out.push(writeElement(ctx, c, itemPath, wrap ? wrap(item) : (item ?? {})));
      });
    } else if (c.map.kind === 'object') {
      const item = v[c.map.prop] as Bag | undefined;
      const absent = item === undefined || item === null || (ctx.style && !isObject(item));
      if (absent && !(c.missingAsEmpty && c.min >= 1)) {
        if (c.min >= 1) ctx.add(cPath, 'MISSING_ELEMENT', `${c.map.prop} is required`);
        continue;
      }
      out.push(writeElement(ctx, c, cPath, item ?? {}));
    } else {
      if (c.min === 0 && !holdsAny(c, v)) continue;
      out.push(writeElement(ctx, c, cPath, v));
    }
  }
  return out;
}

function writeChoice(
  ctx: EncodeContext,
  c: ElementDescription,
  map: ChoiceMap,
  path: string,
  v: Bag,
  out: OutElement[],
): void {
  const find = (item: unknown) =>
    c.children.find((a) => tagOf(a) === (item as Bag | null | undefined)?.[map.prop]);
  const tags = c.children.map((a) => `"${tagOf(a)}"`).join(' or ');
  const first = c.children[0] as ElementDescription;
  if (map.list === undefined) {
    const alternative = find(v);
    if (alternative && repeats(alternative)) out.push(...writeChildren(ctx, [alternative], path, v));
    else if (alternative) out.push(writeElement(ctx, alternative, `${path}/${alternative.name}`, v));
    // Without `mismatch` the discriminant is only in the model: its absence is the missing choice.
    else if (map.mismatch === undefined) ctx.add(path, 'MISSING_ELEMENT', `${map.prop} must be ${tags}`);
    return;
  }
  const items = ctx.atLeastOne(
    v[map.list] as readonly unknown[] | undefined,
    `${path}/${first.name}`,
    `${map.list} needs at least one ${c.children.map((a) => a.name).join(' or ')}`,
  );
  const nameOf = (item: unknown) => (find(item) ?? first).name;
  const counts = new Map<string, number>();
  for (const item of items) counts.set(nameOf(item), (counts.get(nameOf(item)) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const item of items) {
    const name = nameOf(item);
    const i = seen.get(name) ?? 0;
    seen.set(name, i + 1);
    const itemPath = indexed(path, name, i, counts.get(name) ?? 0);
    const alternative = find(item);
    if (alternative) out.push(writeElement(ctx, alternative, itemPath, item as Bag));
    else ctx.add(itemPath, 'INVALID_VALUE', `An item must have ${map.prop} ${tags}`);
  }
}

function writeElement(ctx: EncodeContext, c: ElementDescription, path: string, v: Bag): OutElement {
  const attributes = attrs(
    ...c.attributes.map((a): [string, string | undefined] => [
      a.name,
      writeAttribute(ctx, path, a, v[a.prop]),
    ]),
  );
  for (const rule of c.rules ?? []) {
    if (!rule.encode(v)) ctx.add(`${path}/${rule.at}`, 'INCONSISTENT', rule.message);
  }
  const children = writeChildren(ctx, c.children, path, v);
  if (c.fixed !== undefined) return { name: c.name, attributes, children, text: c.fixed };
  if (!c.text) return { name: c.name, attributes, children };
  return { name: c.name, attributes, children, text: writeText(ctx, c.text, path, v[c.text.prop]) ?? '' };
}

function writeText(
  ctx: EncodeContext,
  t: NonNullable<ElementDescription['text']>,
  path: string,
  raw: unknown,
): string | undefined {
  if (t.as === 'boolean') return ctx.boolean(path, t.type as 'YesNo-Type' | 'xs:boolean', raw, t.prop);
  if (t.as !== 'multi') return ctx.value(path, t.type, raw, true, t.prop);
  const list = Array.isArray(raw) ? (raw as string[]) : [];
  if (list.length === 0) {
    ctx.add(path, 'MISSING_ELEMENT', `${t.prop} needs at least one value`);
    return undefined;
  }
  const text = joinMultiValue(list);
  if (text === undefined) {
    ctx.add(path, 'INVALID_VALUE', 'A multi-value item contains the § delimiter');
    return undefined;
  }
  return ctx.value(path, t.type, text, true, t.prop);
}

/** Whether `v` holds any property an optional flat element maps (absent or null → the element is not written). */
function holdsAny(c: ElementDescription, v: Bag): boolean {
  if (c.text && v[c.text.prop] != null) return true;
  if (c.attributes.some((a) => v[a.prop] != null)) return true;
  return c.children.some((child) =>
    child.map.kind === 'flat' ? holdsAny(child, v) : v[child.map.prop] != null,
  );
}
