// Validation shared by the decoder and the encoder, so both apply exactly the same data-type rules
// (gpes-i README §6). Issues name the path and what is expected, never the value unless asked.
import { missingCode } from '../core/encode-writer.js';
import { type DecodeIssue, IssueCollector, makeIssue } from '../core/issues.js';
import type { QrRecord, QrTableRow } from './model.js';
import {
  type Check,
  COLUMN_CHECKS,
  checkMaxLength,
  checkMultiValue,
  checkOf,
  isXmlSafe,
} from './primitives.js';

/** What validation needs to know besides the data. */
export interface ValidationContext {
  readonly includeValues: boolean;
  /** Accept the GPES-I-Date-Type sentinels `0000-00-00` and `9999-99-99`. */
  readonly allowDateSentinels: boolean;
  /** Longest text or attribute value accepted for columns without a schema type. */
  readonly maxTextLength: number;
}

function apply(
  out: IssueCollector,
  path: string,
  label: string,
  value: unknown,
  check: Check | undefined,
  required = true,
): void {
  if (value === undefined) {
    if (required) out.issues.push(missing(path, label, out));
  } else if (typeof value !== 'string') {
    out.add(path, 'INVALID_VALUE', `${label} must be a string`);
  } else if (!isXmlSafe(value)) {
    const message = `${label} contains a character XML 1.0 cannot carry`;
    out.add(path, 'INVALID_VALUE', message, 'XML 1.0 characters only', value);
  } else {
    const f = check?.(value);
    if (f) out.add(path, f.code, `${label} is not valid`, f.expected, value);
  }
}

const CHECK_UUID = checkOf('UUID-Type');
const CHECK_DESCRIPTION = checkOf('Description-Attribute-Type');

/** The path of row `i` of a table, or of its attribute `attribute`. */
export function rowPathOf(recordPath: string, element: string, i: number, attribute?: string): string {
  return `${recordPath}/${element}[${i + 1}]${attribute === undefined ? '' : `/@${attribute}`}`;
}

/** Attribute names the encoder may write as columns: an XML name without a prefix. */
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const RESERVED_COLUMNS = new Set(['QID', 'LID', 'RID', '__proto__']);

export function isPositiveInteger(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1;
}

/** A required attribute or element that is absent. */
export function missing(path: string, label: string, ctx: { readonly includeValues: boolean }): DecodeIssue {
  return makeIssue(path, missingCode(path), `${label} is required`, ctx);
}

/** A RID, QID or LID that is not a positive integer (`missing`: absent from a value to encode). */
export function notPositiveInteger(
  path: string,
  label: string,
  ctx: ValidationContext,
  value?: string,
  missing = false,
): DecodeIssue {
  const code = missing ? 'MISSING_ATTRIBUTE' : 'INVALID_NUMBER';
  return makeIssue(path, code, `${label} must be a positive integer`, ctx, 'a positive integer', value);
}

/** A record's RID not above the one before it. */
export function ridOutOfOrder(recordPath: string, ctx: ValidationContext): DecodeIssue {
  return makeIssue(
    `${recordPath}/@RID`,
    'OUT_OF_ORDER',
    "RID must be greater than the previous record's RID",
    ctx,
    'strictly increasing RIDs, unique within the message',
  );
}

export function unexpectedAttribute(path: string, ctx: ValidationContext): DecodeIssue {
  return makeIssue(path, 'UNEXPECTED_ATTRIBUTE', 'attribute is not expected here', ctx);
}

