/**
 * What the guarded parser checks on the raw input before saxes sees it: its kind and size, the byte encoding, the
 * prolog (checked as text, so that saxes needs no `doctype` or `xmldecl` handler) and runs of characters without
 * markup.
 */
import { TextDecoder } from 'node:util';
import type { DecodeIssueCode } from '../issues.js';
import type { XmlWording } from './guarded-parser.js';

/** Stops the parser with an issue. */
export type Refuse = (code: DecodeIssueCode, message: string, expected?: string) => void;

const UTF8_NAMES = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);
const UTF16_NAMES = new Set(['utf-16', 'utf-16le', 'utf-16be', 'utf16']);
const DECLARED_ENCODING = /^<\?xml\s[^>]*?encoding\s*=\s*["']([^"']*)["']/;

/**
 * A decoder for the byte order mark or other signature in the first four bytes, or what is refused. `detect.ts`
 * sniffs with it too, with a decoder that replaces invalid sequences rather than refusing them.
 */
export function sniff(head: Uint8Array, utf16: boolean, fatal = true): TextDecoder | string {
  const [a, b, c, d] = head;
  const decoder = (label: 'utf-8' | 'utf-16le' | 'utf-16be'): TextDecoder | string => {
    if (label !== 'utf-8' && !utf16) return 'UTF-16';
    try {
      return new TextDecoder(label, { fatal });
    } catch {
      // A Node build without full ICU lacks utf-16be: refuse clearly rather than misdecode.
      return label.toUpperCase();
    }
  };
  if (a === 0xfe && b === 0xff) return decoder('utf-16be');
  if (a === 0xff && b === 0xfe) return c === 0x00 && d === 0x00 ? 'UTF-32' : decoder('utf-16le');
  if (a === 0x00 && b === 0x00) return 'UTF-32';
  if (a === 0x3c && b === 0x00 && c === 0x00 && d === 0x00) return 'UTF-32';
  if ((a === 0x00 && b === 0x3c) || (a === 0x3c && b === 0x00)) return 'UTF-16 without a byte order mark';
  if (a === 0x4c && b === 0x6f && c === 0xa7 && d === 0x94) return 'EBCDIC';
  return decoder('utf-8');
}

/**
 * Where the comment or processing instruction starting at `at` ends (just past its close), -1 when `text` ends
 * inside it, or undefined when none starts there.
 */
export function skipCommentOrPi(text: string, at: number): number | undefined {
  const close = text.startsWith('<!--', at) ? '-->' : text.startsWith('<?', at) ? '?>' : undefined;
  if (close === undefined) return undefined;
  const end = text.indexOf(close, at + (close === '-->' ? 4 : 2));
  return end < 0 ? -1 : end + close.length;
}

