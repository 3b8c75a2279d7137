/**
 * The encoder a description implies: it checks a model value against the description with an
 * {@link EncodeContext} and builds the elements to serialise, with the decoder's issue codes and paths.
 */
import { joinMultiValue } from '../data-types.js';
import { type EncodeContext, indexed, missingCode, type OutElement } from '../encode-writer.js';
import {
  type Bag,
  type ChoiceMap,
  type ElementDescription,
  isObject,
  repeats,
  tagOf,
  type ValueDescription,
} from './builders.js';

/** The described `children` of the element at `path`, from `v`. */
export function writeChildren(
  ctx: EncodeContext,
  children: readonly ElementDescription[],
  path: string,
  v: Bag,
): OutElement[] {
  const out: OutElement[] = [];
  for (const c of children) {
    const map = c.map;
    const cPath = `${path}/${c.name}`;
    if (map.kind === 'choice') writeChoice(ctx, c, map, path, v, out);
    else if (map.kind === 'flat') {
      if (c.min >= 1 || holdsAny(c, v)) out.push(writeElement(ctx, c, cPath, v));
    } else if (map.kind === 'object') {
      const item = v[map.prop];
      const absent = item === undefined || item === null || (ctx.style && !isObject(item));
      if (!absent || (c.missingAsEmpty && c.min >= 1))
        out.push(writeElement(ctx, c, cPath, (item ?? {}) as Bag));
      else if (c.min >= 1) ctx.add(cPath, 'MISSING_ELEMENT', `${map.prop} is required`);
    } else {
      const items = ctx.list(v[map.prop], c.min, cPath, `${map.prop} needs at least one ${c.name}`);
      if (items.length > c.max) ctx.add(cPath, 'TOO_MANY', `At most ${c.max} ${c.name} elements are allowed`);
      items.forEach((item, i) => {
        const itemPath = indexed(path, c.name, i, ctx.style ? Number.POSITIVE_INFINITY : items.length);
        if (map.kind === 'values')
          out.push(writeElement(ctx, c, itemPath, { [(c.text as ValueDescription).prop]: item }));
        else if (ctx.style && !isObject(item))
          ctx.add(itemPath, 'MISSING_ELEMENT', `${c.name} must be an object`);
        else out.push(writeElement(ctx, c, itemPath, (item ?? {}) as Bag));
      });
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
    c.children.find((a) => tagOf(a) === (isObject(item) ? item[map.prop] : undefined));
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
  const names = c.children.map((a) => a.name).join(' or ');
  const items = ctx.list(
    v[map.list],
    c.min,
    `${path}/${first.name}`,
    `${map.list} needs at least one ${names}`,
  );
  // Items are indexed among the siblings of their own name, as the decoder's paths are.
  const nameOf = (item: unknown) => (find(item) ?? first).name;
  const counts = new Map<string, number>();
  const placed = items.map((item) => {
    const name = nameOf(item);
    const i = counts.get(name) ?? 0;
    counts.set(name, i + 1);
    return [item, name, i] as const;
  });
  for (const [item, name, i] of placed) {
    const itemPath = indexed(path, name, i, counts.get(name) as number);
    const alternative = find(item);
    if (alternative) out.push(writeElement(ctx, alternative, itemPath, item as Bag));
    else ctx.add(itemPath, 'INVALID_VALUE', `An item must have ${map.prop} ${tags}`);
  }
}

function writeElement(ctx: EncodeContext, c: ElementDescription, path: string, v: Bag): OutElement {
  const attributes: [string, string][] = [];
  for (const a of c.attributes) {
    const text = lexicalValue(ctx, `${path}/@${a.name}`, a, v[a.prop]);
    if (text !== undefined) attributes.push([a.name, text]);
  }
  for (const rule of c.rules ?? []) {
    if (!rule.encode(v)) ctx.add(`${path}/${rule.at}`, 'INCONSISTENT', rule.message);
  }
  const children = writeChildren(ctx, c.children, path, v);
  const text = c.fixed ?? (c.text && (lexicalValue(ctx, path, c.text, v[c.text.prop]) ?? ''));
  return { name: c.name, attributes, children, text };
}

/** A model value checked and written as its lexical form (the reader's `modelValue` is the way back). */
function lexicalValue(
  ctx: EncodeContext,
  path: string,
  t: ValueDescription,
  raw: unknown,
): string | undefined {
  if (t.fixed !== undefined) return raw === true ? t.fixed : undefined;
  if (raw === undefined && !t.required) return undefined;
  if (t.as === 'boolean') {
    if (typeof raw === 'boolean') return t.type === 'YesNo-Type' ? (raw ? 'Y' : 'N') : String(raw);
    ctx.add(path, raw === undefined ? missingCode(path) : 'INVALID_VALUE', `${t.prop} must be a boolean`);
    return undefined;
  }
  if (t.oneOf && raw !== undefined && !(typeof raw === 'string' && t.oneOf.includes(raw))) {
    const expected = `one of ${t.oneOf.join(', ')}`;
    ctx.add(path, 'INVALID_ENUM', `${t.prop} must be ${t.oneOf.join(' or ')}`, expected);
    return undefined;
  }
  if (t.as === 'multi') {
    const list = Array.isArray(raw) ? (raw as string[]) : [];
    if (list.length === 0) {
      ctx.add(path, 'MISSING_ELEMENT', `${t.prop} needs at least one value`);
      return undefined;
    }
    raw = joinMultiValue(list);
    if (raw === undefined) {
      ctx.add(path, 'INVALID_VALUE', 'A multi-value item contains the § delimiter');
      return undefined;
    }
  }
  return ctx.value(path, t.type, raw, t.required, t.prop);
}

/** Whether `v` holds any property an optional flat element maps (absent or null → the element is not written). */
function holdsAny(c: ElementDescription, v: Bag): boolean {
  if (c.text && v[c.text.prop] != null) return true;
  if (c.attributes.some((a) => v[a.prop] != null)) return true;
  return c.children.some((child) =>
    child.map.kind === 'flat' ? holdsAny(child, v) : v[child.map.prop] != null,
  );
}