function validateRows(
  out: IssueCollector,
  ctx: ValidationContext,
  recordPath: string,
  element: string,
  rows: unknown,
): void {
  if (!Array.isArray(rows)) {
    out.add(`${recordPath}/${element}`, 'INVALID_VALUE', `${element} rows must be an array`);
    return;
  }
  // (QID, LID) pairs are unique when rows ascend by QID then LID, as extract-core writes them and the sample
  // has them: checked without allocating. Only a table out of that order pays for a set.
  let prevQid = 0;
  let prevLid = 0;
  let seen: Set<string> | undefined;
  const checks = ctx.allowDateSentinels ? COLUMN_CHECKS.withSentinels : COLUMN_CHECKS.noSentinels;
  // Paths are built only when something fails: this loop runs for every row of a multi-GB extract.
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as QrTableRow;
    if (typeof row !== 'object' || row === null) {
      const message = `${element} row must be an object`;
      out.add(rowPathOf(recordPath, element, i), 'INVALID_VALUE', message);
      continue;
    }
    const { qid, lid } = row;
    if (isPositiveInteger(qid) && isPositiveInteger(lid)) {
      if (seen === undefined && (qid > prevQid || (qid === prevQid && lid > prevLid))) {
        prevQid = qid;
        prevLid = lid;
      } else {
        seen ??= pairsBefore(rows, i);
        const key = `${qid}:${lid}`;
        if (seen.has(key)) {
          const message = `LID is repeated for this ${element} QID in the record`;
          const expected = 'a LID unique per table and QID within the record';
          out.add(rowPathOf(recordPath, element, i, 'LID'), 'INCONSISTENT', message, expected);
        }
        seen.add(key);
      }
    } else {
      for (const [label, n] of [
        ['QID', qid],
        ['LID', lid],
      ] as const) {
        const path = rowPathOf(recordPath, element, i, label);
        if (!isPositiveInteger(n))
          out.issues.push(notPositiveInteger(path, label, ctx, undefined, n === undefined));
      }
    }
    const columns = row.columns;
    if (typeof columns !== 'object' || columns === null) {
      const message = 'columns must be an object of strings';
      out.add(rowPathOf(recordPath, element, i), 'INVALID_VALUE', message);
      continue;
    }
    for (const name in columns) {
      const value = (columns as Record<string, unknown>)[name];
      const check = checks.get(name);
      // Fast path, no allocation: a known column whose check passes (the checks admit only XML characters).
      if (check !== undefined && typeof value === 'string' && check(value) === undefined) continue;
      if (!Object.hasOwn(columns, name)) continue;
      const path = rowPathOf(recordPath, element, i, name);
      if (!COLUMN_NAME.test(name) || RESERVED_COLUMNS.has(name)) {
        const message = 'column name is not a usable attribute name';
        const expected = '[A-Za-z_][A-Za-z0-9_.-]*, not QID, LID or RID';
        out.add(path, 'UNEXPECTED_ATTRIBUTE', message, expected);
        continue;
      }
      apply(out, path, name, value, check ?? checkMaxLength(ctx.maxTextLength));
    }
  }
}

/** The (QID, LID) keys of the valid rows before `end`, for the slow path of the uniqueness check. */
function pairsBefore(rows: readonly QrTableRow[], end: number): Set<string> {
  const set = new Set<string>();
  for (let i = 0; i < end; i++) {
    const r = rows[i];
    if (r && isPositiveInteger(r.qid) && isPositiveInteger(r.lid)) set.add(`${r.qid}:${r.lid}`);
  }
  return set;
}

/**
 * Checks one record's fields (not its RID, which depends on the records before it).
 * @param recordPath - the record's XPath-like path, e.g. `…/Patient-Level-Record[3]`.
 */
export function validateRecordFields(
  record: QrRecord,
  recordPath: string,
  ctx: ValidationContext,
): DecodeIssue[] {
  // Unbounded: the encoder's refusal and the decoder's maxIssues see every issue of the record.
  const out = new IssueCollector(ctx.includeValues, Number.MAX_SAFE_INTEGER);
  if (record.kind === 'aggregate') {
    apply(out, `${recordPath}/@AID`, 'AID', record.aid, CHECK_UUID);
    apply(out, `${recordPath}/@Description`, 'Description', record.description, CHECK_DESCRIPTION, false);
    apply(
      out,
      recordPath,
      'the aggregate value',
      record.value,
      (v) => checkMultiValue(v) ?? checkMaxLength(ctx.maxTextLength)(v),
    );
  } else if (record.kind === 'patient-level') {
    validateRows(out, ctx, recordPath, 'Patient-Table', record.patientTables);
    validateRows(out, ctx, recordPath, 'Journals-Table', record.journalsTables);
  } else {
    out.add(recordPath, 'INVALID_VALUE', 'record kind must be "aggregate" or "patient-level"');
  }
  return out.issues;
}
