/**
 * A supplier keeps records in its own, differently shaped tables and maps them onto the input model with views
 * (docs/extract-core/sql.md). The SQL runner over those views agrees with the evaluator over the same records.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  compileSpec,
  openPglite,
  type PatientRecord,
  SNOMED_CT_OID,
  type SqlConnection,
} from '@gpes/extract-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { quietRun } from '../support.js';
import { boundaryPopulation } from './boundary.js';
import { compare } from './support.js';

const PRACTICE = 'Z99990';

/** The supplier's own schema: people, episodes of care and observations, with its own codes and types. */
const SUPPLIER_DDL = `
CREATE SCHEMA supplier;
CREATE TABLE supplier.people (
  person_ref text PRIMARY KEY, practice_code text NOT NULL, nhs_no text, born date, gender char(1), died date,
  post_code text, s_flag boolean, whole_record_confidential boolean
);
CREATE TABLE supplier.episodes_of_care (
  person_ref text NOT NULL REFERENCES supplier.people, reg_kind char(1) NOT NULL, from_date date NOT NULL, to_date date
);
CREATE TABLE supplier.observations (
  obs_id bigint NOT NULL, person_ref text NOT NULL REFERENCES supplier.people, snomed_concept bigint, ctv3_code text,
  obs_date date, entered timestamp, numeric_value numeric, second_value numeric, is_medication boolean NOT NULL,
  episodicity text, confidential boolean NOT NULL
);
`;

/** The mapping, exactly as docs/extract-core/sql.md shows it. */
const MAPPING = `
CREATE SCHEMA gpes_map;
CREATE VIEW gpes_map.patient AS
  SELECT p.practice_code AS practice_id, p.person_ref AS patient_id, p.nhs_no AS nhs_number, p.born AS date_of_birth,
    CASE p.gender WHEN 'M' THEN '1' WHEN 'F' THEN '2' WHEN 'I' THEN '9' ELSE '0' END AS sex,
    p.died AS date_of_death, p.post_code AS postcode, coalesce(p.s_flag, false) AS pds_sensitive,
    coalesce(p.whole_record_confidential, false) AS record_sealed
  FROM supplier.people p;
CREATE VIEW gpes_map.registration AS
  SELECT p.practice_code AS practice_id, e.person_ref AS patient_id,
    CASE e.reg_kind WHEN 'R' THEN 'GMS' WHEN 'T' THEN 'TEMPORARY' WHEN 'P' THEN 'PRIVATE' ELSE 'OTHER' END AS registration_type,
    e.from_date AS start_date, e.to_date AS end_date
  FROM supplier.episodes_of_care e JOIN supplier.people p USING (person_ref);
CREATE VIEW gpes_map.journal AS
  SELECT p.practice_code AS practice_id, o.person_ref AS patient_id, o.obs_id::text AS entry_id,
    CASE WHEN o.snomed_concept IS NOT NULL THEN '${SNOMED_CT_OID}' ELSE '2.16.840.1.113883.2.1.3.2.4.14' END AS code_system,
    coalesce(o.snomed_concept::text, o.ctv3_code) AS code, o.obs_date AS effective_date, o.entered AS recorded_at,
    CASE WHEN o.is_medication THEN 'prescription' ELSE 'condition' END AS kind,
    o.numeric_value::float8 AS value1, o.second_value::float8 AS value2, o.episodicity AS episode,
    NULL::text[] AS links, o.confidential AS sealed
  FROM supplier.observations o JOIN supplier.people p USING (person_ref);
`;

const GENDER: Record<string, string> = { '1': 'M', '2': 'F', '9': 'I', '0': 'U' };
const REG_KIND: Record<string, string> = { GMS: 'R', TEMPORARY: 'T', PRIVATE: 'P', OTHER: 'O' };

async function loadSupplier(db: SqlConnection, records: readonly PatientRecord[]): Promise<void> {
  const people: unknown[][] = Array.from({ length: 9 }, () => []);
  const eps: unknown[][] = Array.from({ length: 4 }, () => []);
  const obs: unknown[][] = Array.from({ length: 11 }, () => []);
  const push = (cols: unknown[][], ...v: unknown[]) => {
    v.forEach((x, i) => {
      (cols[i] as unknown[]).push(x ?? null);
    });
  };
  for (const r of records) {
    const p = r.patient;
    push(
      people,
      p.patientId,
      p.practiceId,
      p.nhsNumber,
      p.dateOfBirth,
      GENDER[p.sex ?? '0'],
      p.dateOfDeath,
      p.postcode,
      p.pdsSensitive ?? null,
      p.recordSealed ?? null,
    );
    for (const g of r.registrations) push(eps, p.patientId, REG_KIND[g.type], g.startDate, g.endDate);
    for (const e of r.journal) {
      const snomed = e.codeSystem === SNOMED_CT_OID;
      push(
        obs,
        e.entryId,
        p.patientId,
        snomed ? e.code : null,
        snomed ? null : e.code,
        e.effectiveDate,
        e.recordedAt,
        e.value1 === undefined ? null : String(e.value1),
        e.value2 === undefined ? null : String(e.value2),
        e.kind === 'prescription',
        e.episode,
        e.sealed === true,
      );
    }
  }
  await db.query(
    'INSERT INTO supplier.people SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::text[], $6::date[], $7::text[], $8::boolean[], $9::boolean[])',
    people,
  );
  await db.query(
    'INSERT INTO supplier.episodes_of_care SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::date[])',
    eps,
  );
  await db.query(
    'INSERT INTO supplier.observations SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::date[], $6::timestamp[], $7::numeric[], $8::numeric[], $9::boolean[], $10::text[], $11::boolean[])',
    obs,
  );
}

let db: SqlConnection;
beforeAll(async () => {
  db = await openPglite();
  await db.exec(SUPPLIER_DDL);
  await db.exec(MAPPING);
});
afterAll(async () => {
  await db?.close();
});

it('runs over views of a differently shaped schema with the same results as the evaluator', {
  timeout: 120_000,
}, async () => {
  const xml = await readFile(fileURLToPath(new URL('../../fixtures/full/full.xml', import.meta.url)), 'utf8');
  const bound = await compileSpec(xml).bind(
    quietRun({
      parameters: { ACHV_DAT: '2022-03-31' },
      substitutionValues: [{ aid: '11111111-2222-3333-4444-555555555555', value: '2022-03-31' }],
    }),
  );
  // The supplier's observation ids are numbers: keep only records whose entry ids are all digits.
  const records = boundaryPopulation('views', 1500, '2022-03-31', PRACTICE).filter((r) =>
    r.journal.every((e) => /^\d+$/.test(e.entryId)),
  );
  await loadSupplier(db, records);
  const c = await compare(db, 'gpes_map', bound, records, PRACTICE, { load: false });
  expect(c.patients).toBe(records.length);
  expect(records.length).toBeGreaterThan(1000);
  expect(c.differences).toEqual([]);
});
