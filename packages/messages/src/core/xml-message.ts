/**
 * The frame every XML message codec shares: root name and namespace, the version attributes, the `…OrThrow`
 * wrapper and the encoder's issue collection. Each codec supplies only how its body is read and written.
 */
import type { MessageKind } from '../registry.js';
import { type DecodeXmlOptions, decodeDocument, type ElementReader } from './decode-reader.js';
import {
  EncodeContext,
  type EncodeOptions,
  type OutElement,
  objectOrEmpty,
  serializeDocument,
} from './encode-writer.js';
import { type DecodeResult, MessageDecodeError } from './issues.js';
import { readRootAttributes, rootAttributes, rootOf } from './message-root.js';

/** The shared half of one XML message's codec; see {@link defineXmlMessage}. */
export interface XmlMessageFrame {
  /** Root element name and namespace, from the registry. */
  readonly root: { readonly name: string; readonly namespace: string };
  /** Parses `input`, checks the root and its version attributes, then reads the body with `read`. */
  decode<T>(
    input: string | Uint8Array,
    options: DecodeXmlOptions | undefined,
    read: (root: ElementReader, gpesIVersion: string | undefined) => T,
  ): DecodeResult<T>;
  /**
   * The value of a decode result.
   * @throws MessageDecodeError with every issue
   */
  orThrow<T>(result: DecodeResult<T>): T;
  /**
   * Checks `value` while `build` turns it into the root's children, adds the root attributes and serialises.
   * @throws MessageDecodeError when any issue was collected
   */
  encode<T extends { readonly gpesIVersion?: unknown }>(
    value: T,
    options: EncodeOptions | undefined,
    build: (ctx: EncodeContext, value: Partial<T>) => OutElement[],
  ): string;
}

/**
 * The codec frame of an XML message kind.
 * @param label how errors name the message (`${label} could not be decoded`)
 */
export function defineXmlMessage(kind: MessageKind, label: string): XmlMessageFrame {
  const root = rootOf(kind);
  return Object.freeze({
    root,
    decode: (input, options, read) =>
      decodeDocument(input, options, root, (r) => read(r, readRootAttributes(r, kind))),
    orThrow: (result) => {
      if (!result.ok) throw new MessageDecodeError(`${label} could not be decoded`, result.issues);
      return result.value;
    },
    encode: (value, options, build) => {
      const ctx = new EncodeContext(options?.includeValues === true);
      const v = objectOrEmpty(ctx, value, `/${root.name}`);
      // Children first, then the root attributes: the order in which encode issues have always been reported.
      const children = build(ctx, v);
      const out: OutElement = {
        name: root.name,
        attributes: rootAttributes(ctx, kind, v.gpesIVersion),
        children,
      };
      ctx.throwIfIssues(`${label} could not be encoded`);
      return serializeDocument(out, root.namespace);
    },
  } satisfies XmlMessageFrame);
}
