/**
 * The one place that drives saxes: bytes or text in, guarded XML events out, for the whole-document reader
 * (`tree.ts`) and the Query Results stream alike.
 *
 * ```ts
 * const parser = createGuardedXmlParser(
 *   { onOpenTag(tag) {…}, onCloseTag(depth) {…}, onText(text) {…} },
 *   { limits: { maxDocumentBytes: Number.POSITIVE_INFINITY }, onIssue: (issue) => issues.push(issue) },
 * );
 * for await (const chunk of bytes) if (!parser.write(chunk)) break;   // false once an issue stopped it
 * parser.close();                                                       // reports truncation
 * ```
 *
 * What the guard does, so that callers need not:
 * - decodes bytes ({@link ./input.ts}): UTF-8 (BOM optional; invalid sequences → `ENCODING_INVALID`), UTF-16 with a
 *   BOM unless refused; anything else, and a declared encoding the document is not in, → `ENCODING_UNSUPPORTED`;
 * - refuses a DOCTYPE (`XML_DOCTYPE_FORBIDDEN`) on the prolog text, before saxes buffers it, and any entity reference other
 *   than the five predefined ones and character references (`XML_ENTITY_FORBIDDEN`); saxes never expands
 *   user-defined entities, so there is no expansion to bound;
 * - enforces {@link XmlLimits} (`LIMIT_*`) as the input arrives, before saxes buffers it;
 * - maps saxes well-formedness errors to `XML_MALFORMED`, with line and column, without echoing input;
 * - resolves namespaces.
 *
 * It is built for the Query Results stream's speed, which every decoder then shares. saxes runs with `xmlns: false`
 * (its own resolution allocates an object per attribute); namespaces are resolved here, and only an element that
 * declares one pays for a new scope. Exactly five saxes handlers: every `on()` adds a property to the parser object,
 * and past a handful V8 turns it into a dictionary-mode object, which halves saxes' speed (measured). So there is no
 * error handler (saxes throws, caught here) and the DOCTYPE and XML declaration are checked on the prolog text.
 * Attributes arrive one `attribute` event at a time into a reused list: reading saxes' `tag.attributes` dictionary
 * with `for…in` cost more than anything else per Query Results row (profiled).
 *
 * After the first issue the parser stops: `write` returns false, handlers are not called again, and `onIssue` is
 * called exactly once. Handlers may call `abort(issue)` to stop it the same way. Text (including CDATA) reaches
 * `onText` as saxes emits it: one call per text node between two tags, whitespace included.
 */
import { type SaxesAttributePlain, SaxesParser, type SaxesTagPlain } from 'saxes';
import type { DecodeIssue, DecodeIssueCode } from '../issues.js';
import { GuardedInput } from './input.js';
import { resolveLimits, type XmlLimits } from './limits.js';

export type XmlAttribute = SaxesAttributePlain;

/**
 * A start tag. Handlers must not keep it: the object and its attribute list are reused for the next tag.
 * Attribute names are as written (`xsi:schemaLocation`); resolve a prefix with {@link GuardedXmlParser.namespaceOf}.
 */
export interface XmlTag {
  /** The name as written, prefix included. */
  name: string;
  local: string;
  /** Namespace URI: '' for none, undefined for an undeclared prefix. */
  uri: string | undefined;
  /** This tag's attributes in document order are the first `attributeCount` entries (namespace declarations too). */
  readonly attributes: readonly XmlAttribute[];
  attributeCount: number;
  /** True when one of the attributes is a namespace declaration. */
  declares: boolean;
  /** 1 for the root element. */
  depth: number;
}

/** Event handlers; all optional. */
export interface GuardedParserHandlers {
  onOpenTag?(tag: XmlTag): void;
  /** `depth` is that of the element closing. */
  onCloseTag?(depth: number): void;
  onText?(text: string): void;
}

/** How the issues that decoders have long worded their own way read; see {@link DEFAULT_WORDING}. */
export interface XmlWording {
  readonly doctype: string;
  readonly entity: (where: string) => string;
  readonly malformed: (where: string, reason: string) => string;
  readonly encoding: string;
  /** The `expected` of encoding issues, if any. */
  readonly encodings: string | undefined;
}

export const DEFAULT_WORDING: XmlWording = {
  doctype: 'The document has a DOCTYPE declaration; DTDs are refused because they can declare entities',
  entity: (where) =>
    `The document uses an entity reference${where}; only the five predefined entities and character references are allowed`,
  malformed: (where, reason) => `The document is not well-formed XML${where}: ${reason}`,
  encoding:
    'The XML declaration names an encoding other than the one the document is in, or one that is not supported',
  encodings: 'UTF-8 (or UTF-16 with a byte order mark)',
};

