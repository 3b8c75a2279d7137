/**
 * What the guarded parser checks on the raw input before saxes sees it: the byte encoding, the prolog (checked as
 * text, so that saxes needs no `doctype` or `xmldecl` handler) and runs of characters without markup.
 */
import { TextDecoder } from 'node:util';

export type InputKind = 'string' | 'bytes';

/** How the input was refused; each call stops the parser. */
export interface InputIssues {
  doctype(): void;
  declaredEncoding(): void;
  unsupported(what: string): void;
  invalid(message: string): void;
  tooLong(): void;
}

const UTF8_NAMES = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);
const UTF16_NAMES = new Set(['utf-16', 'utf-16le', 'utf-16be', 'utf16']);
/** The start of the root element: any `<` not opening a declaration, comment or processing instruction. */
const ROOT_START = /<[^?!]/;
const DECLARED_ENCODING = /^\uFEFF?<\?xml\s[^>]*?encoding\s*=\s*["']([^"']*)["']/;

/** A decoder for the byte order mark or other signature in the first four bytes, or what is refused. */
function sniff(head: Uint8Array, utf16: boolean): TextDecoder | string {
  const [a, b, c, d] = head;
  const withBom = (label: 'utf-16le' | 'utf-16be'): TextDecoder | string => {
    if (!utf16) return 'UTF-16';
    try {
      return new TextDecoder(label, { fatal: true });
    } catch {
      // A Node build without full ICU lacks utf-16be: refuse clearly rather than misdecode.
      return label.toUpperCase();
    }
  };
  if (a === 0xfe && b === 0xff) return withBom('utf-16be');
  if (a === 0xff && b === 0xfe) return c === 0x00 && d === 0x00 ? 'UTF-32' : withBom('utf-16le');
  if (a === 0x00 && b === 0x00) return 'UTF-32';
  if (a === 0x3c && b === 0x00 && c === 0x00 && d === 0x00) return 'UTF-32';
  if ((a === 0x00 && b === 0x3c) || (a === 0x3c && b === 0x00)) return 'UTF-16 without a byte order mark';
  if (a === 0x4c && b === 0x6f && c === 0xa7 && d === 0x94) return 'EBCDIC';
  return new TextDecoder('utf-8', { fatal: true });
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

export class TextInput {
  readonly #utf16: boolean;
  readonly #maxRun: number;
  readonly #issues: InputIssues;
  #decoder: TextDecoder | undefined;
  #head: Uint8Array | undefined; // bytes held back until four are known
  #string = false;
  /** The text before the root element so far; undefined once the root has started. */
  #prolog: string | undefined = '';
  #run = 0; // characters since the last '<' or '>'

  constructor(utf16: boolean, maxRun: number, issues: InputIssues) {
    this.#utf16 = utf16;
    this.#maxRun = maxRun;
    this.#issues = issues;
  }

  text(chunk: string): string {
    this.#string = true;
    return chunk;
  }

  /** Decodes bytes across chunk boundaries; '' when held back or refused. */
  bytes(chunk: Uint8Array, final: boolean): string {
    if (this.#decoder === undefined) {
      const joined = this.#head === undefined ? chunk : concat(this.#head, chunk);
      if (joined.length < 4 && !final) {
        this.#head = joined;
        return '';
      }
      this.#head = undefined;
      const found = sniff(joined, this.#utf16);
      if (typeof found === 'string') {
        this.#issues.unsupported(found);
        return '';
      }
      this.#decoder = found;
      chunk = joined;
    }
    try {
      return this.#decoder.decode(chunk, { stream: !final });
    } catch {
      const utf = this.#decoder.encoding === 'utf-8' ? 'UTF-8' : 'UTF-16';
      this.#issues.invalid(`The document contains a byte sequence that is not valid ${utf}`);
      return '';
    }
  }

  /** Checks decoded text before saxes reads it; false when it refused it. */
  accept(text: string): boolean {
    return (this.#prolog === undefined || this.#scanProlog(text)) && this.#checkRuns(text);
  }

  /** Refuses a DOCTYPE before saxes reads any entity declaration, and a declared encoding the input is not in. */
  #scanProlog(text: string): boolean {
    const head = this.#prolog + text;
    const root = ROOT_START.exec(head);
    const prolog = root === null ? head : head.slice(0, root.index);
    if (prolog.includes('<!DOCTYPE')) {
      this.#issues.doctype();
      return false;
    }
    const declared = DECLARED_ENCODING.exec(prolog)?.[1]?.toLowerCase();
    if (declared !== undefined && !this.#accepts(declared)) {
      this.#issues.declaredEncoding();
      return false;
    }
    // Keep only a tail once the prolog is long (comments): enough to find "<!DOCTYPE" across a boundary.
    this.#prolog =
      root !== null ? undefined : head.length > 4096 ? head.slice(0, 256) + head.slice(-16) : head;
    return true;
  }

  #accepts(encoding: string): boolean {
    if (this.#decoder !== undefined && this.#decoder.encoding !== 'utf-8') return UTF16_NAMES.has(encoding);
    return UTF8_NAMES.has(encoding) || (this.#string && this.#utf16 && UTF16_NAMES.has(encoding));
  }

  /**
   * Bounds runs of characters without `<` or `>` before saxes buffers them. Only the run carried over from the
   * previous chunk and the runs at this chunk's ends can exceed the limit, unless the chunk itself is longer than
   * the limit; then the interior is scanned too.
   */
  #checkRuns(text: string): boolean {
    const limit = this.#maxRun;
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
    if (run <= this.#maxRun) return true;
    this.#issues.tooLong();
    return false;
  }
}
