// A seeded population of synthetic records crowded onto boundaries: month ends, 29 February, same-day entries,
// deaths, deregistrations on and around the achievement date, dissent and withdrawal codes, sealed and CTV3 entries.
import { type JournalEntry, type PatientRecord, type Registration, SNOMED_CT_OID } from '@gpes/extract-core';
import { formatDate, parseIsoDate } from '../../src/dates/calendar.js';
import { hashSeed, Prng } from '../../src/testing/prng.js';

const CTV3 = '2.16.840.1.113883.2.1.3.2.4.14';

/** Codes the boundary specs use: A_COD 1001/1002, BP_COD 2001, DM codes, dissent, withdrawal, an unrelated code. */
export const BOUNDARY_CODES = [
  '1001',
  '1002',
  '2001',
  '111552007',
  '315051004',
  '827241000000103',
  '900001',
  '3001',
];

/** Dates around `ref` that tend to break date arithmetic. */
function boundaryDays(ref: number): number[] {
  const fixed = [
    '2020-02-29',
    '2021-02-28',
    '2021-03-01',
    '2022-02-28',
    '2022-03-01',
    '2021-03-31',
    '2021-04-01',
    '2022-01-31',
    '2021-12-31',
    '2019-08-31',
    '2013-04-01',
    '2013-03-31',
    '2016-02-29',
    '2024-02-29',
    '2023-02-28',
    '2024-03-31',
    '2023-03-31',
  ].map((d) => parseIsoDate(d) as number);
  const around = [-731, -730, -366, -365, -364, -1, 0, 1, 2, -30, -31, -183, -92];
  return [...fixed, ...around.map((n) => ref + n)];
}

/**
 * `size` patients at `practiceId`. Patient `i` depends only on the seed and `i`.
 * @param ref the achievement date the specs are bound to.
 */
export function boundaryPopulation(
  seed: string,
  size: number,
  ref: string,
  practiceId: string,
): PatientRecord[] {
  const refDay = parseIsoDate(ref) as number;
  const days = boundaryDays(refDay);
  const out: PatientRecord[] = [];
  for (let i = 0; i < size; i++) {
    const r = new Prng(hashSeed(`${seed}:${i}`));
    const day = () => (r.chance(0.7) ? r.pick(days) : refDay - r.int(8000) + 400);
    const dob = r.chance(0.2)
      ? r.pick(['2004-02-29', '2005-03-31', '2005-04-01', '2005-03-30', '1960-02-29', '2022-04-01'])
      : formatDate(refDay - r.int(36000));
    const regs: Registration[] = [];
    const nRegs = r.chance(0.1) ? 0 : r.chance(0.8) ? 1 : 2;
    for (let k = 0; k < nRegs; k++) {
      const start = day() - r.int(3) * 400;
      const end = r.chance(0.3) ? start + r.int(9000) : undefined;
      const type = r.chance(0.9) ? 'GMS' : r.pick(['TEMPORARY', 'PRIVATE', 'OTHER'] as const);
      regs.push(
        end === undefined
          ? { type, startDate: formatDate(start) }
          : { type, startDate: formatDate(start), endDate: formatDate(end) },
      );
    }
    const journal: JournalEntry[] = [];
    const nEntries = r.int(14);
    // Entry ids are unique in a record and, per record, all digits or none (see docs: entry id order).
    const digits = r.chance(0.85);
    const idOf = (k: number, twin: boolean) =>
      digits ? String((twin ? 100000 : 0) + k * 41 + r.int(41)) : `${twin ? 'f' : 'e'}${k}`;
    for (let k = 0; k < nEntries; k++) {
      const code = r.pick(BOUNDARY_CODES);
      const dated = r.chance(0.93);
      const eff = dated ? day() : undefined;
      // Same-day entries share recorded times often, so ties fall to the entry id (P11).
      const recDay = eff ?? day();
      const recorded = `${formatDate(recDay + (r.chance(0.2) ? 1 : 0))}T${r.pick(['09:00:00', '09:00:00', '10:30:15', '23:59:59'])}`;
      const kind = r.chance(0.8) ? 'condition' : 'prescription';
      const e: JournalEntry = {
        entryId: idOf(k, false),
        codeSystem: r.chance(0.05) ? CTV3 : SNOMED_CT_OID,
        code,
        ...(eff !== undefined ? { effectiveDate: formatDate(eff) } : {}),
        // recordedAt is optional: without it an entry loses same-day ties (P11) and an undated one fails closed (P19).
        ...(r.chance(0.92) ? { recordedAt: recorded } : {}),
        kind,
        ...(r.chance(0.7)
          ? { value1: r.pick([40, 48, 58, 58.5, 59, 120, 149.99999, 150, 0, -3.25, 1e-5]) }
          : {}),
        ...(r.chance(0.5) ? { value2: r.pick([70, 80, 90, 90.00005, 12345678901]) } : {}),
        ...(r.chance(0.1) ? { episode: r.pick(['FIRST', 'NEW', 'REVIEW']) } : {}),
        ...(r.chance(0.1) ? { links: ['L1', 'L2'] } : {}),
        ...(r.chance(0.05) ? { sealed: true } : {}),
      };
      journal.push(e);
      // A same-day twin with another value.
      if (eff !== undefined && r.chance(0.25)) {
        const twin = { ...e, entryId: idOf(k, true), value1: r.pick([41, 57, 151]), recordedAt: recorded };
        if (r.chance(0.15)) delete (twin as { recordedAt?: string }).recordedAt;
        journal.push(twin);
      }
    }
    out.push({
      patient: {
        patientId: `B-${String(i).padStart(6, '0')}`,
        practiceId,
        nhsNumber: `999${String(1000000 + i).slice(-7)}`,
        dateOfBirth: dob,
        sex: r.pick(['0', '1', '2', '9'] as const),
        ...(r.chance(0.08) ? { dateOfDeath: formatDate(day()) } : {}),
        ...(r.chance(0.7) ? { postcode: 'ZZ99 3VZ' } : {}),
        ...(r.chance(0.05) ? { pdsSensitive: true } : {}),
        ...(r.chance(0.04) ? { recordSealed: true } : {}),
      },
      registrations: regs,
      journal,
    });
  }
  return out;
}
