/**
 * The one entry point to saxes for every codec: bytes or text in, guarded XML events out.
 *
 * For C2 (Query Results streaming) and any other incremental reader:
 *
 * ```ts
 * const parser = createGuardedXmlParser(
 *   { onOpenTag(tag, depth) {…}, onCloseTag(tag) {…}, onText(text) {…} },
 *   { limits: { maxDocumentBytes: Number.POSITIVE_INFINITY }, onIssue: (issue) => issues.push(issue) },
 * );
 * for await (const chunk of bytes) if (!parser.write(chunk)) break;   // false once an issue stopped it
 * parser.close();                                                       // reports truncation
 * ```
 *
 * What the guard does, so that callers need not:
 * - decodes bytes: UTF-8 (BOM optional; invalid sequences → `ENCODING_INVALID`), UTF-16 with a BOM; anything
 *   else, and any declared `encoding` other than UTF-8/UTF-16, → `ENCODING_UNSUPPORTED`;
 * - refuses a DOCTYPE (`XML_DOCTYPE_FORBIDDEN`) before any entity could be declared, and any entity reference other
 *   than the five predefined ones and character references (`XML_ENTITY_FORBIDDEN`); saxes never expands
 *   user-defined entities, so there is no expansion to bound;
 * - enforces {@link XmlLimits} (`LIMIT_*`) as the input arrives, before saxes buffers it;
 * - maps saxes well-formedness errors to `XML_MALFORMED`, with line and column, without echoing input.
 *
 * After the first issue the parser stops: `write` returns false, handlers are not called again, and `onIssue` is
 * called exactly once. Handlers may call `abort(issue)` to stop it the same way. Text (including CDATA) reaches
 * `onText` as saxes emits it: one call per text node between two tags, whitespace included.
 */
import { TextDecoder } from 'node:util';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { DecodeIssue, DecodeIssueCode } from '../issues.js';
import { resolveLimits, type XmlLimits } from './limits.js';

export type { SaxesTagNS as XmlTag } from 'saxes';

/** Event handlers; all optional. `depth` is 1 for the root element. */
export interface GuardedParserHandlers {
  onOpenTag?(tag: SaxesTagNS, depth: number): void;
  onCloseTag?(tag: SaxesTagNS, depth: number): void;
  onText?(text: string): void;
}

export interface GuardedParserOptions {
  readonly limits?: XmlLimits | undefined;
  /** Called once, with the issue that stopped the parser. */
  readonly onIssue: (issue: DecodeIssue) => void;
  /**
   * Track line and column for `XML_MALFORMED` messages. Costs a little speed.
   * @default true
   */
  readonly position?: boolean | undefined;
}

export interface GuardedXmlParser {
  /** Feeds bytes or text. Returns false once the parser has stopped on an issue. */
  write(chunk: Uint8Array | string): boolean;
  /** Ends the input: flushes the decoder and reports a truncated document. Returns false if stopped. */
  close(): boolean;
  /** Stops the parser with `issue` (reported through `onIssue`), e.g. when a handler finds the input wrong. */
  abort(issue: DecodeIssue): void;
  /** True once an issue has stopped the parser. */
  readonly stopped: boolean;
  /** XPath-like path of the element being parsed (`/A/B`), for issues raised inside handlers. */
  currentPath(): string;
}

type Sniffed = { kind: 'decoder'; decoder: TextDecoder; utf16: boolean } | { kind: 'refuse'; what: string };

function sniff(head: Uint8Array): Sniffed {
  const [a, b, c, d] = head;
  if (a === 0xfe && b === 0xff) return utf16('utf-16be');
  if (a === 0xff && b === 0xfe) {
    if (c === 0x00 && d === 0x00) return { kind: 'refuse', what: 'UTF-32' };
    return utf16('utf-16le');
  }
  if (a === 0x00 && b === 0x00) return { kind: 'refuse', what: 'UTF-32' };
  if (a === 0x3c && b === 0x00 && c === 0x00 && d === 0x00) return { kind: 'refuse', what: 'UTF-32' };
  if ((a === 0x00 && b === 0x3c) || (a === 0x3c && b === 0x00)) {
    return { kind: 'refuse', what: 'UTF-16 without a byte order mark' };
  }
  if (a === 0x4c && b === 0x6f && c === 0xa7 && d === 0x94) return { kind: 'refuse', what: 'EBCDIC' };
  return { kind: 'decoder', decoder: new TextDecoder('utf-8', { fatal: true }), utf16: false };
}

function utf16(label: 'utf-16le' | 'utf-16be'): Sniffed {
  try {
    return { kind: 'decoder', decoder: new TextDecoder(label, { fatal: true }), utf16: true };
  } catch {
    // A Node build without full ICU lacks utf-16be: refuse clearly rather than misdecode.
    return { kind: 'refuse', what: label.toUpperCase() };
  }
}

const UTF8_NAMES = new Set(['utf-8', 'utf8']);
const UTF16_NAMES = new Set(['utf-16', 'utf-16le', 'utf-16be', 'utf16']);

