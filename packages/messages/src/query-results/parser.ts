// The push parser behind both decoders. saxes tokenises; this turns its events straight into QR
// records, without an intermediate element tree for the (unbounded) records part, so that memory is
// bounded by the largest record and the cost stays close to tokenising alone (see bench/).
// Namespaces are resolved here rather than by saxes (`xmlns: true` allocates an object per attribute);
// only elements that declare namespaces pay for a new scope.
import { type SaxesAttributePlain, SaxesParser, type SaxesTagPlain } from 'saxes';
import { type DecodeIssue, type DecodeIssueCode, makeIssue } from '../core/issues.js';
import { resolveLimits, type XmlLimits } from '../core/xml/limits.js';
import type { XmlElement } from '../core/xml/tree.js';
import { QUERY_RESULTS_ATTRIBUTES, readHeader } from './description.js';
import type { DecodedQrRecord, QrTableRow, QueryResultsHeader } from './model.js';
import {
  AGGREGATE_RECORD,
  GPES_NAMESPACE,
  JOURNALS_TABLE,
  MANIFEST,
  MANIFEST_PATH,
  PATIENT_LEVEL_RECORD,
  PATIENT_TABLE,
  QUERY_RESULTS,
  QUERY_RESULTS_PATH,
  RECORDS,
  RECORDS_PATH,
  ROOT,
  ROOT_PATH,
  XSI_NAMESPACE,
} from './names.js';
import { normaliseUuid } from './primitives.js';
import {
  notPositiveInteger,
  ridOutOfOrder,
  unexpectedAttribute,
  type ValidationContext,
  validateRecordFields,
} from './validate.js';

/** What the streaming decoder yields, in document order. */
export type QueryResultsEvent =
  /** The root and `Query-Results` attributes and the manifest; yielded once, before any record, when valid. */
  | { readonly type: 'header'; readonly header: QueryResultsHeader }
  /** A record that passed every check. Records are yielded only after a valid header. */
  | { readonly type: 'record'; readonly record: DecodedQrRecord }
  /** A problem; the header or record it belongs to is not yielded. */
  | { readonly type: 'issue'; readonly issue: DecodeIssue }
  /** Always last. `ok` is true when no issue was reported, i.e. the whole document is valid. */
  | {
      readonly type: 'end';
      readonly ok: boolean;
      readonly recordCount: number;
      readonly issueCount: number;
      /** True when decoding stopped early: a fatal issue, or `maxIssues` reached. */
      readonly stopped: boolean;
    };

/** Options of the Query Results decoders. */
export interface DecodeQueryResultsOptions {
  /**
   * Put the offending value into each issue (`issue.value`) and its message.
   * Off by default: values may be patient data and issues end up in logs.
   * @default false
   */
  readonly includeValues?: boolean;
  /**
   * Bounds on the XML, as for every decoder (`LIMIT_*` issues stop decoding). The defaults are those of
   * `XmlLimits` except `maxDocumentBytes`, which is unlimited here: Query Results run to hundreds of
   * megabytes and are streamed, so their memory is bounded per record instead.
   * @default { maxDepth: 64, maxAttributes: 256, maxTextLength: 1_048_576, maxDocumentBytes: Infinity }
   */
  readonly limits?: XmlLimits;
  /**
   * Most table rows accepted in one `Patient-Level-Record`: with `limits.maxTextLength` and
   * `limits.maxAttributes`, the bound on one record's memory. More stops decoding with `TOO_MANY`.
   * @default 100000
   */
  readonly maxRowsPerRecord?: number;
  /**
   * Decoding stops after this many issues.
   * @default 100
   */
  readonly maxIssues?: number;
}

interface Limits {
  readonly maxDocumentBytes: number;
  readonly maxDepth: number;
  readonly maxAttributes: number;
  readonly maxTextLength: number;
  readonly maxRowsPerRecord: number;
  readonly maxIssues: number;
}

/** Thrown inside saxes handlers to abandon the current write at once; never escapes this module. */
const STOP = Symbol('stop');

interface Scope {
  readonly defaultUri: string | undefined;
  readonly prefixes: ReadonlyMap<string, string>;
}

