/** A message's decoder and encoder, derived from its description (ADR 0008). */
import { GPES_I_NAMESPACE, MESSAGES } from '../../registry.js';
import { compact, type DecodeXmlOptions, ElementReader } from '../decode-reader.js';
import { EncodeContext, type EncodeOptions, serializeDocument } from '../encode-writer.js';
import { type DecodeResult, IssueCollector, MessageDecodeError } from '../issues.js';
import { parseXmlDocument } from '../xml/tree.js';
import { type Bag, d, isObject, type MessageDescription, type Typed } from './builders.js';
import { readElement } from './read.js';
import { writeChildren } from './write.js';

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
  // The root's attributes belong to the frame, not the description: read here, its content read as described.
  const body = d.flat(root.name, { children: description.children });
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
      readElement(r, body, out);
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
      const versionPath = `${rootPath}/@GPES-I-Version`;
      const version = ctx.value(versionPath, 'xs:string', v.gpesIVersion, true, 'GPES-I-Version');
      ctx.throwIfIssues(`${label} could not be encoded`);
      const attributes: [string, string][] = [
        ['GPES-I-Version', version as string],
        ...(fixed ? [fixed] : []),
      ];
      return serializeDocument({ name: root.name, attributes, children }, root.namespace);
    },
  };
}