export interface GuardedParserOptions {
  readonly limits?: XmlLimits | undefined;
  /** Called once, with the issue that stopped the parser. */
  readonly onIssue: (issue: DecodeIssue) => void;
  /** The path of an issue found inside the document. @default the open elements' local names, `/A/B` */
  readonly path?: (() => string) | undefined;
  /** Accept UTF-16 (bytes with a byte order mark, or text declaring it). @default true */
  readonly utf16?: boolean | undefined;
  readonly wording?: XmlWording | undefined;
}

export interface GuardedXmlParser {
  /** Feeds bytes or text. Returns false once the parser has stopped on an issue. */
  write(chunk: Uint8Array | string): boolean;
  /** Ends the input: flushes the decoder and reports a truncated document. Returns false if stopped. */
  close(): boolean;
  /** Stops the parser with `issue` (reported through `onIssue`), e.g. when a handler finds the input wrong. */
  abort(issue: DecodeIssue): void;
  /** From `onOpenTag`: stops the parser with an `XML_MALFORMED` issue for the tag, as saxes would have. */
  malformed(reason: string): void;
  /** The namespace URI bound to `prefix` in the current element, or undefined. */
  namespaceOf(prefix: string): string | undefined;
  /** True once an issue has stopped the parser. */
  readonly stopped: boolean;
}

interface Scope {
  readonly defaultUri: string;
  readonly prefixes: ReadonlyMap<string, string>;
}

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

const ROOT_SCOPE: Scope = { defaultUri: '', prefixes: new Map([['xml', XML_NAMESPACE]]) };

/** A namespace declaration, which every element may carry whatever its schema allows. */
export const isDeclaration = (name: string): boolean =>
  name.charCodeAt(0) === 120 /* x */ && (name === 'xmlns' || name.startsWith('xmlns:'));

/**
 * The scope a start tag's namespace declarations open, or why they break Namespaces in XML 1.0 (reserved prefixes
 * and names, no prefix undeclaring). saxes checked these with `xmlns: true`; a namespace-aware reader must still
 * refuse them.
 */
function declare(parent: Scope, attributes: readonly XmlAttribute[], count: number): Scope | string {
  let defaultUri = parent.defaultUri;
  const prefixes = new Map(parent.prefixes);
  for (let i = 0; i < count; i++) {
    const { name, value } = attributes[i] as XmlAttribute;
    if (!isDeclaration(name)) continue;
    const prefix = name === 'xmlns' ? '' : name.slice(6);
    // saxes trims a declared URI with `xmlns: true`; the decoders have always matched on the trimmed one.
    const uri = value.trim();
    if (prefix === 'xmlns') return 'the xmlns prefix cannot be declared';
    if (prefix === 'xml' ? uri !== XML_NAMESPACE : uri === XML_NAMESPACE || uri === XMLNS_NAMESPACE)
      return 'a reserved namespace prefix or name is rebound';
    if (prefix !== '' && uri === '') return 'a namespace prefix cannot be undeclared in XML 1.0';
    if (name === 'xmlns') defaultUri = uri;
    else prefixes.set(prefix, uri);
  }
  return { defaultUri, prefixes };
}

