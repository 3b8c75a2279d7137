// P21: results do not depend on the order of journal entries or registrations within a record (property test).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  compileSpec,
  type JournalEntry,
  type PatientRecord,
  type Registration,
  SNOMED_CT_OID,
} from '@gpes/extract-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DM, DMRES, dm017, quietRun } from './support.js';

const day = fc
  .integer({ min: 0, max: 365 * 30 })
  .map((n) => new Date(Date.UTC(1995, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
// Few distinct days, so that same-day ties (P11) and duplicate array dates (P10) are common.
const tieDay = fc.constantFrom(
  '2019-01-01',
  '2021-03-31',
  '2021-06-01',
  '2021-06-02',
  '2022-03-31',
  '2022-04-01',
);
const time = fc.integer({ min: 0, max: 1 }).map((h) => `T0${h}:00:00`);

const entryArb = (codes: readonly string[]) =>
  fc.record({
    code: fc.constantFrom(...codes),
    effectiveDate: fc.option(fc.oneof(day, tieDay, tieDay, tieDay), { nil: undefined, freq: 8 }),
    recordedDay: tieDay,
    time,
    value1: fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
    value2: fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
    kind: fc.constantFrom('condition' as const, 'prescription' as const),
    local: fc.integer({ min: 0, max: 20 }), // 0: a non-SNOMED entry
  });

const recordArb = (codes: readonly string[]) =>
  fc
    .record({
      entries: fc.array(entryArb(codes), { maxLength: 30, size: 'max' }),
      regs: fc.array(
        fc.record({
          start: day,
          end: fc.option(day, { nil: undefined }),
          type: fc.constantFrom('GMS' as const, 'GMS' as const, 'TEMPORARY' as const),
        }),
        { maxLength: 4 },
      ),
      dob: fc.option(day, { nil: undefined, freq: 10 }),
    })
    .map(
      ({ entries, regs, dob }): PatientRecord => ({
        patient: {
          patientId: 'X',
          practiceId: 'A99999',
          ...(dob ? { dateOfBirth: dob.replace(/^\d{4}/, (y) => String(Number(y) - 20)) } : {}),
          sex: '2',
        },
        registrations: regs.map(
          (r): Registration => ({ type: r.type, startDate: r.start, ...(r.end ? { endDate: r.end } : {}) }),
        ),
        journal: entries.map(
          (e, i): JournalEntry => ({
            entryId: String(i + 1),
            codeSystem: e.local === 0 ? 'LOCAL' : SNOMED_CT_OID,
            code: e.code,
            ...(e.effectiveDate ? { effectiveDate: e.effectiveDate } : {}),
            recordedAt: `${e.effectiveDate ?? e.recordedDay}${e.time}`,
            kind: e.kind,
            ...(e.value1 !== undefined ? { value1: e.value1 } : {}),
            ...(e.value2 !== undefined ? { value2: e.value2 } : {}),
          }),
        ),
      }),
    );

const shuffled = (
  rec: PatientRecord,
  perm: readonly number[],
  regPerm: readonly number[],
): PatientRecord => ({
  ...rec,
  journal: perm.map((i) => rec.journal[i] as JournalEntry),
  registrations: regPerm.map((i) => rec.registrations[i] as Registration),
});

const permutation = (n: number) =>
  fc.array(fc.nat(), { minLength: n, maxLength: n }).map((keys) =>
    keys
      .map((k, i) => [k, i] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .map(([, i]) => i),
  );

const withPerms = (codes: readonly string[]) =>
  recordArb(codes).chain((rec) =>
    fc.tuple(fc.constant(rec), permutation(rec.journal.length), permutation(rec.registrations.length)),
  );

describe('P21 order independence', () => {
  it('DM017 results are identical for any order of entries and registrations', async () => {
    const bound = await dm017();
    fc.assert(
      fc.property(withPerms([DM, DMRES, '22298006']), ([rec, perm, regPerm]) => {
        const a = bound.evaluate(rec);
        const b = bound.evaluate(shuffled(rec, perm, regPerm));
        expect(b.fields).toEqual(a.fields);
        expect(b.populations).toEqual(a.populations);
        expect(b.diagnostics.map((d) => d.code).sort()).toEqual(a.diagnostics.map((d) => d.code).sort());
      }),
      { numRuns: 300, seed: 21 },
    );
  });

  it('value ties, arrays and patient-level rows are identical for any order of entries', async () => {
    const xml = await readFile(fileURLToPath(new URL('../fixtures/full/full.xml', import.meta.url)), 'utf8');
    const bound = await compileSpec(xml).bind(
      quietRun({
        substitutionValues: [{ aid: '11111111-2222-3333-4444-555555555555', value: '2022-03-31' }],
      }),
    );
    fc.assert(
      fc.property(withPerms(['1001', '1002', '2001', '900001']), ([rec, perm, regPerm]) => {
        const a = bound.evaluate(rec);
        const b = bound.evaluate(shuffled(rec, perm, regPerm));
        expect(b.fields).toEqual(a.fields);
        expect(b.populations).toEqual(a.populations);
        expect(b.indicators).toEqual(a.indicators);
        expect(b.counts).toEqual(a.counts);
        expect(b.patientLevel).toEqual(a.patientLevel);
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
