import type { BoundSpec } from '../compile/types.js';
import { formatDate, parseDatePart, parseIsoDate } from '../dates/calendar.js';
import { numOrNull } from '../evaluate/context.js';
import { explain, type PatientExplanation } from '../explain/explain.js';
import type { JournalEntry, Patient, PatientRecord, Registration } from '../record.js';
import type { SqlConnection, SqlRow } from './connection.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}$/;

function checkSchema(schema: string): string {
  if (!IDENT.test(schema)) throw new TypeError('schema must be letters, digits and _ (at most 63)');
  return schema;
}

/** Options of {@link loadPatientRecords}. */
export interface LoadPatientRecordsOptions {
  /** @default 'gpes' */
  readonly schema?: string;
  /** Patients per INSERT statement. @default 2000 */
  readonly batchSize?: number;
}

function isoOrNull(x: unknown): string | null {
  const d = parseIsoDate(x);
  return d === null ? null : formatDate(d);
}

function textOrNull(x: unknown): string | null {
  return typeof x === 'string' ? x : null;
}

class Columns {
  readonly cols: unknown[][];
  constructor(n: number) {
    this.cols = Array.from({ length: n }, () => []);
  }
  push(...values: unknown[]): void {
    values.forEach((v, i) => {
      (this.cols[i] as unknown[]).push(v);
    });
  }
  get size(): number {
    return (this.cols[0] as unknown[]).length;
  }
}

/**
 * Writes patient records into the input model tables (tests, demos, small loads; bulk loads should use COPY).
 * Values the record model treats as absent or invalid are stored as NULL or left out as the evaluator ignores
 * them: invalid dates become NULL, a registration with an invalid date is skipped (P17), a later record with a
 * patient id already loaded for the practice is skipped (P3).
 * @throws RangeError when an entry's `recordedAt` is present but not a `YYYY-MM-DDThh:mm:ss` local date-time (the
 *   column is a `timestamp`; an entry without one is stored with NULL).
 */
