/**
 * The relational input model: the record model of `record.ts` as three tables, keyed by practice so that a
 * distributed engine can place each practice's rows on one node.
 */

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Options of {@link inputModelDdl}. */
export interface InputModelDdlOptions {
  /**
   * Include the indexes the generated SQL uses. A bulk load creates the tables without them, loads, then runs
   * the DDL again with them (it is idempotent), which builds each index once instead of row by row.
   * @default true
   */
  readonly indexes?: boolean;
}

/**
 * DDL of the input model in `schema` (default `gpes`): `patient`, `registration`, `journal`, with the indexes the
 * generated SQL uses. Idempotent (`IF NOT EXISTS`). A supplier who keeps records in its own tables creates views
 * with these names and columns instead (see docs/extract-core/sql.md).
 * @param schema letters, digits and `_` only.
 */
export function inputModelDdl(schema = 'gpes', options: InputModelDdlOptions = {}): string {
  if (!IDENT.test(schema)) throw new TypeError('schema must be letters, digits and _ (at most 63)');
  const index = (sql: string) => (options.indexes === false ? '' : `${sql}\n`);
  return `CREATE SCHEMA IF NOT EXISTS ${schema};

-- One row per patient record at a practice (record.ts Patient).
CREATE TABLE IF NOT EXISTS ${schema}.patient (
  practice_id    text    NOT NULL,          -- ODS code of the practice
  patient_id     text    NOT NULL,          -- PAT_ID, unique within the practice (P3)
  nhs_number     text,
  date_of_birth  date,
  sex            text,                      -- GPES-I-Sex-Type: 0, 1, 2, 9
  date_of_death  date,
  postcode       text,
  pds_sensitive  boolean NOT NULL DEFAULT false,  -- PDS S-flag (P19c)
  record_sealed  boolean NOT NULL DEFAULT false,  -- whole record sealed (P19d)
  PRIMARY KEY (practice_id, patient_id)
);

-- Registrations at the practice (record.ts Registration); only GMS counts (P17).
CREATE TABLE IF NOT EXISTS ${schema}.registration (
  practice_id        text NOT NULL,
  patient_id         text NOT NULL,
  registration_type  text NOT NULL CHECK (registration_type IN ('GMS', 'TEMPORARY', 'PRIVATE', 'OTHER')),
  start_date         date NOT NULL,
  end_date           date                   -- null while open
);
${index(`CREATE INDEX IF NOT EXISTS registration_patient ON ${schema}.registration (practice_id, patient_id);`)}
-- Coded journal entries (record.ts JournalEntry).
CREATE TABLE IF NOT EXISTS ${schema}.journal (
  practice_id     text      NOT NULL,
  patient_id      text      NOT NULL,
  entry_id        text      NOT NULL,       -- unique within the patient's record (P11 ties)
  code_system     text      NOT NULL,       -- OID; 2.16.840.1.113883.2.1.3.2.4.15 for SNOMED CT
  code            text      NOT NULL,
  effective_date  date,                     -- the clinical date (P9); null when undated
  recorded_at     timestamp,                -- when the entry was made (P11, P19); null when unknown
  kind            text      CHECK (kind IN ('condition', 'prescription')),
  value1          double precision,
  value2          double precision,
  episode         text,
  links           text[],
  sealed          boolean   NOT NULL DEFAULT false  -- P19d
);
${index(`CREATE INDEX IF NOT EXISTS journal_patient ON ${schema}.journal (practice_id, patient_id);`)}-- The generated SQL finds a practice's entries by code (clusters, exclusion codes).
${index(`CREATE INDEX IF NOT EXISTS journal_code ON ${schema}.journal (practice_id, code);`)}`;
}
