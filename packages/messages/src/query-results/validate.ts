// Validation shared by the decoder and the encoder, so both apply exactly the same data-type rules
// (gpes-i README §6). Issues name the path and what is expected, never the value unless asked.
import type { DecodeIssue, DecodeIssueCode } from '../core/issues.js';
import type { QrRecord, QrTableRow, QueryResultsHeader } from './model.js';
import { MANIFEST_PATH, QUERY_RESULTS_PATH, ROOT_PATH } from './names.js';
import {
  type Check,
  type CheckFailure,
  checkDateTime,
  checkGpesDate,
  checkGpSystemIdentifier,
  checkLinks,
  checkMaxLength,
  checkMultiValue,
  checkNhsNumber,
  checkNumeric,
  checkOid,
  checkPracticeId,
  checkSex,
  checkSqi,
  checkUuid,
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

export function makeIssue(
  path: string,
  code: DecodeIssueCode,
  message: string,
  ctx: { readonly includeValues: boolean },
  expected?: string,
  value?: string,
): DecodeIssue {
  if (ctx.includeValues && value !== undefined) {
    return expected === undefined
      ? { path, code, message: `${message}: ${JSON.stringify(value)}`, value }
      : { path, code, message: `${message}: ${JSON.stringify(value)}`, expected, value };
  }
  return expected === undefined ? { path, code, message } : { path, code, message, expected };
}

const MAX_255 = checkMaxLength(255);
const MAX_200 = checkMaxLength(200);
const MAX_100 = checkMaxLength(100);
const MAX_POSTCODE = checkMaxLength(8);

function apply(
  issues: DecodeIssue[],
  ctx: ValidationContext,
  path: string,
  label: string,
  value: unknown,
  check: Check | undefined,
  required = true,
): void {
  if (value === undefined) {
    if (required)
      issues.push(
        makeIssue(
          path,
          path.includes('/@') ? 'MISSING_ATTRIBUTE' : 'MISSING_ELEMENT',
          `${label} is required`,
          ctx,
        ),
      );
    return;
  }
  if (typeof value !== 'string') {
    issues.push(makeIssue(path, 'INVALID_VALUE', `${label} must be a string`, ctx));
    return;
  }
  if (!isXmlSafe(value)) {
    issues.push(
      makeIssue(
        path,
        'INVALID_VALUE',
        `${label} contains a character XML 1.0 cannot carry`,
        ctx,
        'XML 1.0 characters only',
        value,
      ),
    );
    return;
  }
  const failure = check?.(value);
  if (failure) issues.push(failed(path, label, failure, ctx, value));
}

function failed(
  path: string,
  label: string,
  f: CheckFailure,
  ctx: ValidationContext,
  value: string,
): DecodeIssue {
  return makeIssue(path, f.code, `${label} is not valid`, ctx, f.expected, value);
}

/**
 * Checks a header against the schema's data-type rules.
 * @returns the issues found; empty when the header is valid.
 */
export function validateHeader(header: QueryResultsHeader, ctx: ValidationContext): DecodeIssue[] {
  const issues: DecodeIssue[] = [];
  if (typeof header !== 'object' || header === null) {
    return [makeIssue(QUERY_RESULTS_PATH, 'MISSING_ELEMENT', 'the header must be an object', ctx)];
  }
  apply(issues, ctx, `${ROOT_PATH}/@GPES-I-Version`, 'GPES-I-Version', header.gpesIVersion, MAX_255);
  if (header.qrMessageVersion !== '0.2') {
    issues.push(
      makeIssue(
        `${ROOT_PATH}/@QR-Message-Version`,
        header.qrMessageVersion === undefined ? 'MISSING_ATTRIBUTE' : 'INVALID_FIXED',
        'QR-Message-Version must be "0.2"',
        ctx,
        '0.2',
        String(header.qrMessageVersion),
      ),
    );
  }
  apply(
    issues,
    ctx,
    `${ROOT_PATH}/@xsi:schemaLocation`,
    'xsi:schemaLocation',
    header.schemaLocation,
    checkMaxLength(ctx.maxTextLength),
    false,
  );
  const q = QUERY_RESULTS_PATH;
  apply(issues, ctx, `${q}/@QR-UUID`, 'QR-UUID', header.qrUuid, checkUuid);
  apply(
    issues,
    ctx,
    `${q}/@Scheduled-Query-Instance-ID`,
    'Scheduled-Query-Instance-ID',
    header.scheduledQueryInstanceId,
    checkSqi,
  );
  apply(issues, ctx, `${q}/@RTP-UUID`, 'RTP-UUID', header.rtpUuid, checkUuid);
  apply(issues, ctx, `${q}/@Practice-ID`, 'Practice-ID', header.practiceId, checkPracticeId);
  apply(
    issues,
    ctx,
    `${q}/@GPET-Q-SQI-Authentication-Signature`,
    'GPET-Q-SQI-Authentication-Signature',
    header.gpetQSqiAuthenticationSignature,
    checkUuid,
  );
  apply(
    issues,
    ctx,
    `${q}/@GPET-E-SQI-Authentication-Signature`,
    'GPET-E-SQI-Authentication-Signature',
    header.gpetESqiAuthenticationSignature,
    checkUuid,
    false,
  );
  apply(issues, ctx, `${q}/@Issue-Date-Time`, 'Issue-Date-Time', header.issueDateTime, checkDateTime);
  apply(issues, ctx, `${q}/@Query-Name`, 'Query-Name', header.queryName, MAX_255, false);
  apply(issues, ctx, `${q}/@Query-Description`, 'Query-Description', header.queryDescription, MAX_255, false);

  const m = header.manifest;
  if (typeof m !== 'object' || m === null) {
    issues.push(makeIssue(MANIFEST_PATH, 'MISSING_ELEMENT', 'Query-Results-Manifest is required', ctx));
    return issues;
  }
  apply(
    issues,
    ctx,
    `${MANIFEST_PATH}/GPET-E-Executable-Version`,
    'GPET-E-Executable-Version',
    m.gpetEExecutableVersion,
    MAX_200,
  );
  const p = `${MANIFEST_PATH}/Payload-Identifiers`;
  apply(
    issues,
    ctx,
    `${p}/GP-System-Identifier`,
    'GP-System-Identifier',
    m.gpSystemIdentifier,
    checkGpSystemIdentifier,
  );
  if (!Array.isArray(m.terminologyIdentifiers) || m.terminologyIdentifiers.length === 0) {
    issues.push(
      makeIssue(
        `${p}/Terminology-Identifiers`,
        'TOO_FEW',
        'at least one Terminology-Identifiers is required',
        ctx,
      ),
    );
  } else {
    m.terminologyIdentifiers.forEach((t, i) => {
      const tp = `${p}/Terminology-Identifiers[${i + 1}]`;
      if (typeof t !== 'object' || t === null) {
        issues.push(makeIssue(tp, 'MISSING_ELEMENT', 'Terminology-Identifiers must be an object', ctx));
        return;
      }
      apply(issues, ctx, `${tp}/CodeSchemeID`, 'CodeSchemeID', t.codeSchemeId, checkOid);
      apply(issues, ctx, `${tp}/Terminology-Name`, 'Terminology-Name', t.terminologyName, MAX_200);
      apply(issues, ctx, `${tp}/Terminology-Release`, 'Terminology-Release', t.terminologyRelease, MAX_200);
    });
  }
  for (const [key, element, prefix] of [
    ['rtpTranslationStatistics', 'RTP-Translation-Statistics', 'RTP-Translation'],
    ['queryExecutionStatistics', 'Query-Execution-Statistics', 'Query-Execution'],
  ] as const) {
    const s = m[key];
    const sp = `${MANIFEST_PATH}/${element}`;
    if (typeof s !== 'object' || s === null) {
      issues.push(makeIssue(sp, 'MISSING_ELEMENT', `${element} is required`, ctx));
      continue;
    }
    apply(
      issues,
      ctx,
      `${sp}/${prefix}-Start-Date-Time`,
      `${prefix}-Start-Date-Time`,
      s.startDateTime,
      checkDateTime,
    );
    apply(
      issues,
      ctx,
      `${sp}/${prefix}-End-Date-Time`,
      `${prefix}-End-Date-Time`,
      s.endDateTime,
      checkDateTime,
    );
  }
  return issues;
}

/** Column checks by QR attribute name; columns not listed only need XML-safe text within the length limit. */
function columnCheck(name: string, ctx: ValidationContext): Check | undefined {
  switch (name) {
    case 'NHS-NUMBER':
      return checkNhsNumber;
    case 'DATE-OF-BIRTH':
    case 'DATE':
    case 'RECORD-DATE':
      return ctx.allowDateSentinels ? DATE_WITH_SENTINELS : DATE_STRICT;
    case 'SEX':
      return checkSex;
    case 'POSTCODE':
      return MAX_POSTCODE;
    case 'PRACTICE':
      return (v) => (v === '' ? undefined : checkPracticeId(v));
    case 'CODE':
    case 'EPISODE-CONDITION':
    case 'EPISODE-PRESCRIPTION':
      return MAX_100;
    case 'VALUE1-CONDITION':
    case 'VALUE2-CONDITION':
    case 'VALUE1-PRESCRIPTION':
    case 'VALUE2-PRESCRIPTION':
      return checkNumeric;
    case 'LINKS':
      return checkLinks;
    default:
      return undefined;
  }
}

const DATE_STRICT: Check = (v) => checkGpesDate(v, false);
const DATE_WITH_SENTINELS: Check = (v) => checkGpesDate(v, true);

/** Attribute names the encoder may write as columns: an XML name without a prefix. */
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function isPositiveInteger(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1;
}

function validateRows(
  issues: DecodeIssue[],
  ctx: ValidationContext,
  recordPath: string,
  element: string,
  rows: unknown,
  seen: Set<string>,
): void {
  if (!Array.isArray(rows)) {
    issues.push(
      makeIssue(`${recordPath}/${element}`, 'INVALID_VALUE', `${element} rows must be an array`, ctx),
    );
    return;
  }
  rows.forEach((row: QrTableRow, i) => {
    const rp = `${recordPath}/${element}[${i + 1}]`;
    if (typeof row !== 'object' || row === null) {
      issues.push(makeIssue(rp, 'INVALID_VALUE', `${element} row must be an object`, ctx));
      return;
    }
    if (!isPositiveInteger(row.qid)) {
      issues.push(
        makeIssue(
          `${rp}/@QID`,
          row.qid === undefined ? 'MISSING_ATTRIBUTE' : 'INVALID_NUMBER',
          'QID must be a positive integer',
          ctx,
          'a positive integer',
        ),
      );
    }
    if (!isPositiveInteger(row.lid)) {
      issues.push(
        makeIssue(
          `${rp}/@LID`,
          row.lid === undefined ? 'MISSING_ATTRIBUTE' : 'INVALID_NUMBER',
          'LID must be a positive integer',
          ctx,
          'a positive integer',
        ),
      );
    } else if (isPositiveInteger(row.qid)) {
      const key = `${element}/${row.qid}/${row.lid}`;
      if (seen.has(key)) {
        issues.push(
          makeIssue(
            `${rp}/@LID`,
            'INCONSISTENT',
            `LID is repeated for this ${element} QID in the record`,
            ctx,
            'a LID unique per table and QID within the record',
          ),
        );
      }
      seen.add(key);
    }
    const columns = row.columns;
    if (typeof columns !== 'object' || columns === null) {
      issues.push(makeIssue(rp, 'INVALID_VALUE', 'columns must be an object of strings', ctx));
      return;
    }
    for (const name of Object.keys(columns)) {
      const cp = `${rp}/@${name}`;
      if (
        !COLUMN_NAME.test(name) ||
        name === 'QID' ||
        name === 'LID' ||
        name === 'RID' ||
        name === '__proto__'
      ) {
        issues.push(
          makeIssue(
            cp,
            'UNEXPECTED_ATTRIBUTE',
            'column name is not a usable attribute name',
            ctx,
            '[A-Za-z_][A-Za-z0-9_.-]*, not QID, LID or RID',
          ),
        );
        continue;
      }
      apply(
        issues,
        ctx,
        cp,
        name,
        columns[name],
        columnCheck(name, ctx) ?? checkMaxLength(ctx.maxTextLength),
      );
    }
  });
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
  const issues: DecodeIssue[] = [];
  if (record.kind === 'aggregate') {
    apply(issues, ctx, `${recordPath}/@AID`, 'AID', record.aid, checkUuid);
    apply(issues, ctx, `${recordPath}/@Description`, 'Description', record.description, MAX_255, false);
    apply(
      issues,
      ctx,
      recordPath,
      'the aggregate value',
      record.value,
      (v) => checkMultiValue(v) ?? checkMaxLength(ctx.maxTextLength)(v),
    );
  } else if (record.kind === 'patient-level') {
    const seen = new Set<string>();
    validateRows(issues, ctx, recordPath, 'Patient-Table', record.patientTables, seen);
    validateRows(issues, ctx, recordPath, 'Journals-Table', record.journalsTables, seen);
  } else {
    issues.push(
      makeIssue(recordPath, 'INVALID_VALUE', 'record kind must be "aggregate" or "patient-level"', ctx),
    );
  }
  return issues;
}