const NO_SCOPE: Scope = { defaultUri: undefined, prefixes: new Map() };
const ACCEPTED_ENCODINGS = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);
/** The v6.0 manifest has 12 elements plus 4 per extra terminology; far more is not a manifest. */
const MAX_MANIFEST_ELEMENTS = 1000;
/** Slice size for feeding saxes: between slices the parser checks that some token has ended. */
const SLICE = 65_536;

/** Where in the document the parser is (a const object, per the conventions: no `enum`). */
const Where = {
  Prolog: 0,
  Root: 1,
  QueryResults: 2,
  Manifest: 3,
  Records: 4,
  Aggregate: 5,
  PatientRecord: 6,
  Row: 7,
  Skip: 8,
  Done: 9,
} as const;
type Where = (typeof Where)[keyof typeof Where];

interface RecordState {
  readonly kind: 'aggregate' | 'patient-level';
  readonly path: string;
  readonly issues: DecodeIssue[];
  rid: number;
  aid: string | undefined;
  description: string | undefined;
  value: string;
  readonly patientTables: QrTableRow[];
  readonly journalsTables: QrTableRow[];
  patientRows: number;
  journalsRows: number;
}

export class QueryResultsPushParser {
  readonly #ctx: ValidationContext;
  readonly #limits: Limits;
  readonly #sax: SaxesParser;
  readonly #events: QueryResultsEvent[] = [];

  #where: Where = Where.Prolog;
  #depth = 0;
  #skipDepth = 0;
  #skipReturn: Where = Where.Prolog;
  #scopes: Scope[] = [];
  #scope: Scope = NO_SCOPE;
  /**
   * The current tag's attributes, in document order, as saxes reports them one by one (its own objects,
   * not copies). saxes' `tag.attributes` is an `Object.create(null)` dictionary, and a `for…in` over it
   * cost more than anything else per row (profiled); this reused array is read in place of it on the hot
   * path. `#attrCount` is reset as each tag opens, so the array never holds more than one tag's worth.
   */
  readonly #attrs: SaxesAttributePlain[] = [];
  #attrCount = 0;

  #root: { gpesIVersion?: string; qrMessageVersion?: string; schemaLocation?: string } = {};
  #qrAttributes: Record<string, string> | undefined;
  #sawQueryResults = false;
  #manifest: XmlElement | undefined;
  #miniStack: XmlElement[] = [];
  #manifestNodes = 0;
  #sawRecords = false;
  #headerDone = false;
  #headerOk = false;

  #record: RecordState | undefined;
  #aggregates = 0;
  #patients = 0;
  #lastRid = 0;

  #issueCount = 0;
  #recordCount = 0;
  #stopped = false;
  #ended = false;
  /** Characters written, and the count at the last saxes event: bounds any token saxes is buffering. */
  #charsWritten = 0;
  #charsAtEvent = 0;
  #bytes = 0;
  /** The document's first characters, until the root element starts (for #scanProlog). */
  #prolog = '';