/** True when two prefixed attributes of a tag have one expanded name (two prefixes bound to one URI). */
function repeatsExpandedName(attributes: readonly XmlAttribute[], count: number, scope: Scope): boolean {
  let seen: Set<string> | undefined;
  for (let i = 0; i < count; i++) {
    const name = (attributes[i] as XmlAttribute).name;
    const colon = name.indexOf(':');
    if (colon < 0 || isDeclaration(name)) continue;
    const uri = scope.prefixes.get(name.slice(0, colon));
    if (uri === undefined) continue; // an unbound prefix: the reader reports it
    const key = `${uri} ${name.slice(colon + 1)}`;
    seen ??= new Set();
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/** Thrown (and caught) to unwind out of saxes once an issue has stopped the parser. */
const STOP: unique symbol = Symbol('stop');

/**
 * Creates a guarded, incremental XML parser. See the module comment for the contract.
 * @param handlers event callbacks
 * @param options limits, the issue sink, and what differs per decoder
 */
export function createGuardedXmlParser(
  handlers: GuardedParserHandlers,
  options: GuardedParserOptions,
): GuardedXmlParser {
  const limits = resolveLimits(options.limits);
  const { maxDepth, maxAttributes, maxTextLength, maxNodes } = limits;
  const wording = options.wording ?? DEFAULT_WORDING;
  const onOpen = handlers.onOpenTag;
  const onClose = handlers.onCloseTag;
  const onText = handlers.onText;
  const sax = new SaxesParser({ xmlns: false, position: true });
  const attributes: XmlAttribute[] = [];
  const tag: XmlTag = {
    name: '',
    local: '',
    uri: '',
    attributes,
    attributeCount: 0,
    declares: false,
    depth: 0,
  };
  const scopes: Scope[] = [ROOT_SCOPE];
  const names: string[] = [];
  let depth = 0;
  let pending = 0; // attributes seen since the last start tag
  let declares = false;
  let longest = 0; // longest attribute value since the last start tag
  let nodes = 0; // elements + attributes so far, against maxNodes
  let stopped = false;
  let inSax = false; // true while saxes is running our callbacks

  const path = options.path ?? ((): string => (depth === 0 ? '/' : `/${names.slice(0, depth).join('/')}`));

  const stop = (found: DecodeIssue): void => {
    if (stopped) return;
    stopped = true;
    options.onIssue(found);
    // Inside a saxes callback: unwind out of sax.write now rather than let saxes finish the chunk.
    if (inSax) throw STOP;
  };

  const halt = (code: DecodeIssueCode, message: string, expected?: string): void =>
    stop(
      expected === undefined ? { path: path(), code, message } : { path: path(), code, message, expected },
    );

  const input = new GuardedInput(options.utf16 !== false, limits, wording, halt);

  const malformed = (where: string, reason: string): void =>
    reason === 'undefined entity'
      ? halt('XML_ENTITY_FORBIDDEN', wording.entity(where))
      : halt('XML_MALFORMED', wording.malformed(where, reason));

  sax.on('attribute', (a) => {
    attributes[pending++] = a;
    if (a.value.length > longest) longest = a.value.length;
    if (isDeclaration(a.name)) declares = true;
  });

  sax.on('opentag', (t: SaxesTagPlain) => {
    const count = pending;
    pending = 0;
    const name = t.name;
    const colon = name.indexOf(':');
    const local = colon < 0 ? name : name.slice(colon + 1);
    names[depth] = local;
    depth++;
    if (depth > maxDepth) halt('LIMIT_DEPTH', `Elements nest deeper than the limit of ${maxDepth}`);
    if (longest > maxTextLength)
      halt('LIMIT_TEXT_LENGTH', `An attribute value is longer than the limit of ${maxTextLength} characters`);
    nodes += 1 + count;
    if (nodes > maxNodes)
      halt('LIMIT_DOCUMENT_SIZE', `The document has more than ${maxNodes} elements and attributes`);
    if (count > maxAttributes)
      halt('LIMIT_ATTRIBUTES', `An element has more than ${maxAttributes} attributes`);
    const parent = scopes[depth - 1] as Scope;
    const scope = declares ? declare(parent, attributes, count) : parent;
    if (typeof scope === 'string' || (count > 1 && repeatsExpandedName(attributes, count, scope))) {
      depth--; // at the parent's path, where saxes refused such a tag
      const reason = typeof scope === 'string' ? scope : 'attribute repeated under another prefix';
      return malformed(` at line ${sax.line}, column ${sax.column}`, reason);
    }
    scopes[depth] = scope;
    tag.name = name;
    tag.local = local;
    tag.uri = colon < 0 ? scope.defaultUri : scope.prefixes.get(name.slice(0, colon));
    tag.attributeCount = count;
    tag.declares = declares;
    tag.depth = depth;
    declares = false;
    longest = 0;
    onOpen?.(tag);
  });

  sax.on('closetag', () => {
    onClose?.(depth);
    depth--;
  });

  const text = (t: string): void => {
    if (t.length > maxTextLength)
      halt('LIMIT_TEXT_LENGTH', `A text node is longer than the limit of ${maxTextLength} characters`);
    onText?.(t);
  };
  sax.on('text', text);
  sax.on('cdata', text);

  /** Runs saxes (a write or the close), turning what it throws into the issue that stops the parser. */
  const inSaxes = (run: () => void): void => {
    inSax = true;
    try {
      run();
    } catch (e) {
      if (e === STOP) return;
      // saxes reports well-formedness errors as `Error("line:column: reason")`; anything else is a bug here
      // and must surface (the fuzz tests rely on that), not pass for malformed XML.
      const m = e instanceof Error ? /^(\d+):(\d+): ([^:"]*)/.exec(e.message) : null;
      if (m === null) throw e;
      inSax = false;
      malformed(` at line ${m[1]}, column ${m[2]}`, m[3]?.replace(/\.\s*$/, '').trim() || 'syntax error');
    } finally {
      inSax = false;
    }
  };

  const feed = (text: string): boolean => {
    if (text.length > 0 && !stopped) inSaxes(() => sax.write(text));
    return !stopped;
  };

  return {
    write: (chunk) => !stopped && feed(input.read(chunk)),
    close() {
      if (!stopped && feed(input.end())) inSaxes(() => sax.close());
      return !stopped;
    },
    abort: stop,
    malformed(reason) {
      depth--; // at the parent's path, where saxes would have refused the tag; the parser stops anyway
      malformed(` at line ${sax.line}, column ${sax.column}`, reason);
    },
    namespaceOf(prefix) {
      return (scopes[depth] as Scope).prefixes.get(prefix);
    },
    get stopped() {
      return stopped;
    },
  };
}