/** Cuts a saxes message to its reason, dropping anything that could echo input (names, quoted values). */
function saxesReason(message: string): string {
  const withoutPosition = message.replace(/^[^:]*?\d+:\d+: /, '');
  const reason = withoutPosition.split(/[:"]/)[0] ?? '';
  return reason.replace(/\.\s*$/, '').trim() || 'syntax error';
}

/** Thrown (and caught) to unwind out of saxes once an issue has stopped the parser. */
const STOP: unique symbol = Symbol('stop');

function firstMarkup(text: string, from: number): number {
  const lt = text.indexOf('<', from);
  const gt = text.indexOf('>', from);
  return lt < 0 ? gt : gt < 0 ? lt : Math.min(lt, gt);
}

function issue(path: string, code: DecodeIssueCode, message: string, expected?: string): DecodeIssue {
  return expected === undefined ? { path, code, message } : { path, code, message, expected };
}

/**
 * Creates a guarded, incremental XML parser. See the module comment for the contract.
 * @param handlers event callbacks (namespaces are resolved: `tag.local`, `tag.uri`, `tag.attributes[k].uri`)
 * @param options limits, the issue sink and position tracking
 */
export function createGuardedXmlParser(
  handlers: GuardedParserHandlers,
  options: GuardedParserOptions,
): GuardedXmlParser {
  const limits = resolveLimits(options.limits);
  const trackPosition = options.position !== false;
  const sax = new SaxesParser({ xmlns: true, position: trackPosition });
  const stack: string[] = [];
  let stopped = false;
  let inSax = false; // true while saxes is running our callbacks
  let bytesSeen = 0;
  let nodes = 0; // elements + attributes so far, against maxNodes
  let runLength = 0; // characters since the last '<' or '>'
  let sniffed: Sniffed | undefined;
  let head: Uint8Array | undefined; // bytes held back until four are known
  let inputKind: 'bytes' | 'string' | undefined;
  let sawRoot = false;

  const currentPath = (): string => (stack.length === 0 ? '/' : `/${stack.join('/')}`);

  const stop = (found: DecodeIssue): void => {
    if (stopped) return;
    stopped = true;
    options.onIssue(found);
    // Inside a saxes callback: unwind out of sax.write now. Letting saxes finish the chunk would cost up to
    // quadratic time on hostile input (a 5000-deep nesting walks 5000-long namespace chains per tag).
    if (inSax) throw STOP;
  };

  /** Stops with an issue at the current path. */
  const halt = (code: DecodeIssueCode, message: string): void => stop(issue(currentPath(), code, message));

  const where = (): string => (trackPosition ? ` at line ${sax.line}, column ${sax.column}` : '');

  sax.on('error', (err: Error) => {
    if (stopped) return;
    const reason = saxesReason(err.message);
    if (reason === 'undefined entity') {
      halt(
        'XML_ENTITY_FORBIDDEN',
        `The document uses an entity reference${where()}; only the five predefined entities and character references are allowed`,
      );
      return;
    }
    halt('XML_MALFORMED', `The document is not well-formed XML${where()}: ${reason}`);
  });

  sax.on('doctype', () => {
    stop(
      issue(
        '/',
        'XML_DOCTYPE_FORBIDDEN',
        'The document has a DOCTYPE declaration; DTDs are refused because they can declare entities',
      ),
    );
  });

  sax.on('xmldecl', (decl) => {
    if (stopped || decl.encoding === undefined) return;
    const enc = decl.encoding.toLowerCase();
    const utf16 = sniffed?.kind === 'decoder' && sniffed.utf16;
    const ok =
      inputKind === 'string'
        ? UTF8_NAMES.has(enc) || UTF16_NAMES.has(enc)
        : utf16
          ? UTF16_NAMES.has(enc)
          : UTF8_NAMES.has(enc);
    if (!ok) {
      stop(
        issue(
          '/',
          'ENCODING_UNSUPPORTED',
          'The XML declaration names an encoding other than the one the document is in, or one that is not supported',
          'UTF-8 (or UTF-16 with a byte order mark)',
        ),
      );
    }
  });

  sax.on('opentag', (tag: SaxesTagNS) => {
    if (stopped) return;
    stack.push(tag.local);
    sawRoot = true;
    if (stack.length > limits.maxDepth) {
      halt('LIMIT_DEPTH', `Elements nest deeper than the limit of ${limits.maxDepth}`);
      return;
    }
    let count = 0;
    const attrs = tag.attributes;
    for (const key in attrs) {
      count++;
      const value = attrs[key]?.value;
      if (value !== undefined && value.length > limits.maxTextLength) {
        halt(
          'LIMIT_TEXT_LENGTH',
          `An attribute value is longer than the limit of ${limits.maxTextLength} characters`,
        );
        return;
      }
    }
    nodes += 1 + count;
    if (nodes > limits.maxNodes) {
      halt('LIMIT_DOCUMENT_SIZE', `The document has more than ${limits.maxNodes} elements and attributes`);
      return;
    }
    if (count > limits.maxAttributes) {
      halt('LIMIT_ATTRIBUTES', `An element has more than ${limits.maxAttributes} attributes`);
      return;
    }
    handlers.onOpenTag?.(tag, stack.length);
  });

  sax.on('closetag', (tag: SaxesTagNS) => {
    if (stopped) return;
    handlers.onCloseTag?.(tag, stack.length);
    stack.pop();
  });

  const onText = (text: string): void => {
    if (stopped) return;
    if (text.length > limits.maxTextLength) {
      halt('LIMIT_TEXT_LENGTH', `A text node is longer than the limit of ${limits.maxTextLength} characters`);
      return;
    }
    handlers.onText?.(text);
  };
  sax.on('text', onText);
  sax.on('cdata', onText);

  const runTooLong = (): void =>
    halt(
      'LIMIT_TEXT_LENGTH',
      `The input has a run of more than ${limits.maxTextLength} characters without markup (a text node, attribute or tag too long)`,
    );

  /**
   * Checks runs of characters without `<` or `>` before saxes buffers them. Only the run carried over from the
   * previous chunk and the runs at this chunk's ends can exceed the limit, unless the chunk itself is longer than
   * the limit; then (whole-document decodes) the interior is scanned too.
   */
  const checkRuns = (text: string): boolean => {
    const limit = limits.maxTextLength;
    const first = firstMarkup(text, 0);
    if (first < 0) {
      runLength += text.length;
      if (runLength > limit) runTooLong();
      return !stopped;
    }
    if (runLength + first > limit) {
      runTooLong();
      return false;
    }
    if (text.length > limit) {
      let prev = first;
      for (;;) {
        const next = firstMarkup(text, prev + 1);
        if (next < 0) break;
        if (next - prev - 1 > limit) {
          runTooLong();
          return false;
        }
        prev = next;
      }
    }
    runLength = text.length - Math.max(text.lastIndexOf('<'), text.lastIndexOf('>')) - 1;
    if (runLength > limit) runTooLong();
    return !stopped;
  };

  /** Runs saxes (a write or the close), unwinding quietly when a handler stopped it. */
  const inSaxes = (run: () => void): void => {
    inSax = true;
    try {
      run();
    } catch (e) {
      if (e !== STOP) throw e;
    } finally {
      inSax = false;
    }
  };

  const feedText = (text: string): void => {
    if (text.length === 0 || stopped || !checkRuns(text)) return;
    inSaxes(() => sax.write(text));
  };

  const countBytes = (n: number): boolean => {
    bytesSeen += n;
    if (bytesSeen > limits.maxDocumentBytes) {
      halt(
        'LIMIT_DOCUMENT_SIZE',
        `The document is larger than the limit of ${limits.maxDocumentBytes} bytes`,
      );
      return false;
    }
    return true;
  };

  const decodeBytes = (bytes: Uint8Array, final: boolean): void => {
    if (sniffed === undefined) {
      const joined = head === undefined ? bytes : concat(head, bytes);
      if (joined.length < 4 && !final) {
        head = joined;
        return;
      }
      head = undefined;
      sniffed = sniff(joined);
      bytes = joined;
    }
    if (sniffed.kind === 'refuse') {
      stop(
        issue(
          '/',
          'ENCODING_UNSUPPORTED',
          `The document is encoded as ${sniffed.what}, which is not supported`,
          'UTF-8 (or UTF-16 with a byte order mark)',
        ),
      );
      return;
    }
    let text: string;
    try {
      text = sniffed.decoder.decode(bytes, { stream: !final });
    } catch {
      halt(
        'ENCODING_INVALID',
        `The document contains a byte sequence that is not valid ${sniffed.utf16 ? 'UTF-16' : 'UTF-8'}`,
      );
      return;
    }
    feedText(text);
  };

  let firstString = true;

  return {
    write(chunk) {
      if (stopped) return false;
      const kind = typeof chunk === 'string' ? 'string' : 'bytes';
      if (inputKind !== undefined && inputKind !== kind) {
        stop(issue('/', 'ENCODING_INVALID', 'Text and bytes were mixed in one document'));
        return false;
      }
      inputKind = kind;
      if (typeof chunk === 'string') {
        if (!countBytes(Buffer.byteLength(chunk, 'utf8'))) return false;
        if (firstString) {
          firstString = false;
          if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
        }
        feedText(chunk);
      } else {
        if (!countBytes(chunk.byteLength)) return false;
        decodeBytes(chunk, false);
      }
      return !stopped;
    },
    close() {
      if (stopped) return false;
      if (inputKind === 'bytes' || head !== undefined) decodeBytes(new Uint8Array(0), true);
      if (stopped) return false;
      inSaxes(() => sax.close());
      if (!stopped && !sawRoot) {
        stop(issue('/', 'XML_MALFORMED', 'The document is empty: it has no root element'));
      }
      return !stopped;
    },
    abort(found) {
      stop(found);
    },
    get stopped() {
      return stopped;
    },
    currentPath,
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
