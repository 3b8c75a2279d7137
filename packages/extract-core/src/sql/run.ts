import type { QrPatientLevelRecord, QrRecord } from '@gpes/messages';
import type { Program, ProgramRule } from '../compile/program.js';
import { formatDate } from '../dates/calendar.js';
import type { PatientState } from '../evaluate/fields.js';
import { EMPTY_TABLE_OUTCOME } from '../evaluate/rules.js';
import { aggregatesFromCounts } from '../evaluate/tally.js';
import type {
  AggregateResult,
  ExclusionReason,
  FieldValue,
  PatientLevelRow,
  PatientResult,
  RuleOutcome,
} from '../evaluate/types.js';
import { journalColumns, patientColumns } from '../output/patient-level.js';
import { toQrAggregateRecords } from '../output/qr.js';
import type { JournalEntry } from '../record.js';
import { layoutOf, type SqlProgram } from './compile.js';
import type { SqlConnection, SqlRow } from './connection.js';

/** Options of the SQL runners. */
export interface SqlRunOptions {
  /** Stops the run: the iterator rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /** Rows fetched per round trip from a server-side cursor. @default 1000 */
  readonly batchSize?: number;
}

const EMPTY_OBJ: Readonly<Record<string, never>> = Object.freeze({});
const EMPTY: readonly never[] = Object.freeze([]);

function bindPractice(program: SqlProgram['patients'], practiceId: string): unknown[] {
  if (typeof practiceId !== 'string') throw new TypeError('practiceId must be a string');
  const values = program.values.slice();
  values[0] = practiceId;
  return values;
}

function outcome(rules: readonly ProgramRule[], code: unknown): RuleOutcome | undefined {
  if (code === null || code === undefined) return undefined;
  const n = Number(code);
  if (n === 0) return EMPTY_TABLE_OUTCOME;
  const rule = n >> 1;
  const r = rules[rule - 1] as ProgramRule;
  const branch = (n & 1) === 1 ? 'ifFalse' : 'ifTrue';
  return { selected: r[branch] === 'select', rule, branch };
}

function fieldValue(type: string, v: unknown): FieldValue {
  if (v === null || v === undefined) return type === 'dateArray' || type === 'valueArray' ? [] : null;
  switch (type) {
    case 'date':
      return formatDate(Number(v));
    case 'dateArray':
      return (v as unknown[]).map((d) => formatDate(Number(d)));
    case 'valueArray':
      return (v as unknown[]).map((x) => (x === null ? null : Number(x)));
    case 'text':
      return String(v);
    default:
      return Number(v);
  }
}

/** Turns one row of `SqlProgram.patients` into a patient result (no diagnostics, no patient-level record). */
export function patientResultFromRow(program: SqlProgram, row: SqlRow): PatientResult {
  const p: Program = layoutOf(program).program;
  const patientId = String(row.patient_id);
  if (row.excluded !== null && row.excluded !== undefined) {
    return {
      patientId,
      excluded: row.excluded as ExclusionReason,
      fields: EMPTY_OBJ,
      populations: EMPTY_OBJ,
      indicators: EMPTY_OBJ,
      counts: EMPTY_OBJ,
      diagnostics: EMPTY,
    };
  }
  const index = new Map(p.fields.map((f, i) => [f.decl.name, i] as const));
  const fields: Record<string, FieldValue> = {};
  for (const name of p.declaredFieldOrder) {
    const i = index.get(name) as number;
    fields[name] = fieldValue(p.fields[i]?.type as string, row[`f${i + 1}`]);
  }
  const populations: Record<string, RuleOutcome> = {};
  p.populations.forEach((pop, i) => {
    const o = outcome(pop.rules, row[`p${i + 1}`]);
    if (o) populations[pop.name] = o;
  });
  const indicators: Record<string, { denominator?: RuleOutcome; numerator?: RuleOutcome }> = {};
  const counts: Record<string, RuleOutcome> = {};
  p.outputs.forEach((o, i) => {
    if (o.type === 'proportionIndicator') {
      const denominator = outcome(o.denominator.rules, row[`d${i + 1}`]);
      if (!denominator) return;
      const numerator = outcome(o.numerator.rules, row[`n${i + 1}`]);
      indicators[o.id] = numerator ? { denominator, numerator } : { denominator };
    } else if (o.type === 'count') {
      const c = outcome(o.rules, row[`c${i + 1}`]);
      if (c) counts[o.name] = c;
    }
  });
  return {
    patientId,
    fields,
    populations,
    indicators: Object.keys(indicators).length > 0 ? indicators : EMPTY_OBJ,
    counts: Object.keys(counts).length > 0 ? counts : EMPTY_OBJ,
    diagnostics: EMPTY,
  };
}

/**
 * Evaluates one practice in the database: one result per patient, ordered by patient id (code points). Results
 * carry no diagnostics and no patient-level record (see {@link sqlPatientLevelRecords}).
 * @param program from `compileSpecToSql`.
 * @param db a connection to a database holding the input model.
 * @param practiceId the practice's ODS code (`practice_id`).
 */
