/**
 * The decoder a description implies: it walks an element tree with an {@link ElementReader} in the described order
 * and builds the model as the description maps it.
 */
import { nonNegativeIntegerValue, parseXsBoolean, splitMultiValue } from '../data-types.js';
import { compact, type ElementReader } from '../decode-reader.js';
import {
  type Bag,
  type ChoiceMap,
  type ElementDescription,
  repeats,
  tagOf,
  type ValueDescription,
} from './builders.js';

/** Reads the described element `r` into `out`, and ends it. */
export function readElement(r: ElementReader, c: ElementDescription, out: Bag): void {
  if (c.attributesFirst) readAttributes(r, c, out);
  if (c.fixed !== undefined) {
    const content = r.text((c.text as ValueDescription).type);
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

function readChild(r: ElementReader, c: ElementDescription, out: Bag): void {
  const map = c.map;
  if (map.kind === 'choice') {
    readChoice(r, c, map, out);
    return;
  }
  if (map.kind === 'flat') {
    const x = r.one(c.name, c.min >= 1);
    if (x) readElement(x, c, out);
    return;
  }
  // `object`, `list` and `values`: each occurrence is read into an object of its own.
  const item = (x: ElementReader) => {
    const o: Bag = {};
    readElement(x, c, o);
    return map.kind === 'values' ? o[(c.text as ValueDescription).prop] : compact(o);
  };
  if (repeats(c)) out[map.prop] = r.many(c.name, c.min, c.max).map(item);
  else {
    const x = r.one(c.name, c.min >= 1);
    if (x) out[map.prop] = item(x);
  }
}

function readChoice(r: ElementReader, c: ElementDescription, map: ChoiceMap, out: Bag): void {
  const names = c.children.map((a) => a.name);
  const pick = () => c.children.find((a) => a.name === r.peek());
  if (map.list !== undefined) {
    const items: Bag[] = [];
    for (let a = pick(); a; a = pick()) {
      const item: Bag = { [map.prop]: tagOf(a) };
      readElement(r.choice(names) as ElementReader, a, item);
      items.push(compact(item));
    }
    if (items.length < c.min) {
      const message = `${r.el.name} needs at least one ${names.join(' or ')}`;
      r.ctx.add(`${r.path}/${names[0]}`, 'MISSING_ELEMENT', message);
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

function readAttributes(r: ElementReader, c: ElementDescription, out: Bag): void {
  for (const a of c.attributes) {
    if (a.fixed !== undefined) {
      out[a.prop] = r.fixedAttr(a.name, a.fixed, a.required);
      continue;
    }
    const v = modelValue(r.attr(a.name, a.type, a.required), a);
    out[a.prop] = v;
    if (a.oneOf && typeof v === 'string' && !a.oneOf.includes(v)) {
      const message = `Attribute ${a.name} is not valid`;
      r.ctx.add(`${r.path}/@${a.name}`, 'INVALID_ENUM', message, `one of ${a.oneOf.join(', ')}`, v);
      out[a.prop] = undefined;
    }
  }
}

/** A checked lexical value as the model holds it (the writer's `lexicalValue` is the way back). */
function modelValue(v: string | undefined, t: ValueDescription): unknown {
  if (t.as === 'multi') return v === undefined ? [] : splitMultiValue(v);
  if (v === undefined || t.as === 'string') return v;
  if (t.as === 'number') return nonNegativeIntegerValue(v);
  return t.type === 'xs:boolean' ? parseXsBoolean(v) : v === 'Y';
}
