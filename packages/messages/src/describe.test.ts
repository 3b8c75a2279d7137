/**
 * Holds every message description (src/<message>/description.ts) against its published XSD (xsd/): each element and
 * attribute, order, minOccurs/maxOccurs, type, and the facets (length, pattern, enumeration) of each simple type the
 * description uses. A difference fails with the path and both values. Proposals (no published XSD) are exempt.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataTypes } from './core/data-types.js';
import type { ElementDescription, MessageDescription, ModelOf } from './core/describe/builders.js';
import { deriveCodec } from './core/describe/codec.js';
import { parseXmlDocument, type XmlElement } from './core/xml/tree.js';
import { eqntDescription } from './e-q-notification/description.js';
import { qentDescription } from './q-e-notification/description.js';
import type { QENotificationMessage } from './q-e-notification/model.js';
import { qraDescription } from './query-results-acknowledgement/description.js';
import { MESSAGES } from './registry.js';
import { rtpcDescription } from './rtp-cancellation/description.js';
import { rtpDescription } from './run-time-parameters/description.js';
import type { RunTimeParameters } from './run-time-parameters/model.js';
import { rtprDescription } from './run-time-parameters-response/description.js';

/** Every description, with the XSD it is held to (`undefined`: a proposal, exempt). */
export const DESCRIPTIONS: ReadonlyArray<readonly [MessageDescription, string | undefined]> = [
  [rtpDescription, 'GPES-Q-E-RTP.xsd'],
  [qentDescription, 'GPES-Q-E-NT.xsd'],
  [eqntDescription, 'GPES-E-Q-NT.xsd'],
  [rtprDescription, 'GPES-E-Q-RTPR.xsd'],
  [rtpcDescription, undefined],
  [qraDescription, undefined],
];

