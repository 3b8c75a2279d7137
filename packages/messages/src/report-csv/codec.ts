import { TextDecoder } from 'node:util';
import Papa from 'papaparse';
import {
  type CheckedValue,
  checkValue,
  type DataTypeFailure,
  type DataTypeName,
  isCalendarDate,
} from '../core/data-types.js';
import { type DecodeOptions, type DecodeResult, IssueCollector, MessageDecodeError } from '../core/issues.js';
import { DEFAULT_XML_LIMITS } from '../core/xml/limits.js';
import { REPORT_COLUMNS, REPORT_STATUSES } from '../registry.js';
import type { ReportRow } from './model.js';

/** Options of {@link decodeReportCsv}. */
export interface DecodeReportCsvOptions extends DecodeOptions {
  /**
   * Largest report accepted, in bytes.
   * @default 33_554_432 (32 MiB)
   */
  readonly maxDocumentBytes?: number;
}

type Column = (typeof REPORT_COLUMNS.value)[number];
type FieldType = DataTypeName | 'date' | 'count' | 'status';

/** Column → model property, type, required. Order is REPORT_COLUMNS. */
const FIELDS: Record<Column, { key: keyof ReportRow; type: FieldType; required: boolean }> = {
  REPORT_DATE: { key: 'reportDate', type: 'date', required: true },
  SUPPLIER: { key: 'supplier', type: 'Common-Identifier-Type', required: true },
  GP_SYSTEM_IDENTIFIER: { key: 'gpSystemIdentifier', type: 'GPSoC-System-Identifier-Type', required: true },
  PRACTICE_ID: { key: 'practiceId', type: 'Practice-ID-Type', required: true },
  SCHEDULED_QUERY_INSTANCE_ID: {
    key: 'scheduledQueryInstanceId',
    type: 'Scheduled-Query-Instance-ID-Type',
    required: true,
  },
  RTP_UUID: { key: 'rtpUuid', type: 'UUID-Type', required: true },
  STATUS: { key: 'status', type: 'status', required: true },
  STATUS_CODE: { key: 'statusCode', type: 'UC5-Digit-Hexidecimal-Type', required: false },
  QR_UUID: { key: 'qrUuid', type: 'UUID-Type', required: false },
  QR_ISSUE_DATE_TIME: { key: 'qrIssueDateTime', type: 'Date-Time-Type', required: false },
  AGGREGATE_RECORD_COUNT: { key: 'aggregateRecordCount', type: 'count', required: false },
  PATIENT_RECORD_COUNT: { key: 'patientRecordCount', type: 'count', required: false },
  EXECUTION_START: { key: 'executionStart', type: 'Date-Time-Type', required: false },
  EXECUTION_END: { key: 'executionEnd', type: 'Date-Time-Type', required: false },
  DETAIL: { key: 'detail', type: 'Event-Code-Supplementary-Data', required: false },
};

const COLUMNS = REPORT_COLUMNS.value;
const STATUS_SET = new Set<string>(REPORT_STATUSES.value);

/** The proposed columns' own checks; every other column is a schema data type. */
const OWN_CHECKS: Record<'date' | 'count' | 'status', (raw: string) => DataTypeFailure | undefined> = {
  date: (raw) => {
    const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(raw);
    return m && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))
      ? undefined
      : { code: 'INVALID_DATE', expected: 'YYYY-MM-DD' };
  },
  count: (raw) =>
    /^[0-9]{1,15}$/.test(raw) ? undefined : { code: 'INVALID_NUMBER', expected: 'a non-negative integer' },
  status: (raw) =>
    STATUS_SET.has(raw)
      ? undefined
      : { code: 'INVALID_ENUM', expected: `one of ${REPORT_STATUSES.value.join(', ')}` },
};

function checkField(type: FieldType, raw: string): CheckedValue {
  if (!(type in OWN_CHECKS)) return checkValue(type as DataTypeName, raw);
  const failure = OWN_CHECKS[type as keyof typeof OWN_CHECKS](raw);
  return failure === undefined ? { ok: true, value: raw } : { ok: false, failure };
}

const cellPath = (row: number, column: string) => `row ${row}, column "${column}"`;

/**
 * Checks one cell of `column` (empty is absent), naming it `label` in issues: its checked text, or `undefined` when
 * it is empty or after an issue.
 */
function checkCell(
  collector: IssueCollector,
  rowNo: number,
  column: Column,
  label: string,
  raw: string,
): string | undefined {
  const { type, required } = FIELDS[column];
  if (raw === '') {
    if (required) collector.add(cellPath(rowNo, column), 'MISSING_VALUE', `${label} is required`);
    return undefined;
  }
  const checked = checkField(type, raw);
  if (checked.ok) return checked.value;
  const { code, expected } = checked.failure;
  collector.add(cellPath(rowNo, column), code, `${label} is not valid`, expected, raw);
  return undefined;
}

/**
 * Decodes an extraction status report CSV (PROPOSED columns): RFC 4180, UTF-8 (BOM allowed), a header row equal to
 * `REPORT_COLUMNS`. Rows are numbered from the header (row 1). Never throws on bad input.
 * @returns the rows, or issues with paths like `row 3, column "PRACTICE_ID"`
 */