  constructor(options: DecodeQueryResultsOptions | undefined) {
    const xml = resolveLimits({
      maxDocumentBytes: Number.POSITIVE_INFINITY,
      ...options?.limits,
    });
    this.#ctx = {
      includeValues: options?.includeValues === true,
      allowDateSentinels: true, // the decoder keeps sentinels as distinct values (gpes-i README §6)
      maxTextLength: xml.maxTextLength,
    };
    this.#limits = {
      ...xml,
      maxRowsPerRecord: options?.maxRowsPerRecord ?? 100_000,
      maxIssues: Math.max(1, options?.maxIssues ?? 100),
    };
    const sax = new SaxesParser({ xmlns: false, position: true });
    sax.on('opentag', (tag) => this.#open(tag));
    sax.on('closetag', () => this.#close());
    sax.on('text', (t) => this.#text(t));
    sax.on('cdata', (t) => this.#text(t));
    sax.on('attribute', (a) => {
      this.#attrs[this.#attrCount++] = a;
    });
    // Only these five handlers: every `on()` adds a property to the parser object, and past a handful
    // V8 turns it into a dictionary-mode object, which halves saxes' speed (measured). So there is no
    // error handler (saxes then throws, caught in write/end), and the DOCTYPE and XML declaration are
    // checked on the raw prolog text before saxes sees it (#scanProlog).
    this.#sax = sax;
  }

  /** True once decoding has stopped (fatal issue or too many issues); further input is ignored. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Events produced since the last call. */
  drain(): QueryResultsEvent[] {
    return this.#events.splice(0, this.#events.length);
  }

  /** Feeds decoded text. */
  write(text: string): void {
    for (let i = 0; i < text.length && !this.#stopped; i += SLICE) {
      const slice = i === 0 && text.length <= SLICE ? text : text.slice(i, i + SLICE);
      if (this.#where === Where.Prolog && !this.#scanProlog(slice)) return;
      this.#charsWritten += slice.length;
      this.#feed(slice, false);
      // No tag or text has ended for this long: saxes is holding one token (an attribute, a text node, a
      // comment) that is already too long. Checked between slices, so it never holds more than two more.
      if (this.#charsWritten - this.#charsAtEvent > this.#limits.maxTextLength + SLICE) {
        this.#tooLong('a token is longer than', false);
        return;
      }
    }
  }

  /** Writes to saxes (or closes it), turning its thrown errors into issues. */
  #feed(text: string, close: boolean): void {
    try {
      if (close) this.#sax.close();
      else this.#sax.write(text);
    } catch (e) {
      if (e === STOP) return;
      // saxes reports well-formedness errors as `Error("line:column: reason")`; anything else is a bug
      // here and must surface (the fuzz test relies on that), not pass for malformed XML.
      if (e instanceof Error && /^\d+:\d+: /.test(e.message) && !this.#stopped) {
        this.#saxError(e);
        return;
      }
      throw e;
    }
  }

  /**
   * Before the root element: refuses a DOCTYPE (before saxes reads any entity declaration) and an XML
   * declaration naming an encoding other than UTF-8. Returns false when it stopped the parser.
   */
  #scanProlog(slice: string): boolean {
    const head = this.#prolog + slice;
    const root = /<[A-Za-z_:]/.exec(head);
    const prolog = root === null ? head : head.slice(0, root.index);
    if (prolog.includes('<!DOCTYPE')) {
      this.#fatal('XML_DOCTYPE_FORBIDDEN', 'DOCTYPE declarations are refused (no DTDs, no entities)', false);
      return false;
    }
    const decl = /^\uFEFF?<\?xml\s[^>]*?encoding\s*=\s*["']([^"']*)["']/.exec(prolog);
    if (decl?.[1] !== undefined && !ACCEPTED_ENCODINGS.has(decl[1].toLowerCase())) {
      this.#fatal(
        'ENCODING_UNSUPPORTED',
        'the document declares an encoding other than UTF-8; send it as UTF-8',
        false,
      );
      return false;
    }
    // Keep only a tail once the prolog is long (comments): enough to find "<!DOCTYPE" across a boundary.
    this.#prolog = root !== null ? '' : head.length > 4096 ? head.slice(0, 256) + head.slice(-16) : head;
    return true;
  }

  /** Counts input bytes against `maxDocumentBytes`; returns false when the limit stopped decoding. */
  countBytes(n: number): boolean {
    this.#bytes += n;
    if (this.#bytes <= this.#limits.maxDocumentBytes) return true;
    this.#fatal(
      'LIMIT_DOCUMENT_SIZE',
      `the document is larger than the limit of ${this.#limits.maxDocumentBytes} bytes`,
      false,
    );
    return false;
  }

  /** True when `maxDocumentBytes` is finite, so that callers count bytes only when it matters. */
  get countsBytes(): boolean {
    return Number.isFinite(this.#limits.maxDocumentBytes);
  }

  /** Reports a problem found outside the XML (for example in the byte encoding) and stops. */
  fail(code: DecodeIssueCode, message: string): void {
    this.#fatal(code, message, false);
  }

  /** Ends the document and queues the `end` event. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (!this.#stopped) this.#feed('', true);
    if (!this.#stopped && this.#where !== Where.Done) {
      // saxes reports unclosed tags; this covers a document that is well-formed but ends too early.
      this.#fatal('MISSING_ELEMENT', `${ROOT} is missing or incomplete`, false);
    }
    this.#events.push({
      type: 'end',
      ok: this.#issueCount === 0,
      recordCount: this.#recordCount,
      issueCount: this.#issueCount,
      stopped: this.#stopped,
    });
  }

  // ---- issues ----------------------------------------------------------------------------------

  #path(): string {
    switch (this.#where) {
      case Where.Prolog:
        return '/';
      case Where.Root:
        return ROOT_PATH;
      case Where.QueryResults:
        return QUERY_RESULTS_PATH;
      case Where.Manifest:
        return this.#miniStack.at(-1)?.path ?? MANIFEST_PATH;
      case Where.Aggregate:
      case Where.PatientRecord:
      case Where.Row:
        return this.#record?.path ?? RECORDS_PATH;
      default:
        return RECORDS_PATH;
    }
  }

  #issue(path: string, code: DecodeIssueCode, message: string): void {
    this.#pushIssues([makeIssue(path, code, message, this.#ctx)]);
  }

  #pushIssues(issues: readonly DecodeIssue[]): void {
    for (const issue of issues) {
      if (this.#stopped) return;
      this.#events.push({ type: 'issue', issue });
      this.#issueCount++;
      if (this.#issueCount >= this.#limits.maxIssues) {
        this.#stopped = true;
        throw STOP;
      }
    }
  }

  /** A text node, attribute value or token longer than `maxTextLength`: fatal. */
  #tooLong(what: string, inHandler = true): void {
    this.#fatal(
      'LIMIT_TEXT_LENGTH',
      `${what} the limit of ${this.#limits.maxTextLength} characters`,
      inHandler,
    );
  }

  #tooManyAttributes(): void {
    this.#fatal(
      'LIMIT_ATTRIBUTES',
      `an element has more than the limit of ${this.#limits.maxAttributes} attributes`,
    );
  }

  /** Records a fatal issue and stops; throws STOP when called from inside a saxes handler. */
  #fatal(code: DecodeIssueCode, message: string, inHandler = true): void {
    if (this.#stopped) return;
    this.#events.push({ type: 'issue', issue: makeIssue(this.#path(), code, message, this.#ctx) });
    this.#issueCount++;
    this.#stopped = true;
    if (inHandler) throw STOP;
  }

  #saxError(err: Error): void {
    // saxes messages look like "3:17: unclosed tag: Foo."; keep the position and the reason, and drop
    // any name or text after the reason unless values were asked for.
    const m = /^(\d+):(\d+): (.*)$/s.exec(err.message);
    const reason = m?.[3] ?? err.message;
    const where = m ? ` at line ${m[1]}, column ${m[2]}` : '';
    const shown = this.#ctx.includeValues ? reason : (reason.split(':')[0] ?? '').replace(/\.$/, '');
    const code: DecodeIssueCode = reason.startsWith('undefined entity')
      ? 'XML_ENTITY_FORBIDDEN'
      : 'XML_MALFORMED';
    const message =
      code === 'XML_ENTITY_FORBIDDEN'
        ? `an entity reference other than the five XML predefined ones was refused${where}`
        : `the XML is not well-formed${where}: ${shown}`;
    this.#fatal(code, message, false);
  }

  // ---- saxes handlers --------------------------------------------------------------------------

  #text(t: string): void {
    this.#charsAtEvent = this.#charsWritten;
    if (this.#stopped) return;
    if (t.length > this.#limits.maxTextLength) {
      this.#tooLong('a text node exceeds');
    }
    switch (this.#where) {
      case Where.Aggregate: {
        const r = this.#record as RecordState;
        r.value += t;
        if (r.value.length > this.#limits.maxTextLength) {
          this.#tooLong('a text node exceeds');
        }
        return;
      }
      case Where.Manifest: {
        const node = this.#miniStack.at(-1);
        if (node) node.text += t;
        return;
      }
      case Where.Skip:
      case Where.Prolog:
      case Where.Done:
        return; // saxes itself refuses text outside the root
      default:
        if (!isXmlWhitespace(t)) {
          const path =
            this.#where === Where.Row || this.#where === Where.PatientRecord
              ? this.#rowOrRecordPath()
              : this.#path();
          this.#issue(path, 'UNEXPECTED_TEXT', 'text is not allowed here');
        }
    }
  }

  #rowOrRecordPath(): string {
    return this.#record?.path ?? RECORDS_PATH;
  }

  #open(tag: SaxesTagPlain): void {
    this.#charsAtEvent = this.#charsWritten;
    const attributeCount = this.#attrCount;
    this.#attrCount = 0;
    if (this.#stopped) return;
    const depth = ++this.#depth;
    if (depth > this.#limits.maxDepth) {
      this.#fatal('LIMIT_DEPTH', `elements are nested deeper than the limit of ${this.#limits.maxDepth}`);
    }
    const attributes = tag.attributes;
    // The hot path: a table row of a patient-level record, in the usual unprefixed form.
    if (
      this.#where === Where.PatientRecord &&
      (tag.name === PATIENT_TABLE || tag.name === JOURNALS_TABLE) &&
      this.#scope.defaultUri === GPES_NAMESPACE &&
      this.#openRow(tag.name, tag.name, GPES_NAMESPACE, attributeCount, true)
    ) {
      return;
    }
    // Namespace declarations and the attribute-count limit, in one pass over the names.
    let declares = false;
    const list = this.#attrs;
    for (let i = 0; i < attributeCount; i++) {
      const { name, value } = list[i] as SaxesAttributePlain;
      if (name.charCodeAt(0) === 120 /* x */ && (name === 'xmlns' || name.startsWith('xmlns:')))
        declares = true;
      if (value.length > this.#limits.maxTextLength) {
        this.#tooLong('an attribute value exceeds');
      }
    }
    if (attributeCount > this.#limits.maxAttributes) {
      this.#tooManyAttributes();
    }
    this.#scopes.push(this.#scope);
    if (declares) this.#scope = declare(this.#scope, attributes);

    if (this.#where === Where.Skip) return;
    const name = tag.name;
    const colon = name.indexOf(':');
    const local = colon < 0 ? name : name.slice(colon + 1);
    const uri = colon < 0 ? this.#scope.defaultUri : this.#scope.prefixes.get(name.slice(0, colon));

    switch (this.#where) {
      case Where.Prolog:
        this.#openRoot(local, uri, attributes);
        return;
      case Where.Root:
        if (uri === GPES_NAMESPACE && local === QUERY_RESULTS && !this.#sawQueryResults) {
          this.#sawQueryResults = true;
          this.#where = Where.QueryResults;
          this.#qrAttributes = this.#collect(QUERY_RESULTS_PATH, attributes, QUERY_RESULTS_ATTRIBUTES);
          return;
        }
        this.#unexpected(ROOT_PATH, name, local, uri);
        return;
      case Where.QueryResults:
        if (
          uri === GPES_NAMESPACE &&
          local === MANIFEST &&
          this.#manifest === undefined &&
          !this.#sawRecords
        ) {
          this.#collect(MANIFEST_PATH, attributes, []);
          this.#manifest = manifestNode(MANIFEST, MANIFEST_PATH);
          this.#miniStack = [this.#manifest];
          this.#where = Where.Manifest;
          return;
        }
        if (uri === GPES_NAMESPACE && local === RECORDS && !this.#sawRecords) {
          this.#collect(RECORDS_PATH, attributes, []);
          this.#sawRecords = true;
          this.#finishHeader();
          this.#where = Where.Records;
          return;
        }
        this.#unexpected(QUERY_RESULTS_PATH, name, local, uri);
        return;
      case Where.Manifest: {
        const parent = this.#miniStack.at(-1) as XmlElement;
        if (uri !== GPES_NAMESPACE) {
          this.#unexpected(parent.path, name, local, uri);
          return;
        }
        // The manifest is read as a small tree; a hostile one must not grow it without bound.
        if (++this.#manifestNodes > MAX_MANIFEST_ELEMENTS) {
          this.#fatal('TOO_MANY', `the manifest has more than ${MAX_MANIFEST_ELEMENTS} elements`);
        }
        const sameName = parent.children.reduce((n, c) => (c.name === local ? n + 1 : n), 0);
        // A list's items are always indexed, as records and rows are; a repeat of anything else from the second.
        const index = sameName > 0 || local === 'Terminology-Identifiers' ? `[${sameName + 1}]` : '';
        const node = manifestNode(local, `${parent.path}/${local}${index}`);
        this.#collect(node.path, attributes, []);
        parent.children.push(node);
        this.#miniStack.push(node);
        return;
      }
      case Where.Records:
        this.#openRecord(name, local, uri, attributeCount);
        return;
      case Where.PatientRecord:
        this.#openRow(name, local, uri, attributeCount);
        return;
      default:
        this.#unexpected(this.#path(), name, local, uri);
        return;
    }
  }

  #close(): void {
    this.#charsAtEvent = this.#charsWritten;
    if (this.#stopped) return;
    const depth = this.#depth--;
    this.#scope = this.#scopes.pop() ?? NO_SCOPE;
    switch (this.#where) {
      case Where.Skip:
        if (depth === this.#skipDepth) this.#where = this.#skipReturn;
        return;
      case Where.Manifest:
        this.#miniStack.pop();
        if (this.#miniStack.length === 0) this.#where = Where.QueryResults;
        return;
      case Where.Row:
        this.#where = Where.PatientRecord;
        return;
      case Where.Aggregate:
      case Where.PatientRecord:
        this.#where = Where.Records;
        this.#finishRecord();
        return;
      case Where.Records:
        this.#where = Where.QueryResults;
        return;
      case Where.QueryResults:
        this.#where = Where.Root;
        if (!this.#sawRecords) {
          this.#finishHeader();
          this.#issue(RECORDS_PATH, 'MISSING_ELEMENT', `${RECORDS} is required`);
        }
        return;
      case Where.Root:
        this.#where = Where.Done;
        if (!this.#sawQueryResults)
          this.#issue(QUERY_RESULTS_PATH, 'MISSING_ELEMENT', `${QUERY_RESULTS} is required`);
        return;
      default:
        return;
    }
  }

  // ---- structure -------------------------------------------------------------------------------

  #unexpected(parentPath: string, name: string, local: string, uri: string | undefined): void {
    const reason = uri === GPES_NAMESPACE ? 'is not expected here' : 'is not in the GPES-I namespace';
    this.#issue(
      `${parentPath}/${uri === GPES_NAMESPACE ? local : name}`,
      'UNEXPECTED_ELEMENT',
      `element ${reason}`,
    );
    this.#skipReturn = this.#where;
    this.#skipDepth = this.#depth;
    this.#where = Where.Skip;
  }

  #openRoot(local: string, uri: string | undefined, attributes: Record<string, string>): void {
    if (local !== ROOT || uri !== GPES_NAMESPACE) {
      this.#fatal(
        local === ROOT ? 'WRONG_NAMESPACE' : 'WRONG_ROOT',
        local === ROOT
          ? `the root element is not in the namespace ${GPES_NAMESPACE}`
          : `the root element is not ${ROOT}: this is not a Query Results message`,
      );
      return;
    }
    this.#where = Where.Root;
    for (const name in attributes) {
      const value = attributes[name] as string;
      if (name === 'GPES-I-Version') this.#root.gpesIVersion = value;
      else if (name === 'QR-Message-Version') this.#root.qrMessageVersion = value;
      else if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      else {
        const colon = name.indexOf(':');
        const uri = colon < 0 ? undefined : this.#scope.prefixes.get(name.slice(0, colon));
        if (uri === XSI_NAMESPACE && name.slice(colon + 1) === 'schemaLocation')
          this.#root.schemaLocation = value;
        else if (colon >= 0 && uri === undefined) {
          this.#issue(
            `${ROOT_PATH}/@${name}`,
            'XML_MALFORMED',
            'the attribute uses an undeclared namespace prefix',
          );
        } else if (uri !== XSI_NAMESPACE) {
          this.#pushIssues([unexpectedAttribute(`${ROOT_PATH}/@${name}`, this.#ctx)]);
        }
      }
    }
  }

  /** Copies the allowed attributes; reports the others (every one but namespace declarations, with `[]`). */
  #collect(
    path: string,
    attributes: Record<string, string>,
    allowed: readonly string[],
  ): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name in attributes) {
      if (allowed.includes(name)) out[name] = attributes[name] as string;
      else if (!(name === 'xmlns' || name.startsWith('xmlns:'))) {
        this.#pushIssues([unexpectedAttribute(`${path}/@${name}`, this.#ctx)]);
      }
    }
    return out;
  }

  #finishHeader(): void {
    if (this.#headerDone) return;
    this.#headerDone = true;
    const header = readHeader(this.#root, this.#qrAttributes ?? {}, this.#manifest, this.#ctx.includeValues);
    if (!header.ok) {
      this.#pushIssues(header.issues);
      return;
    }
    this.#headerOk = true;
    this.#events.push({ type: 'header', header: header.value });
  }

  #openRecord(name: string, local: string, uri: string | undefined, attributeCount: number): void {
    const aggregate = local === AGGREGATE_RECORD;
    if (uri !== GPES_NAMESPACE || (!aggregate && local !== PATIENT_LEVEL_RECORD)) {
      this.#unexpected(RECORDS_PATH, name, local, uri);
      return;
    }
    const path = aggregate
      ? `${RECORDS_PATH}/${AGGREGATE_RECORD}[${++this.#aggregates}]`
      : `${RECORDS_PATH}/${PATIENT_LEVEL_RECORD}[${++this.#patients}]`;
    const r: RecordState = {
      kind: aggregate ? 'aggregate' : 'patient-level',
      path,
      issues: [],
      rid: 0,
      aid: undefined,
      description: undefined,
      value: '',
      patientTables: [],
      journalsTables: [],
      patientRows: 0,
      journalsRows: 0,
    };
    let ridText: string | undefined;
    const list = this.#attrs;
    for (let i = 0; i < attributeCount; i++) {
      const { name: attr, value } = list[i] as SaxesAttributePlain;
      if (attr === 'RID') ridText = value;
      else if (aggregate && attr === 'AID') r.aid = value;
      else if (aggregate && attr === 'Description') r.description = value;
      else if (!(attr === 'xmlns' || attr.startsWith('xmlns:'))) {
        r.issues.push(unexpectedAttribute(`${path}/@${attr}`, this.#ctx));
      }
    }
    if (ridText === undefined) {
      r.issues.push(makeIssue(`${path}/@RID`, 'MISSING_ATTRIBUTE', 'RID is required', this.#ctx));
    } else if (positiveInteger(ridText) < 0) {
      r.issues.push(notPositiveInteger(`${path}/@RID`, 'RID', this.#ctx, ridText));
    } else {
      r.rid = Number(ridText);
      if (r.rid <= this.#lastRid) {
        r.issues.push(ridOutOfOrder(path, this.#ctx));
      } else {
        this.#lastRid = r.rid;
      }
    }
    if (aggregate && r.aid === undefined) {
      r.issues.push(makeIssue(`${path}/@AID`, 'MISSING_ATTRIBUTE', 'AID is required', this.#ctx));
    }
    this.#record = r;
    this.#where = aggregate ? Where.Aggregate : Where.PatientRecord;
  }

  /**
   * A `Patient-Table` or `Journals-Table` row. With `fast`, called before the generic attribute pass for
   * an unprefixed row in the default GPES namespace: it then does that pass's checks itself (one loop
   * over the attributes instead of two) and returns false, having changed nothing, if the row declares
   * a namespace, which only the generic path handles.
   */
  #openRow(
    name: string,
    local: string,
    uri: string | undefined,
    attributeCount: number,
    fast = false,
  ): boolean {
    const r = this.#record as RecordState;
    const patient = local === PATIENT_TABLE;
    if (uri !== GPES_NAMESPACE || (!patient && local !== JOURNALS_TABLE)) {
      this.#unexpected(r.path, name, local, uri);
      return true;
    }
    let qid = 0;
    let lid = 0;
    let qidText: string | undefined;
    let lidText: string | undefined;
    let foreign: string[] | undefined;
    const columns: Record<string, string> = {};
    const maxText = this.#limits.maxTextLength;
    const list = this.#attrs;
    // saxes has already refused duplicate names, so the list holds exactly `tag.attributes`, in order.
    for (let i = 0; i < attributeCount; i++) {
      const { name: attr, value } = list[i] as SaxesAttributePlain;
      if (fast && value.length > maxText) {
        this.#tooLong('an attribute value exceeds');
      }
      if (attr === 'QID') {
        qidText = value;
        qid = positiveInteger(value);
      } else if (attr === 'LID') {
        lidText = value;
        lid = positiveInteger(value);
      } else if (attr.charCodeAt(0) === 120 /* x */ && (attr === 'xmlns' || attr.startsWith('xmlns:'))) {
        if (fast) return false;
      } else if (attr.includes(':') || attr === '__proto__') {
        if (foreign === undefined) foreign = [];
        foreign.push(attr);
      } else {
        columns[attr] = value;
      }
    }
    if (fast && attributeCount > this.#limits.maxAttributes) {
      this.#tooManyAttributes();
    }
    if (fast) this.#scopes.push(this.#scope);
    if (r.patientRows + r.journalsRows >= this.#limits.maxRowsPerRecord) {
      this.#fatal(
        'TOO_MANY',
        `a Patient-Level-Record has more than the limit of ${this.#limits.maxRowsPerRecord} rows`,
      );
    }
    const index = patient ? ++r.patientRows : ++r.journalsRows;
    for (const attr of foreign ?? []) {
      if (r.issues.length > 50) break;
      r.issues.push(unexpectedAttribute(`${r.path}/${local}[${index}]/@${attr}`, this.#ctx));
    }
    if (!(qid > 0 && lid > 0)) {
      const rowPath = `${r.path}/${local}[${index}]`;
      for (const [label, text, n] of [
        ['QID', qidText, qid],
        ['LID', lidText, lid],
      ] as const) {
        if (text === undefined)
          r.issues.push(
            makeIssue(`${rowPath}/@${label}`, 'MISSING_ATTRIBUTE', `${label} is required`, this.#ctx),
          );
        else if (n < 0) {
          r.issues.push(notPositiveInteger(`${rowPath}/@${label}`, label, this.#ctx, text));
        }
      }
    }
    (patient ? r.patientTables : r.journalsTables).push({ qid, lid, columns });
    this.#where = Where.Row;
    return true;
  }

  #finishRecord(): void {
    const r = this.#record as RecordState;
    this.#record = undefined;
    const record: DecodedQrRecord =
      r.kind === 'aggregate'
        ? {
            kind: 'aggregate',
            rid: r.rid,
            aid: r.aid === undefined ? '' : normaliseUuid(r.aid),
            ...(r.description === undefined ? {} : { description: r.description }),
            value: r.value,
          }
        : {
            kind: 'patient-level',
            rid: r.rid,
            patientTables: r.patientTables,
            journalsTables: r.journalsTables,
          };
    // Structural issues first; field checks only on a record whose structure was read completely,
    // so that one mistake is not reported twice.
    if (r.issues.length > 0) {
      this.#pushIssues(r.issues);
      return;
    }
    const issues = validateRecordFields(record, r.path, this.#ctx);
    if (issues.length > 0) {
      this.#pushIssues(issues);
      return;
    }
    if (!this.#headerOk) return; // already reported: records without a valid header are not yielded
    this.#recordCount++;
    this.#events.push({ type: 'record', record });
  }
}

/**
 * The value of a RID, QID or LID written as a positive integer of 1 to 15 digits without a leading zero
 * (so exact as a double), else -1. A character loop rather than a regular expression: it runs twice per
 * table row.
 */
function positiveInteger(text: string): number {
  const n = text.length;
  if (n === 0 || n > 15) return -1;
  let c = text.charCodeAt(0);
  if (c < 49 || c > 57) return -1;
  let value = c - 48;
  for (let i = 1; i < n; i++) {
    c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    value = value * 10 + (c - 48);
  }
  return value;
}

/** True when `t` is only XML whitespace (the text between rows, once per row: a loop, not a regex). */
function isXmlWhitespace(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 9 && c !== 13) return false;
  }
  return true;
}

function declare(parent: Scope, attributes: Record<string, string>): Scope {
  let defaultUri = parent.defaultUri;
  const prefixes = new Map(parent.prefixes);
  for (const name in attributes) {
    if (name === 'xmlns') defaultUri = attributes[name] === '' ? undefined : attributes[name];
    else if (name.startsWith('xmlns:')) prefixes.set(name.slice(6), attributes[name] as string);
  }
  return { defaultUri, prefixes };
}

// ---- header ------------------------------------------------------------------------------------

/** A manifest element as the shared reader takes it; its attributes are reported as it opens. */
function manifestNode(name: string, path: string): XmlElement {
  return { name, ns: GPES_NAMESPACE, attributes: {}, children: [], text: '', path };
}