export async function* evaluateSql(
  program: SqlProgram,
  db: SqlConnection,
  practiceId: string,
  options: SqlRunOptions = {},
): AsyncIterable<PatientResult> {
  const values = bindPractice(program.patients, practiceId);
  options.signal?.throwIfAborted();
  for await (const row of db.rows(program.patients.text, values, batch(options))) {
    options.signal?.throwIfAborted();
    yield patientResultFromRow(program, row);
  }
}

function batch(options: SqlRunOptions): { batchSize?: number } {
  return options.batchSize === undefined ? {} : { batchSize: options.batchSize };
}

/** The practice's aggregate results (§5.2), counted in the database: one row comes back. */
export async function sqlAggregates(
  program: SqlProgram,
  db: SqlConnection,
  practiceId: string,
): Promise<AggregateResult[]> {
  const rows = await db.query(program.tally.text, bindPractice(program.tally, practiceId));
  const row = rows[0] ?? {};
  const counts = new Map<string, number>();
  layoutOf(program).tallyKeys.forEach((key, i) => {
    counts.set(key, Number(row[`a${i + 1}`] ?? 0));
  });
  return aggregatesFromCounts(program.bound, counts);
}

function entryFromRow(row: SqlRow): JournalEntry {
  const kind = row.kind === 'prescription' ? 'prescription' : 'condition';
  return {
    entryId: String(row.entry_id),
    codeSystem: '',
    code: String(row.code),
    ...(row.rd !== null ? { recordedAt: formatDate(Number(row.rd)) } : {}),
    kind: row.kind === null ? (undefined as unknown as 'condition') : kind,
    ...(row.value1 !== null ? { value1: Number(row.value1) } : {}),
    ...(row.value2 !== null ? { value2: Number(row.value2) } : {}),
    ...(row.episode !== null ? { episode: String(row.episode) } : {}),
    ...(Array.isArray(row.links) ? { links: row.links as string[] } : {}),
  };
}

/**
 * The practice's `Patient-Level-Record`s in message order, streamed from the database (a cursor on a server), one
 * patient at a time. Yields nothing when the spec has no patient-level extract.
 */
export async function* sqlPatientLevelRecords(
  program: SqlProgram,
  db: SqlConnection,
  practiceId: string,
  options: SqlRunOptions = {},
): AsyncIterable<{ readonly patientId: string; readonly record: QrPatientLevelRecord }> {
  const stmt = program.patientLevel;
  if (!stmt) return;
  const p = layoutOf(program).program;
  const extracts = layoutOf(program).extracts.map((x) => {
    const o = p.outputs[x.output] as Extract<Program['outputs'][number], { type: 'patientLevelExtract' }>;
    return o;
  });
  let current: string | undefined;
  let patientTables: PatientLevelRow<1>[] = [];
  let journalsTables: PatientLevelRow[] = [];
  const noDiag = () => {};
  options.signal?.throwIfAborted();
  for await (const row of db.rows(stmt.text, bindPractice(stmt, practiceId), batch(options))) {
    options.signal?.throwIfAborted();
    const id = String(row.patient_id);
    if (current !== undefined && id !== current) {
      yield { patientId: current, record: { kind: 'patient-level', patientTables, journalsTables } };
      patientTables = [];
      journalsTables = [];
    }
    current = id;
    const x = extracts[Number(row.ext) - 1] as (typeof extracts)[number];
    const tbl = Number(row.tbl);
    if (tbl === 0) {
      if (!x.patientTable) continue;
      const s = {
        patient: {
          nhsNumber: row.nhs_number ?? undefined,
          sex: row.sex ?? undefined,
          postcode: row.postcode ?? undefined,
          practiceId: row.practice_id ?? undefined,
        },
        dob: row.dob === null ? null : Number(row.dob),
      } as unknown as PatientState;
      patientTables.push({
        qid: x.patientTable.qid,
        lid: 1,
        columns: patientColumns(x.patientTable.columns, s),
      });
      continue;
    }
    const t = x.journalsTables[tbl - 1] as (typeof x.journalsTables)[number];
    journalsTables.push({
      qid: t.qid,
      lid: Number(row.lid),
      columns: journalColumns(t.columns, entryFromRow(row), Number(row.d), noDiag),
    });
  }
  if (current !== undefined) {
    yield { patientId: current, record: { kind: 'patient-level', patientTables, journalsTables } };
  }
}

/**
 * A practice's Query Results records computed in the database, in message order: every `Aggregate-Record` (one
 * tally statement), then the `Patient-Level-Record`s streamed from a cursor. The SQL counterpart of
 * `queryResultsRecords`.
 */
export async function* sqlQueryResultsRecords(
  program: SqlProgram,
  db: SqlConnection,
  practiceId: string,
  options: SqlRunOptions = {},
): AsyncIterable<QrRecord> {
  options.signal?.throwIfAborted();
  yield* toQrAggregateRecords(await sqlAggregates(program, db, practiceId));
  for await (const { record } of sqlPatientLevelRecords(program, db, practiceId, options)) yield record;
}