export function decodeReportCsv(
  input: string | Uint8Array,
  options?: DecodeReportCsvOptions,
): DecodeResult<ReportRow[]> {
  const collector = new IssueCollector(options?.includeValues === true, options?.maxIssues);
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    collector.add('row 1', 'CSV_MALFORMED', 'The input is neither a string nor a Uint8Array');
    return { ok: false, issues: collector.issues };
  }
  const maxBytes = options?.maxDocumentBytes ?? DEFAULT_XML_LIMITS.maxDocumentBytes;
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > maxBytes) {
    collector.add('row 1', 'LIMIT_DOCUMENT_SIZE', `The report is larger than the limit of ${maxBytes} bytes`);
    return { ok: false, issues: collector.issues };
  }
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      collector.add('row 1', 'ENCODING_INVALID', 'The report is not valid UTF-8');
      return { ok: false, issues: collector.issues };
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const parsed = Papa.parse<string[]>(text, { header: false, delimiter: ',', skipEmptyLines: false });
  for (const e of parsed.errors) {
    // papaparse messages name the problem, never the cell content.
    collector.add(`row ${(e.row ?? 0) + 1}`, 'CSV_MALFORMED', `The CSV is malformed: ${e.message}`);
  }
  if (collector.issues.length > 0) return { ok: false, issues: collector.issues };
  const data = parsed.data;
  // RFC 4180 allows a final line break; papaparse reports it as one empty row.
  const last = data[data.length - 1];
  if (data.length > 1 && last !== undefined && last.length === 1 && last[0] === '') data.pop();
  const header = data[0];
  if (header === undefined || header.length !== COLUMNS.length || header.some((h, i) => h !== COLUMNS[i])) {
    collector.add('row 1', 'CSV_HEADER', 'The header row is not the report header', COLUMNS.join(','));
    return { ok: false, issues: collector.issues };
  }
  const rows: ReportRow[] = [];
  for (let r = 1; r < data.length; r++) {
    const cells = data[r]!;
    const rowNo = r + 1;
    if (cells.length !== COLUMNS.length) {
      collector.add(
        `row ${rowNo}`,
        'CSV_COLUMN_COUNT',
        `Row has ${cells.length} fields instead of ${COLUMNS.length}`,
      );
      continue;
    }
    const row: Record<string, string | number> = {};
    COLUMNS.forEach((col, c) => {
      const { key, type } = FIELDS[col];
      const checked = checkCell(collector, rowNo, col, col, cells[c] ?? '');
      if (checked !== undefined) row[key] = type === 'count' ? Number(checked) : checked;
    });
    rows.push(row as unknown as ReportRow);
  }
  return collector.issues.length > 0 ? { ok: false, issues: collector.issues } : { ok: true, value: rows };
}

/**
 * Like {@link decodeReportCsv}, but throws.
 * @throws MessageDecodeError with every issue
 */
export function decodeReportCsvOrThrow(
  input: string | Uint8Array,
  options?: DecodeReportCsvOptions,
): ReportRow[] {
  const r = decodeReportCsv(input, options);
  if (!r.ok) throw new MessageDecodeError('Report CSV could not be decoded', r.issues);
  return r.value;
}

/**
 * Encodes report rows as CSV (PROPOSED columns): header row, CRLF line ends (RFC 4180) including a final one,
 * fields quoted only when needed. UUIDs are written upper case.
 * @throws MessageDecodeError when a row breaks the proposed column rules (paths `row N, column "X"`)
 */
export function encodeReportCsv(
  rows: readonly ReportRow[],
  options?: { readonly includeValues?: boolean },
): string {
  const collector = new IssueCollector(options?.includeValues === true);
  const data: string[][] = [];
  if (!Array.isArray(rows)) collector.add('row 1', 'INVALID_VALUE', 'The rows to encode are not an array');
  const list = Array.isArray(rows) ? rows : [];
  list.forEach((row, r) => {
    const rowNo = r + 2;
    const cells = COLUMNS.map((col) => {
      const f = FIELDS[col];
      const raw = (row as unknown as Record<string, unknown> | undefined)?.[f.key];
      const text =
        raw === undefined || raw === null
          ? ''
          : typeof raw === 'number' && Number.isSafeInteger(raw)
            ? String(raw)
            : typeof raw === 'string'
              ? raw
              : undefined;
      if (text === undefined) {
        collector.add(cellPath(rowNo, col), 'INVALID_VALUE', `${String(f.key)} has the wrong type`);
        return '';
      }
      return checkCell(collector, rowNo, col, String(f.key), text) ?? '';
    });
    data.push(cells);
  });
  collector.throwIfIssues('Report CSV could not be encoded');
  const body = Papa.unparse(
    { fields: [...COLUMNS], data },
    { newline: '\r\n', delimiter: ',', header: true },
  );
  // papaparse ends the header with a line break only when there are no rows; always end with exactly one.
  return body.endsWith('\r\n') ? body : `${body}\r\n`;
}
