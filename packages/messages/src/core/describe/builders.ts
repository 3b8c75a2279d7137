/**
 * The description language (issue #14, ADR 0008): one declarative description per XML message, its elements and
 * attributes in schema order, their cardinality, XSD data type, the TypeScript property each maps to and, where it
 * matters, the proposal status. `read.ts` and `write.ts` interpret it, `codec.ts` derives a message's decoder and
 * encoder from it; `describe.test.ts` holds each published description against its XSD.
 *
 * Mapping rules (the shapes the GPES-I models use):
 *   - `flat` (default): the element's text and attributes land in the parent's object (a wrapper element such as
 *     `Run-Time-Parameters-Response`, or a leaf such as `Execution-Date` → `executionDate`);
 *   - `object`: the element becomes its own object under `prop`;
 *   - `list`: each occurrence becomes one object of the array under `prop`;
 *   - `values`: each occurrence's text becomes one item of the array under `prop` (a list of leaves).
 */
import type { MessageKind } from '../../registry.js';
import type { DataTypeName, dataTypes } from '../data-types.js';

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

/** A value the model holds: an attribute's, or an element's simple content. */
export interface ValueDescription {
  readonly type: DataTypeName;
  readonly prop: string;
  readonly as: ValueKind;
  /** Always, for simple content. */
  readonly required: boolean;
  /** Values allowed where the schema says only `xs:string` (a proposal's enumeration): else `INVALID_ENUM`. */
  readonly oneOf?: readonly string[];
  /** A `fixed` attribute: present (with this value) or absent, mapped to a boolean (`INVALID_FIXED` otherwise). */
  readonly fixed?: string;
}

export interface AttributeDescription extends ValueDescription {
  readonly name: string;
  readonly status?: ItemStatus;
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
  readonly text?: ValueDescription;
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
 * are assignable both ways: `deriveCodec<Model>(description)` holds the model to the description exactly.
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
  readonly text: readonly [infer T extends DataTypeName, infer P extends string, ...infer A];
}
  ? Field<P, ValueOf<T, A extends readonly [infer K extends ValueKind] ? K : 'string'>, true>
  : unknown;
type BodyModel<B extends Body> = TextModel<B> & Merge<Items<B['attributes']> | Items<B['children']>>;
/** Each alternative of a choice: its tag under `P`, beside its own model. */
type Alternatives<P extends string, A> =
  A extends Typed<infer M, infer G> ? { readonly [K in P]: G } & M : never;

type Element<M, Tag extends string = string> = ElementDescription & Typed<M, Tag>;

/** The content of an element: optional simple content (`text: [type, prop]`), attributes, children. */
export interface Body {
  readonly text?: readonly [DataTypeName, string, ValueKind?];
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

/** Options of an element with simple content only (`leaf`, `values`): how its value maps; each item's property. */
interface LeafOptions extends ElementOptions {
  readonly as?: ValueKind;
  readonly item?: string;
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
type AttributeRequired<O> = O extends { readonly fixed: string } | { readonly required: true } ? true : false;

/**
 * Builders. Each infers the part of the model it maps from its names, data types and options, so that
 * `deriveCodec` can hold the hand-written model to the description at compile time.
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
    const { required = false, as = 'string', ...o }: AttributeOptions = opts ?? {};
    return { name, type, prop, required, as: o.fixed === undefined ? as : 'boolean', ...o };
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
      { required: true },
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
    const O extends LeafOptions = ElementOptions,
  >(name: N, type: T, prop: P, opts?: O): Element<Field<P, ValueOf<T, AsOf<O>>, Needed<O>>, TagOf<N, O>> {
    const { as = 'string', ...o }: LeafOptions = opts ?? {};
    return element(name, { kind: 'flat' }, o, { text: [type, prop, as] });
  },
  /** An element whose text, attributes and children land in the parent's object. */
  flat<const N extends string, const B extends Body, const O extends ElementOptions = ElementOptions>(
    name: N,
    body: B,
    opts?: O,
  ): Element<Optional<BodyModel<B>, O>, TagOf<N, O>> {
    return element(name, { kind: 'flat' }, opts ?? {}, body);
  },
  /** An element that becomes the object under `prop`. */
  object<
    const N extends string,
    const P extends string,
    const B extends Body,
    const O extends ElementOptions = ElementOptions,
  >(name: N, prop: P, body: B, opts?: O): Element<Field<P, BodyModel<B>, Needed<O>>, TagOf<N, O>> {
    return element(name, { kind: 'object', prop }, opts ?? {}, body);
  },
  /** A repeated element (default 1..unbounded): each occurrence one object of the array under `prop`. */
  list<
    const N extends string,
    const P extends string,
    const B extends Body,
    const O extends ElementOptions = ElementOptions,
  >(name: N, prop: P, body: B, opts?: O): Element<Field<P, readonly BodyModel<B>[], true>, TagOf<N, O>> {
    return element(name, { kind: 'list', prop }, { max: Number.POSITIVE_INFINITY, ...opts }, body);
  },
  /** A repeated leaf (default 1..unbounded) whose texts are the array under `prop`. */
  values<
    const N extends string,
    const P extends string,
    T extends DataTypeName,
    const O extends LeafOptions = ElementOptions,
  >(
    name: N,
    type: T,
    prop: P,
    opts?: O,
  ): Element<Field<P, readonly ValueOf<T, AsOf<O>>[], true>, TagOf<N, O>> {
    const { as = 'string', item = prop, ...o }: LeafOptions = opts ?? {};
    const text = [type, item, as] as const;
    return element(name, { kind: 'values', prop }, { max: Number.POSITIVE_INFINITY, ...o }, { text });
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
    const { min = 1, max, ...map }: ChoiceOptions = opts ?? {};
    const occurs = { min, max: max ?? (map.list === undefined ? 1 : Number.POSITIVE_INFINITY) };
    return element(alternatives.map((a) => a.name).join('|'), { kind: 'choice', prop, ...map }, occurs, {
      children: alternatives,
    });
  },
};

interface ChoiceOptions {
  readonly mismatch?: string;
  readonly list?: string;
  readonly min?: number;
  readonly max?: number;
}

function element(
  name: string,
  map: ElementDescription['map'],
  { min = 1, max = 1, ...options }: ElementOptions,
  { text, fixed, attributes = [], children = [] }: Body,
): ElementDescription {
  // Fixed content is checked and written, never mapped: its text maps to no property.
  const [type, prop = '', as = 'string']: Partial<NonNullable<Body['text']>> = fixed
    ? [fixed[0], '']
    : (text ?? []);
  return {
    name,
    min,
    max,
    map,
    ...options,
    attributes,
    children,
    ...(type === undefined ? {} : { text: { type, prop, as, required: true } }),
    ...(fixed ? { fixed: fixed[1] } : {}),
  };
}

/** A model object as the reader builds it and the writer reads it. */
export type Bag = Record<string, unknown>;
export type ChoiceMap = Extract<ElementDescription['map'], { kind: 'choice' }>;
export const isObject = (v: unknown): v is Bag => typeof v === 'object' && v !== null;
/** The discriminant's value when `a` is the chosen alternative of a choice. */
export const tagOf = (a: ElementDescription): string => a.tag ?? a.name;
export const repeats = (a: ElementDescription): boolean => a.map.kind === 'list' || a.map.kind === 'values';