export async function loadPatientRecords(
  db: SqlConnection,
  records: Iterable<PatientRecord> | AsyncIterable<PatientRecord>,
  options: LoadPatientRecordsOptions = {},
): Promise<{ readonly patients: number; readonly entries: number }> {
  const s = checkSchema(options.schema ?? 'gpes');
  const batchSize = options.batchSize ?? 2000;
  const seen = new Set<string>();
  let pats = new Columns(9);
  let regs = new Columns(5);
  let jour = new Columns(13);
  let patients = 0;
  let entries = 0;
  const flush = async () => {
    if (pats.size > 0) {
      await db.query(
        `INSERT INTO ${s}.patient (practice_id, patient_id, nhs_number, date_of_birth, sex, date_of_death, postcode, pds_sensitive, record_sealed)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::text[], $6::date[], $7::text[], $8::boolean[], $9::boolean[])`,
        pats.cols,
      );
    }
    if (regs.size > 0) {
      await db.query(
        `INSERT INTO ${s}.registration (practice_id, patient_id, registration_type, start_date, end_date)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::date[])`,
        regs.cols,
      );
    }
    if (jour.size > 0) {
      await db.query(
        `INSERT INTO ${s}.journal (practice_id, patient_id, entry_id, code_system, code, effective_date, recorded_at, kind, value1, value2, episode, links, sealed)
         SELECT t.practice_id, t.patient_id, t.entry_id, t.code_system, t.code, t.effective_date, t.recorded_at, t.kind, t.value1, t.value2, t.episode,
           CASE WHEN t.links IS NULL THEN NULL ELSE string_to_array(t.links, chr(31)) END, t.sealed
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::timestamp[], $8::text[], $9::float8[], $10::float8[], $11::text[], $12::text[], $13::boolean[])
           AS t(practice_id, patient_id, entry_id, code_system, code, effective_date, recorded_at, kind, value1, value2, episode, links, sealed)`,
        jour.cols,
      );
    }
    pats = new Columns(9);
    regs = new Columns(5);
    jour = new Columns(13);
  };
  for await (const record of records) {
    const p = (record?.patient ?? {}) as Partial<Patient>;
    const practice = String(p.practiceId ?? '');
    const id = String(p.patientId ?? '');
    const key = `${practice}\u0000${id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    patients++;
    pats.push(
      practice,
      id,
      textOrNull(p.nhsNumber),
      isoOrNull(p.dateOfBirth),
      textOrNull(p.sex),
      isoOrNull(p.dateOfDeath),
      textOrNull(p.postcode),
      p.pdsSensitive === true,
      p.recordSealed === true,
    );
    for (const r of record.registrations ?? []) {
      if (typeof r !== 'object' || r === null) continue;
      const start = isoOrNull(r.startDate);
      const end = r.endDate === undefined ? null : isoOrNull(r.endDate);
      if (start === null || (r.endDate !== undefined && end === null)) continue;
      const type = ['GMS', 'TEMPORARY', 'PRIVATE'].includes(r.type) ? r.type : 'OTHER';
      regs.push(practice, id, type, start, end);
    }
    for (const e of record.journal ?? []) {
      if (typeof e !== 'object' || e === null) continue;
      const recorded = e.recordedAt ?? null;
      if (
        recorded !== null &&
        (typeof recorded !== 'string' || !LOCAL_DATE_TIME.test(recorded) || parseDatePart(recorded) === null)
      ) {
        throw new RangeError(
          'a journal entry has a recordedAt that is not a YYYY-MM-DDThh:mm:ss local date-time (leave it out when unknown)',
        );
      }
      entries++;
      const links = Array.isArray(e.links) ? e.links.filter((l) => typeof l === 'string') : null;
      jour.push(
        practice,
        id,
        typeof e.entryId === 'string' ? e.entryId : '',
        String(e.codeSystem),
        String(e.code),
        isoOrNull(e.effectiveDate),
        recorded,
        e.kind === 'condition' || e.kind === 'prescription' ? e.kind : null,
        numOrNull(e.value1),
        numOrNull(e.value2),
        textOrNull(e.episode),
        links === null ? null : links.join('\u001f'),
        e.sealed === true,
      );
    }
    if (pats.size >= batchSize) await flush();
  }
  await flush();
  return { patients, entries };
}

const opt = <K extends string>(k: K, v: unknown) => (v === null || v === undefined ? {} : { [k]: v });

/** The three selects of the input model, for one practice, optionally narrowed to one patient (`$2`). */
function selects(s: string, onePatient: boolean) {
  const where = `practice_id = $1::text${onePatient ? ' AND patient_id = $2::text' : ''}`;
  return {
    patients: `SELECT practice_id, patient_id, nhs_number, to_char(date_of_birth, 'YYYY-MM-DD') AS dob, sex,
       to_char(date_of_death, 'YYYY-MM-DD') AS dod, postcode, pds_sensitive, record_sealed
     FROM ${s}.patient WHERE ${where} ORDER BY patient_id COLLATE "C"`,
    registrations: `SELECT patient_id, registration_type, to_char(start_date, 'YYYY-MM-DD') AS s,
       to_char(end_date, 'YYYY-MM-DD') AS e
     FROM ${s}.registration WHERE ${where} ORDER BY patient_id COLLATE "C", start_date, end_date`,
    journal: `SELECT patient_id, entry_id, code_system, code, to_char(effective_date, 'YYYY-MM-DD') AS d,
       to_char(recorded_at, 'YYYY-MM-DD"T"HH24:MI:SS') AS r, kind, value1, value2, episode, links, sealed
     FROM ${s}.journal WHERE ${where} ORDER BY patient_id COLLATE "C", entry_id COLLATE "C"`,
  };
}

function patientFromRow(p: SqlRow): Patient {
  return {
    patientId: String(p.patient_id),
    practiceId: String(p.practice_id),
    ...opt('nhsNumber', p.nhs_number),
    ...opt('dateOfBirth', p.dob),
    ...opt('sex', p.sex),
    ...opt('dateOfDeath', p.dod),
    ...opt('postcode', p.postcode),
    ...(p.pds_sensitive === true ? { pdsSensitive: true } : {}),
    ...(p.record_sealed === true ? { recordSealed: true } : {}),
  } as Patient;
}

function registrationFromRow(r: SqlRow): Registration {
  return { type: r.registration_type, startDate: r.s, ...opt('endDate', r.e) } as Registration;
}

function entryFromRow(e: SqlRow): JournalEntry {
  return {
    entryId: String(e.entry_id),
    codeSystem: String(e.code_system),
    code: String(e.code),
    ...opt('effectiveDate', e.d),
    ...(e.r !== null ? { recordedAt: String(e.r) } : {}),
    ...opt('kind', e.kind),
    ...opt('value1', e.value1 === null ? null : Number(e.value1)),
    ...opt('value2', e.value2 === null ? null : Number(e.value2)),
    ...opt('episode', e.episode),
    ...opt('links', e.links),
    ...(e.sealed === true ? { sealed: true } : {}),
  } as JournalEntry;
}

/** Groups rows that arrive ordered by `patient_id` into one list per patient. */
function byPatient(rows: readonly SqlRow[]): Map<string, SqlRow[]> {
  const out = new Map<string, SqlRow[]>();
  for (const row of rows) {
    const id = String(row.patient_id);
    const list = out.get(id);
    if (list) list.push(row);
    else out.set(id, [row]);
  }
  return out;
}

/**
 * Reads one patient's record from the input model, shaped as the in-memory record model (for `explain`).
 * @returns the record, or undefined when the practice has no such patient.
 */
export async function readPatientRecord(
  db: SqlConnection,
  practiceId: string,
  patientId: string,
  options: { readonly schema?: string } = {},
): Promise<PatientRecord | undefined> {
  const sql = selects(checkSchema(options.schema ?? 'gpes'), true);
  const key = [practiceId, patientId];
  const [p] = await db.query(sql.patients, key);
  if (!p) return undefined;
  const registrations = (await db.query(sql.registrations, key)).map(registrationFromRow);
  const journal = (await db.query(sql.journal, key)).map(entryFromRow);
  return { patient: patientFromRow(p), registrations, journal };
}

/**
 * Reads every record of one practice from the input model, in patient id order: the way to run the JavaScript
 * evaluator over records kept in the database. Holds one practice's rows in memory at a time.
 */
export async function* readPracticeRecords(
  db: SqlConnection,
  practiceId: string,
  options: { readonly schema?: string } = {},
): AsyncIterable<PatientRecord> {
  const sql = selects(checkSchema(options.schema ?? 'gpes'), false);
  const key = [practiceId];
  const registrations = byPatient(await db.query(sql.registrations, key));
  const journal = byPatient(await db.query(sql.journal, key));
  for (const p of await db.query(sql.patients, key)) {
    const id = String(p.patient_id);
    yield {
      patient: patientFromRow(p),
      registrations: (registrations.get(id) ?? []).map(registrationFromRow),
      journal: (journal.get(id) ?? []).map(entryFromRow),
    };
  }
}

/**
 * Explains one patient from the database: reads the patient's rows and explains them exactly as `explain` does
 * for the in-memory record.
 * @returns the explanation, or undefined when the practice has no such patient.
 */
export async function explainFromDatabase(
  bound: BoundSpec,
  db: SqlConnection,
  practiceId: string,
  patientId: string,
  options: { readonly schema?: string } = {},
): Promise<PatientExplanation | undefined> {
  const record = await readPatientRecord(db, practiceId, patientId, options);
  return record === undefined ? undefined : explain(bound, record);
}
