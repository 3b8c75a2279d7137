/** Root element handling shared by every XML message: name, namespace and the two version attributes. */
import { GPES_I_NAMESPACE, MESSAGES, type MessageKind } from '../registry.js';
import type { ElementReader } from './decode-reader.js';
import type { EncodeContext } from './encode-writer.js';

/** Root name and namespace of an XML message kind, from the registry. */
export function rootOf(kind: MessageKind): { name: string; namespace: string } {
  const name = MESSAGES[kind].rootElement?.value;
  if (name === undefined) throw new TypeError(`${kind} is not an XML message`);
  return { name, namespace: GPES_I_NAMESPACE.value };
}

/** Reads `GPES-I-Version` and checks the fixed message-version attribute. */
export function readRootAttributes(r: ElementReader, kind: MessageKind): string | undefined {
  const def = MESSAGES[kind];
  const version = r.attr('GPES-I-Version', 'xs:string', true);
  if (def.messageVersionAttribute && def.messageVersion) {
    r.fixedAttr(def.messageVersionAttribute.value, def.messageVersion.value, true);
  }
  return version;
}

/** Root attributes in schema order: `GPES-I-Version`, then the fixed message version. */
export function rootAttributes(
  ctx: EncodeContext,
  kind: MessageKind,
  gpesIVersion: unknown,
): Array<[string, string]> {
  const def = MESSAGES[kind];
  const root = `/${def.rootElement?.value ?? kind}`;
  const version = ctx.value(`${root}/@GPES-I-Version`, 'xs:string', gpesIVersion, true, 'GPES-I-Version');
  const out: Array<[string, string]> = [];
  if (version !== undefined) out.push(['GPES-I-Version', version]);
  if (def.messageVersionAttribute && def.messageVersion) {
    out.push([def.messageVersionAttribute.value, def.messageVersion.value]);
  }
  return out;
}
