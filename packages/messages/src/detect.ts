import { skipCommentOrPi, sniff } from './core/xml/input.js';
import { GPES_I_NAMESPACE, MESSAGE_KINDS, MESSAGES, type MessageKind, REPORT_COLUMNS } from './registry.js';

/** What {@link detectMessage} found. */
export interface DetectedMessage {
  readonly kind: MessageKind;
  readonly format: 'xml' | 'csv';
  /** Root element local name (XML). */
  readonly rootElement?: string;
  /** True when the message body is published; false for the project's proposals (QRA, RTPC, report CSV). */
  readonly published: boolean;
}

const PREFIX_CHARS = 8192;

function head(input: string | Uint8Array): string {
  if (typeof input === 'string') return input.slice(0, PREFIX_CHARS);
  const bytes = input.subarray(0, PREFIX_CHARS * 2);
  // Non-fatal: a cut multi-byte sequence at the window's end must not stop detection. What the parser refuses
  // (UTF-32, EBCDIC, UTF-16 without a byte order mark) is no message either.
  const decoder = sniff(bytes, true, false);
  return typeof decoder === 'string' ? '' : decoder.decode(bytes);
}

/**
 * Says which GPES message a received document is, cheaply: it reads only the first few kilobytes (the prolog and
 * the root start tag, or the CSV header line) and never parses the document. Detection is by root element local
 * name AND namespace URI (the prefix does not matter), or by the exact report CSV header.
 *
 * @param input the received payload (decompressed), as bytes or text
 * @returns the detected message, or `undefined` when it is none of the catalogue (including documents with a
 *   DOCTYPE, which every decoder refuses)
 */
export function detectMessage(input: string | Uint8Array): DetectedMessage | undefined {
  let text = head(input);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    const end = skipCommentOrPi(text, i);
    if (end === undefined) break;
    if (end < 0) return undefined;
    i = end;
  }
  if (text[i] !== '<') return detectCsv(text);
  const tagEnd = text.indexOf('>', i);
  const tag = tagEnd < 0 ? text.slice(i) : text.slice(i, tagEnd);
  const m = /^<(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)/.exec(tag);
  if (!m) return undefined;
  const [, prefix, local] = m;
  const decl =
    prefix === undefined
      ? /\sxmlns\s*=\s*(["'])(.*?)\1/
      : new RegExp(`\\sxmlns:${prefix}\\s*=\\s*(["'])(.*?)\\1`);
  const ns = decl.exec(tag)?.[2];
  if (ns !== GPES_I_NAMESPACE.value) return undefined;
  for (const kind of MESSAGE_KINDS) {
    const def = MESSAGES[kind];
    if (def.rootElement?.value === local) {
      return { kind, format: 'xml', rootElement: local, published: def.body.value === 'published' };
    }
  }
  return undefined;
}

function detectCsv(text: string): DetectedMessage | undefined {
  const line = /^[^\r\n]*/.exec(text)?.[0] ?? '';
  const fields = line.split(',').map((f) => f.replace(/^"(.*)"$/, '$1'));
  const expected = REPORT_COLUMNS.value;
  if (fields.length !== expected.length || fields.some((f, idx) => f !== expected[idx])) return undefined;
  return { kind: 'REPORT', format: 'csv', published: false };
}
