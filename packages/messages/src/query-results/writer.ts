// The synchronous core of the encoder: validates each part, then renders it as text in the fixed
// layout below (two-space indentation, one record per block), so that golden fixtures can compare bytes.
// Written by hand rather than with xmlbuilder2 (ADR 0004): xmlbuilder2 builds a node tree per element,
// which at hundreds of megabytes costs several times the bytes written, while QR content is flat
// attributes and short text whose only XML work is escaping (the shared escapers of core/encode-writer).

import { escapeAttribute as attr, escapeText as text } from '../core/encode-writer.js';
import type { DecodeIssue } from '../core/issues.js';
import { MessageDecodeError, makeIssue } from '../core/issues.js';
import { DEFAULT_XML_LIMITS } from '../core/xml/limits.js';
import { writeHeader } from './description.js';
import type { QrRecord, QrTableRow, QueryResultsHeader } from './model.js';
import {
  AGGREGATE_RECORD,
  JOURNALS_TABLE,
  PATIENT_LEVEL_RECORD,
  PATIENT_TABLE,
  RECORDS_PATH,
  recordPath,
} from './names.js';
import { normaliseUuid } from './primitives.js';
import {
  isPositiveInteger,
  notPositiveInteger,
  ridOutOfOrder,
  type ValidationContext,
  validateRecordFields,
} from './validate.js';

/** Options of the Query Results encoders. */
export interface EncodeQueryResultsOptions {
  /**
   * Put offending values into the issues of a refusal. Off by default: values may be patient data.
   * @default false
   */
  readonly includeValues?: boolean;
  /**
   * Allow the GPES-I-Date-Type sentinels `0000-00-00` and `9999-99-99` in date columns. Their meaning is
   * not public, so the encoder refuses them unless a query specification asks for them.
   * @default false
   */
  readonly allowDateSentinels?: boolean;
  /**
   * Longest value accepted for a column or aggregate value without a schema type of its own, and for
   * `xsi:schemaLocation`. The default is the decoder's `limits.maxTextLength`, so whatever decodes with default
   * options re-encodes with default options.
   * @default 1048576
   */
  readonly maxTextLength?: number;
  /**
   * Target size of each yielded chunk, in bytes (chunks may be somewhat larger; multi-byte characters
   * never straddle two chunks). Only for {@link encodeQueryResults}.
   * @default 65536
   */
  readonly chunkSizeBytes?: number;
}

export function encodeContext(options: EncodeQueryResultsOptions | undefined): ValidationContext {
  return {
    includeValues: options?.includeValues === true,
    allowDateSentinels: options?.allowDateSentinels === true,
    maxTextLength: options?.maxTextLength ?? DEFAULT_XML_LIMITS.maxTextLength,
  };
}

function refuse(what: string, issues: readonly DecodeIssue[]): never {
  throw new MessageDecodeError(`Query Results encoder refused ${what}`, issues);
}

/** Renders the document piece by piece; throws MessageDecodeError on the first invalid part. */
export class QrXmlWriter {
  readonly #ctx: ValidationContext;
  #lastRid = 0;
  #aggregates = 0;
  #patients = 0;
  #end = '';

  constructor(ctx: ValidationContext) {
    this.#ctx = ctx;
  }

  /** Everything up to and including the `Query-Results-Records` start tag. */
  start(header: QueryResultsHeader): string {
    const [start, end] = writeHeader(header, this.#ctx);
    this.#end = end;
    return start;
  }

  /** One record, validated; assigns the next RID when the record has none. */
  record(record: QrRecord): string {
    if (typeof record !== 'object' || record === null) {
      refuse('a record', [makeIssue(RECORDS_PATH, 'INVALID_VALUE', 'a record must be an object', this.#ctx)]);
    }
    const aggregate = record.kind === 'aggregate';
    const path = recordPath(aggregate, aggregate ? this.#aggregates + 1 : this.#patients + 1);
    const issues = validateRecordFields(record, path, this.#ctx);
    let rid = record.rid;
    if (rid === undefined) {
      rid = this.#lastRid + 1;
    } else if (!isPositiveInteger(rid)) {
      issues.unshift(notPositiveInteger(`${path}/@RID`, 'RID', this.#ctx));
    } else if (rid <= this.#lastRid) {
      issues.unshift(ridOutOfOrder(path, this.#ctx));
    }
    if (issues.length > 0) refuse('a record', issues);
    this.#lastRid = rid;
    if (record.kind === 'aggregate') {
      this.#aggregates++;
      let s = `      <${AGGREGATE_RECORD} RID="${rid}" AID="${normaliseUuid(record.aid)}"`;
      if (record.description !== undefined) s += ` Description="${attr(record.description)}"`;
      return `${s}>${text(record.value)}</${AGGREGATE_RECORD}>\n`;
    }
    this.#patients++;
    let s = `      <${PATIENT_LEVEL_RECORD} RID="${rid}">\n`;
    const p = record.patientTables;
    const j = record.journalsTables;
    if (inQidOrder([p, j])) {
      for (const row of p) s += renderRow(PATIENT_TABLE, row);
      for (const row of j) s += renderRow(JOURNALS_TABLE, row);
    } else {
      const rows: [string, QrTableRow][] = [];
      for (const row of p) rows.push([PATIENT_TABLE, row]);
      for (const row of j) rows.push([JOURNALS_TABLE, row]);
      rows.sort((a, b) => a[1].qid - b[1].qid); // Array.prototype.sort is stable: ties keep their order.
      for (const [name, row] of rows) s += renderRow(name, row);
    }
    return `${s}      </${PATIENT_LEVEL_RECORD}>\n`;
  }

  /** The end of the document. */
  end(): string {
    return this.#end;
  }
}

/** True when Patient-Table then Journals-Table rows, as given, already ascend by QID. */
function inQidOrder(tables: readonly (readonly QrTableRow[])[]): boolean {
  let last = 0;
  for (const rows of tables) {
    for (const row of rows) {
      if (row.qid < last) return false;
      last = row.qid;
    }
  }
  return true;
}

function renderRow(name: string, row: QrTableRow): string {
  let s = `        <${name} QID="${row.qid}" LID="${row.lid}"`;
  const columns = row.columns;
  for (const key in columns) {
    if (Object.hasOwn(columns, key)) s += ` ${key}="${attr(columns[key] as string)}"`;
  }
  return `${s}/>\n`;
}
