// The Query Results structure on top of the guarded XML front end (core/xml/guarded-parser.ts), which decodes,
// guards and tokenises: this turns its events straight into QR records, without an intermediate element tree for
// the (unbounded) records part, so that memory is bounded by the largest record and the cost stays close to
// tokenising alone (see bench/).
import { type DecodeIssue, type DecodeIssueCode, makeIssue } from '../core/issues.js';
import {
  createGuardedXmlParser,
  type GuardedXmlParser,
  isDeclaration,
  type XmlAttribute,
  type XmlTag,
  type XmlWording,
} from '../core/xml/guarded-parser.js';
import { resolveLimits, type XmlLimits } from '../core/xml/limits.js';
import { TreeBuilder, type XmlElement } from '../core/xml/tree.js';
import { QUERY_RESULTS_ATTRIBUTES, readHeader } from './description.js';
import type { DecodedQrRecord, QrTableRow, QueryResultsHeader } from './model.js';
import {
  AGGREGATE_RECORD,
  GPES_NAMESPACE,
  JOURNALS_TABLE,
  MANIFEST,
  PATIENT_LEVEL_RECORD,
  PATIENT_TABLE,
  QUERY_RESULTS,
  QUERY_RESULTS_PATH,
  RECORDS,
  RECORDS_PATH,
  ROOT,
  ROOT_PATH,
  recordPath,
  XSI_NAMESPACE,
} from './names.js';
import { normaliseUuid } from './primitives.js';
import {
  missing,
  notPositiveInteger,
  ridOutOfOrder,
  rowPathOf,
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

/** The wording Query Results issues have always had (their fixtures pin it). */
const WORDING: XmlWording = {
  doctype: 'DOCTYPE declarations are refused (no DTDs, no entities)',
  entity: (where) => `an entity reference other than the five XML predefined ones was refused${where}`,
  malformed: (where, reason) => `the XML is not well-formed${where}: ${reason}`,
  encoding: 'the document declares an encoding other than UTF-8; send it as UTF-8',
  encodings: undefined,
};

/** The v6.0 manifest has 12 elements plus 4 per extra terminology; far more is not a manifest. */
const MAX_MANIFEST_ELEMENTS = 1000;

/** Where in the document the parser is (a const object, per the conventions: no `enum`). */
const Where = {
  Prolog: 0,
  /** In the root, `Query-Results` or the manifest, outside the records. */
  Header: 1,
  Records: 2,
  Aggregate: 3,
  PatientRecord: 4,
  Row: 5,
  Skip: 6,
  Done: 7,
} as const;
type Where = (typeof Where)[keyof typeof Where];

const AGGREGATE_ATTRIBUTES = ['RID', 'AID', 'Description'];

/** What grows while a record is read: an aggregate's value, a patient's rows. */
type Growing = { value: string; patientTables: QrTableRow[]; journalsTables: QrTableRow[] };

interface RecordState {
  readonly path: string;
  readonly issues: DecodeIssue[];
  /** The record as it will be yielded, filled in as its content arrives. */
  readonly record: Growing;
}

export class QueryResultsPushParser {
  readonly #ctx: ValidationContext;
  readonly #maxRowsPerRecord: number;
  readonly #maxIssues: number;
  readonly #xml: GuardedXmlParser;
  readonly #events: QueryResultsEvent[] = [];

  #where: Where = Where.Prolog;
  #skipDepth = 0;
  #skipReturn: Where = Where.Prolog;

  /** The open elements outside the records: the root, `Query-Results`, the manifest's; readHeader reads their tree. */
  readonly #header = new TreeBuilder();
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
  #ended = false;

  constructor(options: DecodeQueryResultsOptions | undefined) {
    // Memory is bounded per record, so neither the document's bytes nor its nodes are.
    const limits = {
      maxDocumentBytes: Number.POSITIVE_INFINITY,
      ...options?.limits,
      maxNodes: Number.POSITIVE_INFINITY,
    };
    this.#ctx = {
      includeValues: options?.includeValues === true,
      allowDateSentinels: true, // the decoder keeps sentinels as distinct values (gpes-i README §6)
      maxTextLength: resolveLimits(limits).maxTextLength,
    };
    this.#maxRowsPerRecord = options?.maxRowsPerRecord ?? 100_000;
    this.#maxIssues = Math.max(1, options?.maxIssues ?? 100);
    this.#xml = createGuardedXmlParser(
      {
        onOpenTag: (tag) => this.#open(tag),
        onCloseTag: (depth) => this.#close(depth),
        onText: (text) => this.#text(text),
      },
      {
        limits,
        onIssue: (issue) => this.#push(issue),
        path: () => this.#path(),
        utf16: false, // refused since the first release: GPES-I sends UTF-8
        wording: WORDING,
      },
    );
  }

  /** True once decoding has stopped (fatal issue or too many issues); further input is ignored. */
  get stopped(): boolean {
    return this.#xml.stopped;
  }

  /** Events produced since the last call. */
  drain(): QueryResultsEvent[] {
    return this.#events.splice(0, this.#events.length);
  }

  /** Feeds bytes (UTF-8) or text. */
  write(chunk: Uint8Array | string): void {
    this.#xml.write(chunk);
  }

  /** Ends the document and queues the `end` event. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#xml.close() && this.#where !== Where.Done) {
      // saxes reports unclosed tags; this covers a document that is well-formed but ends too early.
      this.#fatal('MISSING_ELEMENT', `${ROOT} is missing or incomplete`);
    }
    this.#events.push({
      type: 'end',
      ok: this.#issueCount === 0,
      recordCount: this.#recordCount,
      issueCount: this.#issueCount,
      stopped: this.#xml.stopped,
    });
  }

  // ---- issues ----------------------------------------------------------------------------------

  #path(): string {
    switch (this.#where) {
      case Where.Prolog:
        return '/';
      case Where.Header:
        return (this.#header.open.at(-1) as XmlElement).path;
      case Where.Aggregate:
      case Where.PatientRecord:
      case Where.Row:
        return this.#record?.path ?? RECORDS_PATH;
      default:
        return RECORDS_PATH;
    }
  }

  #push(issue: DecodeIssue): void {
    this.#events.push({ type: 'issue', issue });
    this.#issueCount++;
  }

  #issue(path: string, code: DecodeIssueCode, message: string): void {
    this.#pushIssues([makeIssue(path, code, message, this.#ctx)]);
  }

  #pushIssues(issues: readonly DecodeIssue[]): void {
    for (const issue of issues) {
      if (this.#xml.stopped) return;
      if (this.#issueCount + 1 >= this.#maxIssues) this.#xml.abort(issue);
      else this.#push(issue);
    }
  }

  /** Reports an issue at the current path and stops (unwinding out of saxes when called from a handler). */
  #fatal(code: DecodeIssueCode, message: string): void {
    this.#xml.abort(makeIssue(this.#path(), code, message, this.#ctx));
  }

  // ---- XML events --------------------------------------------------------------------------------

  #text(t: string): void {
    switch (this.#where) {
      case Where.Aggregate: {
        const r = (this.#record as RecordState).record;
        r.value += t;
        if (r.value.length > this.#ctx.maxTextLength) {
          this.#fatal(
            'LIMIT_TEXT_LENGTH',
            `a text node exceeds the limit of ${this.#ctx.maxTextLength} characters`,
          );
        }
        return;
      }
      case Where.Header:
        // The manifest's text is its leaves' content; the root and Query-Results take none, as below.
        if (this.#header.open.length > 2) {
          (this.#header.open.at(-1) as XmlElement).text += t;
          return;
        }
        break;
      case Where.Skip:
      case Where.Prolog:
      case Where.Done:
        return; // saxes itself refuses text outside the root
    }
    if (!isXmlWhitespace(t)) this.#issue(this.#path(), 'UNEXPECTED_TEXT', 'text is not allowed here');
  }

  #open(tag: XmlTag): void {
    switch (this.#where) {
      case Where.PatientRecord:
        this.#openRow(tag);
        return;
      case Where.Skip:
        return;
      case Where.Prolog:
        this.#openRoot(tag);
        return;
      case Where.Header:
        this.#openHeader(tag);
        return;
      case Where.Records:
        this.#openRecord(tag);
        return;
      default:
        this.#unexpected(this.#path(), tag);
        return;
    }
  }

  #close(depth: number): void {
    switch (this.#where) {
      case Where.Skip:
        if (depth === this.#skipDepth) this.#where = this.#skipReturn;
        return;
      case Where.Header: {
        const closed = this.#header.open.pop() as XmlElement;
        // Query-Results closing before any records, or the root closing.
        if (this.#header.open.length === 1 && !this.#sawRecords) {
          this.#finishHeader();
          this.#issue(RECORDS_PATH, 'MISSING_ELEMENT', `${RECORDS} is required`);
        } else if (this.#header.open.length === 0) {
          this.#where = Where.Done;
          if (closed.children.length === 0)
            this.#issue(QUERY_RESULTS_PATH, 'MISSING_ELEMENT', `${QUERY_RESULTS} is required`);
        }
        return;
      }
      case Where.Row:
        this.#where = Where.PatientRecord;
        return;
      case Where.Aggregate:
      case Where.PatientRecord:
        this.#where = Where.Records;
        this.#finishRecord();
        return;
      case Where.Records:
        this.#where = Where.Header;
        return;
      default:
        return;
    }
  }

  // ---- structure -------------------------------------------------------------------------------

  #unexpected(parentPath: string, { name, local, uri, depth }: XmlTag): void {
    const reason = uri === GPES_NAMESPACE ? 'is not expected here' : 'is not in the GPES-I namespace';
    this.#issue(
      `${parentPath}/${uri === GPES_NAMESPACE ? local : name}`,
      'UNEXPECTED_ELEMENT',
      `element ${reason}`,
    );
    this.#skipReturn = this.#where;
    this.#skipDepth = depth;
    this.#where = Where.Skip;
  }

  #openRoot({ local, uri, attributes, attributeCount }: XmlTag): void {
    if (local !== ROOT || uri !== GPES_NAMESPACE) {
      this.#fatal(
        local === ROOT ? 'WRONG_NAMESPACE' : 'WRONG_ROOT',
        local === ROOT
          ? `the root element is not in the namespace ${GPES_NAMESPACE}`
          : `the root element is not ${ROOT}: this is not a Query Results message`,
      );
      return;
    }
    this.#where = Where.Header;
    const kept: Record<string, string> = {};
    for (let i = 0; i < attributeCount; i++) {
      const { name, value } = attributes[i] as XmlAttribute;
      if (name === 'GPES-I-Version' || name === 'QR-Message-Version') kept[name] = value;
      else if (isDeclaration(name)) continue;
      else {
        const colon = name.indexOf(':');
        const uri = colon < 0 ? undefined : this.#xml.namespaceOf(name.slice(0, colon));
        if (uri === XSI_NAMESPACE && name.slice(colon + 1) === 'schemaLocation')
          kept['xsi:schemaLocation'] = value;
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
    this.#header.push(ROOT, GPES_NAMESPACE, kept, ROOT_PATH);
  }

  /**
   * An element outside the records: `Query-Results-Records` starts them; the rest is built into the header's tree
   * (paths as the records' style has them), but for what the root and `Query-Results` do not take: anything but
   * their one child before the records.
   */
  #openHeader(tag: XmlTag): void {
    const { local, uri } = tag;
    const parent = this.#header.open.at(-1) as XmlElement;
    const depth = this.#header.open.length; // the parent's: 1 for the root
    if (uri === GPES_NAMESPACE && depth === 2 && local === RECORDS && !this.#sawRecords) {
      this.#collect(RECORDS_PATH, tag, []);
      this.#sawRecords = true;
      this.#finishHeader();
      this.#where = Where.Records;
      return;
    }
    const only = depth === 1 ? QUERY_RESULTS : MANIFEST;
    if (
      uri !== GPES_NAMESPACE ||
      (depth < 3 && (local !== only || parent.children.length > 0 || this.#sawRecords))
    ) {
      this.#unexpected(parent.path, tag);
      return;
    }
    // The manifest is read as a small tree; a hostile one must not grow it without bound.
    if (depth > 2 && ++this.#manifestNodes > MAX_MANIFEST_ELEMENTS) {
      this.#fatal('TOO_MANY', `the manifest has more than ${MAX_MANIFEST_ELEMENTS} elements`);
    }
    const sameName = parent.children.reduce((n, c) => (c.name === local ? n + 1 : n), 0);
    // A list's items are always indexed, as records and rows are; a repeat of anything else from the second.
    const index = sameName > 0 || local === 'Terminology-Identifiers' ? `[${sameName + 1}]` : '';
    const path = `${parent.path}/${local}${index}`;
    this.#header.push(
      local,
      uri,
      this.#collect(path, tag, depth === 1 ? QUERY_RESULTS_ATTRIBUTES : []),
      path,
    );
  }

  /**
   * Copies the allowed attributes; reports the others (every one but namespace declarations, with `[]`) at once,
   * or into `sink` (a record's issues, reported with the record).
   */
  #collect(
    path: string,
    { attributes, attributeCount }: XmlTag,
    allowed: readonly string[],
    sink?: DecodeIssue[],
  ): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < attributeCount; i++) {
      const { name, value } = attributes[i] as XmlAttribute;
      if (allowed.includes(name)) out[name] = value;
      else if (!isDeclaration(name)) {
        const issue = unexpectedAttribute(`${path}/@${name}`, this.#ctx);
        if (sink) sink.push(issue);
        else this.#pushIssues([issue]);
      }
    }
    return out;
  }

  /** A RID, QID or LID: its value, or 0 after an issue when it is missing or not a positive integer. */
  #positive(issues: DecodeIssue[], path: string, label: string, text: string | undefined): number {
    const n = text === undefined ? 0 : positiveInteger(text);
    if (text === undefined) {
      issues.push(missing(`${path}/@${label}`, label, this.#ctx));
    } else if (n < 0) issues.push(notPositiveInteger(`${path}/@${label}`, label, this.#ctx, text));
    return Math.max(n, 0);
  }

  #finishHeader(): void {
    if (this.#headerDone) return;
    this.#headerDone = true;
    const header = readHeader(this.#header.root as XmlElement, this.#ctx.includeValues);
    if (!header.ok) {
      this.#pushIssues(header.issues);
      return;
    }
    this.#headerOk = true;
    this.#events.push({ type: 'header', header: header.value });
  }

  #openRecord(tag: XmlTag): void {
    const aggregate = tag.local === AGGREGATE_RECORD;
    if (tag.uri !== GPES_NAMESPACE || (!aggregate && tag.local !== PATIENT_LEVEL_RECORD)) {
      this.#unexpected(RECORDS_PATH, tag);
      return;
    }
    const path = recordPath(aggregate, aggregate ? ++this.#aggregates : ++this.#patients);
    const issues: DecodeIssue[] = [];
    const a = this.#collect(path, tag, aggregate ? AGGREGATE_ATTRIBUTES : ['RID'], issues);
    const rid = this.#positive(issues, path, 'RID', a.RID);
    if (rid > 0 && rid <= this.#lastRid) issues.push(ridOutOfOrder(path, this.#ctx));
    else if (rid > 0) this.#lastRid = rid;
    if (aggregate && a.AID === undefined) issues.push(missing(`${path}/@AID`, 'AID', this.#ctx));
    const record = aggregate
      ? {
          kind: 'aggregate',
          rid,
          aid: a.AID === undefined ? '' : normaliseUuid(a.AID),
          ...(a.Description === undefined ? {} : { description: a.Description }),
          value: '',
        }
      : { kind: 'patient-level', rid, patientTables: [], journalsTables: [] };
    this.#record = { path, issues, record: record as unknown as Growing };
    this.#where = aggregate ? Where.Aggregate : Where.PatientRecord;
  }

  /** A `Patient-Table` or `Journals-Table` row: the hot path, once per row, in one pass over the attributes. */
  #openRow(tag: XmlTag): void {
    const { path, issues, record } = this.#record as RecordState;
    const { local, attributes, attributeCount, declares } = tag;
    const patient = local === PATIENT_TABLE;
    if (tag.uri !== GPES_NAMESPACE || (!patient && local !== JOURNALS_TABLE)) {
      this.#unexpected(path, tag);
      return;
    }
    let qid = 0;
    let lid = 0;
    let qidText: string | undefined;
    let lidText: string | undefined;
    let foreign: string[] | undefined;
    const columns: Record<string, string> = {};
    // saxes has already refused duplicate names, so the list holds each attribute once, in order.
    for (let i = 0; i < attributeCount; i++) {
      const { name: attr, value } = attributes[i] as XmlAttribute;
      if (attr === 'QID') {
        qidText = value;
        qid = positiveInteger(value);
      } else if (attr === 'LID') {
        lidText = value;
        lid = positiveInteger(value);
      } else if (declares && isDeclaration(attr)) {
        // a namespace declaration, already applied by the front end
      } else if (attr.includes(':') || attr === '__proto__') {
        if (foreign === undefined) foreign = [];
        foreign.push(attr);
      } else {
        columns[attr] = value;
      }
    }
    const rows = patient ? record.patientTables : record.journalsTables;
    if (record.patientTables.length + record.journalsTables.length >= this.#maxRowsPerRecord) {
      this.#fatal(
        'TOO_MANY',
        `a Patient-Level-Record has more than the limit of ${this.#maxRowsPerRecord} rows`,
      );
    }
    for (const attr of foreign ?? []) {
      if (issues.length > 50) break;
      issues.push(unexpectedAttribute(rowPathOf(path, local, rows.length, attr), this.#ctx));
    }
    if (!(qid > 0 && lid > 0)) {
      const rowPath = rowPathOf(path, local, rows.length);
      this.#positive(issues, rowPath, 'QID', qidText);
      this.#positive(issues, rowPath, 'LID', lidText);
    }
    rows.push({ qid, lid, columns });
    this.#where = Where.Row;
  }

  #finishRecord(): void {
    const r = this.#record as RecordState;
    this.#record = undefined;
    const record = r.record as unknown as DecodedQrRecord;
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