function loadSchema(file: string): XmlElement {
  const r = parseXmlDocument(readFileSync(new URL(`../xsd/${file}`, import.meta.url)));
  if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.issues)}`);
  return r.value;
}

const dataTypesXsd = loadSchema('GPES-Data-Types.xsd');

interface Schema {
  readonly elements: Map<string, XmlElement>;
  readonly complexTypes: Map<string, XmlElement>;
  readonly simpleTypes: Map<string, XmlElement>;
}

function index(...docs: XmlElement[]): Schema {
  const s: Schema = { elements: new Map(), complexTypes: new Map(), simpleTypes: new Map() };
  for (const doc of docs) {
    for (const c of doc.children) {
      const name = c.attributes.name;
      if (name === undefined) continue;
      if (c.name === 'element') s.elements.set(name, c);
      else if (c.name === 'complexType') s.complexTypes.set(name, c);
      else if (c.name === 'simpleType') s.simpleTypes.set(name, c);
    }
  }
  return s;
}

/** What the XSD says of one element, in the description's terms. */
interface Shape {
  min: number;
  max: number;
  text?: string;
  /** The element's `fixed` value. */
  fixed?: string;
  attributes: Array<{ name: string; type: string; required: boolean; fixed?: string }>;
  children: Array<[XmlElement, number, number]>;
}

const kids = (el: XmlElement, name: string) => el.children.filter((c) => c.name === name);

function occurs(particle: XmlElement): [number, number] {
  const min = Number(particle.attributes.minOccurs ?? '1');
  const maxText = particle.attributes.maxOccurs ?? '1';
  return [min, maxText === 'unbounded' ? Number.POSITIVE_INFINITY : Number(maxText)];
}

function shapeOf(s: Schema, particle: XmlElement): Shape {
  const [min, max] = occurs(particle);
  if (particle.name === 'choice') {
    // A choice is described as one pseudo-element `A|B|C` whose children are the alternatives.
    return { min, max, attributes: [], children: kids(particle, 'element').map((p) => [p, ...occurs(p)]) };
  }
  const decl = particle.attributes.ref ? s.elements.get(particle.attributes.ref) : particle;
  if (!decl) throw new Error(`unresolved element ref ${particle.attributes.ref}`);
  const shape: Shape = { min, max, attributes: [], children: [] };
  if (decl.attributes.fixed !== undefined) shape.fixed = decl.attributes.fixed;
  const inline = kids(decl, 'simpleType')[0];
  if (inline) {
    // An anonymous simple type: the data types name it after its element.
    const name = decl.attributes.name ?? '';
    s.simpleTypes.set(name, inline);
    shape.text = name;
    return shape;
  }
  const typeName = decl.attributes.type;
  if (typeName !== undefined && !s.complexTypes.has(typeName)) {
    shape.text = typeName;
    return shape;
  }
  const complex = typeName !== undefined ? s.complexTypes.get(typeName) : kids(decl, 'complexType')[0];
  if (complex) readComplex(s, complex, shape);
  return shape;
}

function readComplex(s: Schema, complex: XmlElement, shape: Shape): void {
  for (const c of complex.children) {
    if (c.name === 'sequence') {
      // A repeated sequence repeats its particles: occurrences multiply.
      const [smin, smax] = occurs(c);
      for (const p of c.children.filter((k) => k.name === 'element' || k.name === 'choice')) {
        const [pmin, pmax] = occurs(p);
        shape.children.push([p, pmin * smin, pmax * smax]);
      }
    } else if (c.name === 'choice') shape.children.push([c, ...occurs(c)]);
    else if (c.name === 'attribute') shape.attributes.push(attributeOf(c));
    else if (c.name === 'simpleContent' || c.name === 'complexContent') {
      const ext = kids(c, 'extension')[0];
      if (!ext) continue;
      const base = ext.attributes.base ?? '';
      if (c.name === 'simpleContent') shape.text = base;
      else {
        const baseType = s.complexTypes.get(base);
        if (baseType) readComplex(s, baseType, shape);
      }
      readComplex(s, ext, shape);
    }
  }
}

function attributeOf(a: XmlElement): Shape['attributes'][number] {
  return {
    name: a.attributes.name ?? '',
    type: a.attributes.type ?? '',
    required: a.attributes.use === 'required',
    ...(a.attributes.fixed === undefined ? {} : { fixed: a.attributes.fixed }),
  };
}

/** Facets of a named simple type as the XSD writes them. */
function xsdFacets(s: Schema, type: string): Record<string, unknown> {
  const st = s.simpleTypes.get(type);
  if (!st) return {};
  const r = kids(st, 'restriction')[0];
  if (!r) return {};
  const out: Record<string, unknown> = {};
  const pattern = kids(r, 'pattern')[0]?.attributes.value;
  if (pattern !== undefined) out.pattern = pattern;
  const length = kids(r, 'length')[0]?.attributes.value;
  if (length !== undefined) {
    out.minLength = Number(length);
    out.maxLength = Number(length);
  }
  const minLength = kids(r, 'minLength')[0]?.attributes.value;
  // minLength 0 states the default: the same as no facet.
  if (minLength !== undefined && Number(minLength) !== 0) out.minLength = Number(minLength);
  const maxLength = kids(r, 'maxLength')[0]?.attributes.value;
  if (maxLength !== undefined) out.maxLength = Number(maxLength);
  const enumeration = kids(r, 'enumeration').map((e) => e.attributes.value);
  if (enumeration.length > 0) out.enumeration = enumeration;
  return out;
}

function describedFacets(type: string): Record<string, unknown> {
  const f = (dataTypes as Record<string, { facets?: Record<string, unknown> }>)[type]?.facets ?? {};
  const out: Record<string, unknown> = { ...f };
  if (f.enumeration) out.enumeration = [...(f.enumeration as string[])];
  return out;
}

/** Compares one description with its schema; returns every difference as `path: what (description ≠ XSD)`. */
export function compareWithXsd(description: MessageDescription, xsdFile: string): string[] {
  const s = index(loadSchema(xsdFile), dataTypesXsd);
  const rootName = MESSAGES[description.kind].rootElement?.value ?? '';
  const root = s.elements.get(rootName);
  if (!root) return [`/${rootName}: root element not in ${xsdFile}`];
  const diffs: string[] = [];
  const types = new Set<string>();
  const rootShape = shapeOf(s, root);
  compareChildren(s, `/${rootName}`, description.children, rootShape.children, diffs, types);
  for (const t of types) {
    if (t.startsWith('xs:')) continue; // built-in: the XSD defines no facets for it
    const got = JSON.stringify(describedFacets(t));
    const want = JSON.stringify(xsdFacets(s, t));
    if (got !== want) diffs.push(`type ${t}: facets (description ${got} ≠ XSD ${want})`);
  }
  return diffs;
}

function compareChildren(
  s: Schema,
  path: string,
  described: readonly ElementDescription[],
  particles: ReadonlyArray<[XmlElement, number, number]>,
  diffs: string[],
  types: Set<string>,
): void {
  const names = (list: string[]) => list.join(', ');
  const nameOf = (p: XmlElement): string =>
    p.name === 'choice'
      ? kids(p, 'element').map(nameOf).join('|')
      : (p.attributes.ref ?? p.attributes.name ?? '');
  const want = particles.map(([p]) => nameOf(p));
  const got = described.map((e) => e.name);
  if (names(got) !== names(want)) {
    diffs.push(`${path}: child elements in order (description [${names(got)}] ≠ XSD [${names(want)}])`);
    return;
  }
  described.forEach((e, i) => {
    const [particle, min = 1, max = 1] = particles[i] ?? [];
    if (particle)
      compareElement(s, `${path}/${e.name}`, e, { ...shapeOf(s, particle), min, max }, diffs, types);
  });
}

function compareElement(
  s: Schema,
  path: string,
  e: ElementDescription,
  x: Shape,
  diffs: string[],
  types: Set<string>,
): void {
  const diff = (what: string, got: unknown, want: unknown) => {
    if (String(got) !== String(want)) diffs.push(`${path}: ${what} (description ${got} ≠ XSD ${want})`);
  };
  diff('minOccurs', e.min, x.min);
  diff('maxOccurs', e.max, x.max);
  diff('simple content type', e.text?.type ?? 'none', x.text ?? 'none');
  diff('fixed content', e.fixed ?? 'none', x.fixed ?? 'none');
  if (e.text) types.add(e.text.type);
  diff(
    'attributes in order',
    e.attributes.map((a) => a.name).join(', '),
    x.attributes.map((a) => a.name).join(', '),
  );
  for (const a of e.attributes) {
    types.add(a.type);
    const xa = x.attributes.find((y) => y.name === a.name);
    if (!xa) continue;
    diff(`@${a.name} type`, a.type, xa.type);
    diff(`@${a.name} required`, a.required, xa.required);
    diff(`@${a.name} fixed`, a.fixed ?? 'none', xa.fixed ?? 'none');
  }
  compareChildren(s, path, e.children, x.children, diffs, types);
}

describe('message descriptions match their published XSD', () => {
  for (const [description, xsd] of DESCRIPTIONS) {
    if (xsd === undefined) {
      it(`${description.kind}: exempt, a proposal without a published XSD`, () => {
        expect(description.proposal).toBe(true);
      });
      continue;
    }
    it(`${description.kind} matches ${xsd}`, () => {
      expect(description.proposal).toBe(false);
      expect(compareWithXsd(description, xsd)).toEqual([]);
    });
  }

  it('fails with the path and both values on a deliberately altered description', () => {
    const body = rtprDescription.children[0] as ElementDescription;
    const sqi = body.children[0] as ElementDescription;
    const altered: MessageDescription = {
      ...rtprDescription,
      children: [
        {
          ...body,
          children: [
            { ...sqi, attributes: sqi.attributes.map((a, i) => (i === 0 ? { ...a, type: 'xs:string' } : a)) },
            ...body.children.slice(1),
          ],
        },
      ],
    };
    expect(compareWithXsd(altered, 'GPES-E-Q-RTPR.xsd')).toEqual([
      '/GPES-E-Q-RTPR-Message/Run-Time-Parameters-Response/Scheduled-Query-Instance-ID: @RTPR-UUID type (description xs:string ≠ XSD UUID-Type)',
    ]);
  });

  it('compares fixed content and cardinality too (Q-E-NT Free-Text altered to N, UID to at most 999)', () => {
    const alter = (e: ElementDescription): ElementDescription => ({
      ...e,
      ...(e.name === 'Free-Text' ? { fixed: 'N' } : {}),
      ...(e.name === 'UID' ? { max: 999 } : {}),
      children: e.children.map(alter),
    });
    const altered: MessageDescription = { ...qentDescription, children: qentDescription.children.map(alter) };
    const diffs = compareWithXsd(altered, 'GPES-Q-E-NT.xsd').map((x) => x.replace(/^.*\/(\S+: )/, '$1'));
    expect(diffs).toEqual([
      'UID: maxOccurs (description 999 ≠ XSD 1000)',
      'Free-Text: fixed content (description N ≠ XSD Y)',
      'UID: maxOccurs (description 999 ≠ XSD 1000)',
      'Free-Text: fixed content (description N ≠ XSD Y)',
    ]);
  });

  it('holds each hand-written model to its description at compile time, both ways (deriveCodec<Model>)', () => {
    type M = RunTimeParameters;
    const refused = [
      // @ts-expect-error a model property the description does not map
      () => deriveCodec<M & { readonly extra: string }>(rtpDescription),
      // @ts-expect-error a described property the model lacks
      () => deriveCodec<Omit<M, 'cutoffDate'>>(rtpDescription),
      // @ts-expect-error an optional element (Interim-Date) that the model makes required
      () => deriveCodec<Omit<M, 'interimDate'> & { readonly interimDate: string }>(rtpDescription),
      // @ts-expect-error an enumerated type (Query-Domain-Type) that the model widens
      () => deriveCodec<Omit<M, 'queryDomain'> & { readonly queryDomain: string }>(rtpDescription),
      // @ts-expect-error an optional property (Query-Name) under another name: mutually assignable, other paths
      () => deriveCodec<Omit<M, 'queryName'> & { readonly queryTitle?: string }>(rtpDescription),
    ];
    expect(refused).toHaveLength(5);
    // What the description maps, as a type: assignable to and from the hand-written model.
    const from = (m: QENotificationMessage): ModelOf<typeof qentDescription> => m;
    const to = (m: ModelOf<typeof qentDescription>): QENotificationMessage => m;
    expect([from, to]).toHaveLength(2);
  });
});