function firstMarkup(text: string, from: number): number {
  const lt = text.indexOf('<', from);
  const gt = text.indexOf('>', from);
  return lt < 0 ? gt : gt < 0 ? lt : Math.min(lt, gt);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export class GuardedInput {
  #kind: 'string' | 'bytes' | undefined;
  #bytes = 0;
  #decoder: TextDecoder | undefined;
  #head: Uint8Array | undefined; // bytes held back until four are known
  /** The text before the root element so far; undefined once the root has started. */
  #prolog: string | undefined = '';
  #run = 0; // characters since the last '<' or '>'

  constructor(
    private readonly utf16: boolean,
    private readonly limits: { readonly maxTextLength: number; readonly maxDocumentBytes: number },
    private readonly wording: XmlWording,
    private readonly refuse: Refuse,
  ) {}

  /** The text of `chunk` for saxes, checked; '' when held back or refused. */
  read(chunk: unknown): string {
    const kind = typeof chunk === 'string' ? 'string' : chunk instanceof Uint8Array ? 'bytes' : undefined;
    if (kind === undefined)
      return this.#refused('ENCODING_INVALID', 'The input is neither text nor bytes') || '';
    if (this.#kind !== undefined && this.#kind !== kind) {
      return this.#refused('ENCODING_INVALID', 'Text and bytes were mixed in one document') || '';
    }
    this.#kind = kind;
    const input = chunk as string | Uint8Array;
    if (Number.isFinite(this.limits.maxDocumentBytes)) {
      this.#bytes += typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
      if (this.#bytes > this.limits.maxDocumentBytes) {
        return (
          this.#refused(
            'LIMIT_DOCUMENT_SIZE',
            `The document is larger than the limit of ${this.limits.maxDocumentBytes} bytes`,
          ) || ''
        );
      }
    }
    return this.#accept(typeof input === 'string' ? input : this.#decode(input, false));
  }

  /** The text the decoder still holds at the end of the input. */
  end(): string {
    return this.#kind === 'bytes' ? this.#accept(this.#decode(new Uint8Array(0), true)) : '';
  }

  #refused(code: DecodeIssueCode, message: string, expected?: string): false {
    this.refuse(code, message, expected);
    return false;
  }

  #decode(chunk: Uint8Array, final: boolean): string {
    if (this.#decoder === undefined) {
      const joined = this.#head === undefined ? chunk : concat(this.#head, chunk);
      if (joined.length < 4 && !final) {
        this.#head = joined;
        return '';
      }
      this.#head = undefined;
      const found = sniff(joined, this.utf16);
      if (typeof found === 'string') {
        const message = `The document is encoded as ${found}, which is not supported`;
        return this.#refused('ENCODING_UNSUPPORTED', message, this.wording.encodings) || '';
      }
      this.#decoder = found;
      chunk = joined;
    }
    try {
      return this.#decoder.decode(chunk, { stream: !final });
    } catch {
      const utf = this.#decoder.encoding === 'utf-8' ? 'UTF-8' : 'UTF-16';
      return (
        this.#refused('ENCODING_INVALID', `The document contains a byte sequence that is not valid ${utf}`) ||
        ''
      );
    }
  }

  #accept(text: string): string {
    return text.length > 0 && (this.#prolog === undefined || this.#scanProlog(text)) && this.#checkRuns(text)
      ? text
      : '';
  }

  /**
   * Refuses a DOCTYPE before saxes buffers its internal subset (which could be endless), and a declared encoding the
   * input is not in. Comments and processing instructions are stepped over whole, so a `<` inside one is not taken
   * for the root element, and what is left undecided at the end of the text waits for the next chunk.
   */
  #scanProlog(text: string): boolean {
    let rest = this.#prolog + text;
    for (let at = rest.indexOf('<'); at >= 0; at = rest.indexOf('<')) {
      rest = rest.slice(at);
      const end = skipCommentOrPi(rest, 0);
      if (end === undefined) {
        if (rest.length < 9 && ('<!DOCTYPE'.startsWith(rest) || '<!--'.startsWith(rest))) break;
        if (rest.startsWith('<!DOCTYPE')) return this.#refused('XML_DOCTYPE_FORBIDDEN', this.wording.doctype);
        this.#prolog = undefined; // the root element (or what saxes will refuse)
        return true;
      }
      if (end < 0) {
        // Inside a comment or instruction: keep its opening and last characters, enough to find its end.
        if (rest.length > 4096) rest = rest.slice(0, 4) + rest.slice(-2);
        break;
      }
      const declared = DECLARED_ENCODING.exec(rest.slice(0, end))?.[1]?.toLowerCase();
      if (declared !== undefined && !this.#accepts(declared)) {
        return this.#refused('ENCODING_UNSUPPORTED', this.wording.encoding, this.wording.encodings);
      }
      rest = rest.slice(end);
    }
    this.#prolog = rest.includes('<') ? rest : '';
    return true;
  }

  #accepts(encoding: string): boolean {
    if (this.#decoder !== undefined && this.#decoder.encoding !== 'utf-8') return UTF16_NAMES.has(encoding);
    return UTF8_NAMES.has(encoding) || (this.#kind === 'string' && this.utf16 && UTF16_NAMES.has(encoding));
  }

  /**
   * Bounds runs of characters without `<` or `>` before saxes buffers them. Only the run carried over from the
   * previous chunk and the runs at this chunk's ends can exceed the limit, unless the chunk itself is longer than
   * the limit; then the interior is scanned too.
   */
  #checkRuns(text: string): boolean {
    const limit = this.limits.maxTextLength;
    const first = firstMarkup(text, 0);
    if (first < 0) {
      this.#run += text.length;
      return this.#runOk();
    }
    if (this.#run + first > limit) return this.#runOk(limit + 1);
    if (text.length > limit) {
      for (
        let prev = first, next = firstMarkup(text, prev + 1);
        next >= 0;
        next = firstMarkup(text, prev + 1)
      ) {
        if (next - prev - 1 > limit) return this.#runOk(limit + 1);
        prev = next;
      }
    }
    this.#run = text.length - Math.max(text.lastIndexOf('<'), text.lastIndexOf('>')) - 1;
    return this.#runOk();
  }

  #runOk(run = this.#run): boolean {
    return (
      run <= this.limits.maxTextLength ||
      this.#refused(
        'LIMIT_TEXT_LENGTH',
        `The input has a run of more than ${this.limits.maxTextLength} characters without markup (a text node, attribute or tag too long)`,
      )
    );
  }
}
