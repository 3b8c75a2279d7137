// Nothing user-supplied may crash: malformed specification objects and XML give issues, never exceptions.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compileSpec, explain, readSpecXml, SNOMED_CT_OID, safeCompileSpec } from '@gpes/extract-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { policyDoc } from './policy-spec.js';
import { quietRun } from './support.js';

/** Replaces the value at one path of a JSON-like value. */
function replaceAt(value: unknown, path: readonly number[], junk: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return junk;
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  if (entries.length === 0) return junk;
  const [head, ...rest] = path;
  const pick = (head as number) % entries.length;
  const [key, child] = entries[pick] as readonly [string | number, unknown];
  const copy = (Array.isArray(value) ? [...value] : { ...value }) as Record<string | number, unknown>;
  copy[key] = replaceAt(child, rest, junk);
  return copy;
}

describe('robustness', () => {
  const doc = policyDoc({
    fields: [
      {
        name: 'A_DAT',
        kind: 'date',
        source: { cluster: 'A_COD' },
        select: 'latest',
        where: '@date <= ACHV_DAT',
      },
      { name: 'A_VAL', kind: 'value', recordedOn: 'A_DAT', cluster: 'A_COD', slot: 'value1', tie: 'max' },
    ],
    outputs: [
      { type: 'count', name: 'C', kind: 'population', population: 'POP', aid: 'x', rules: [] },
      {
        type: 'indicator',
        id: 'I',
        kind: 'proportion',
        population: 'POP',
        denominator: { aid: 'd', rules: [] },
        numerator: { aid: 'n', rules: [{ if: 'A_VAL > 3', ifTrue: 'select', ifFalse: 'reject' }] },
      },
      {
        type: 'patientLevelExtract',
        name: 'PLE',
        population: 'POP',
        patientTable: { qid: 1, columns: ['NHS-NUMBER'] },
        journalsTables: [
          { qid: 2, columns: ['DATE', 'CODE'], include: [{ cluster: 'A_COD', where: '@date <= ACHV_DAT' }] },
        ],
      },
      { type: 'parameterValue', parameter: 'ACHV_DAT', aid: 'p' },
    ],
  });

  it('safeCompileSpec never throws on a corrupted document', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 12 }), { maxLength: 6 }),
        fc.oneof(fc.constant(null), fc.constant(undefined), fc.anything()),
        (path, junk) => {
          const r = safeCompileSpec(replaceAt(doc, path, junk) as never);
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      { numRuns: 3000, seed: 11 },
    );
  });

  it('reports rather than throws for null members, rules and includes', () => {
    const bad = {
      ...doc,
      clusters: doc.clusters.map((c) => ({ ...c, members: [null, ...c.members] })),
      populations: [{ ...doc.populations[0], rules: [null] }],
      outputs: [
        {
          type: 'patientLevelExtract',
          name: 'P',
          population: 'POP',
          journalsTables: [{ qid: 2, columns: ['DATE'], include: [null] }],
        },
      ],
    };
    const r = safeCompileSpec(bad as never);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.filter((i) => i.code === 'INVALID_STRUCTURE').length).toBeGreaterThan(3);
  });

  it('readSpecXml never throws on corrupted XML', async () => {
    const xml = await readFile(fileURLToPath(new URL('../fixtures/full/full.xml', import.meta.url)), 'utf8');
    fc.assert(
      fc.property(fc.nat(xml.length), fc.nat(40), fc.string({ maxLength: 8 }), (at, cut, insert) => {
        const corrupted = xml.slice(0, at) + insert + xml.slice(at + cut);
        const r = readSpecXml(corrupted);
        expect(typeof r.ok).toBe('boolean');
        if (r.ok) expect(typeof safeCompileSpec(corrupted).ok).toBe('boolean');
      }),
      { numRuns: 300, seed: 9 },
    );
  });

  it('evaluate and explain never throw on corrupted records (P22)', async () => {
    const xml = await readFile(fileURLToPath(new URL('../fixtures/full/full.xml', import.meta.url)), 'utf8');
    const bound = await compileSpec(xml).bind(
      quietRun({
        substitutionValues: [{ aid: '11111111-2222-3333-4444-555555555555', value: '2022-03-31' }],
      }),
    );
    const record = {
      patient: {
        patientId: 'R1',
        practiceId: 'A99999',
        dateOfBirth: '1970-01-01',
        sex: '2',
        nhsNumber: '9990000018',
      },
      registrations: [{ type: 'GMS', startDate: '2000-01-01', endDate: '2030-01-01' }],
      journal: [
        {
          entryId: '1',
          codeSystem: SNOMED_CT_OID,
          code: '1001',
          effectiveDate: '2021-01-01',
          recordedAt: '2021-01-01T10:00:00',
          kind: 'condition',
          value1: 40,
        },
        {
          entryId: '2',
          codeSystem: SNOMED_CT_OID,
          code: '2001',
          effectiveDate: '2021-02-01',
          recordedAt: '2021-02-01T10:00:00',
          kind: 'prescription',
          value1: 120,
          value2: 80,
          links: ['a'],
        },
      ],
    };
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 12 }), { maxLength: 5 }),
        fc.oneof(fc.constant(null), fc.constant(undefined), fc.anything()),
        (path, junk) => {
          const corrupted = replaceAt(record, path, junk) as never;
          const r = bound.evaluate(corrupted);
          expect(typeof r.patientId).toBe('string');
          expect(explain(bound, corrupted).result).toEqual(r);
        },
      ),
      { numRuns: 2000, seed: 3 },
    );
  });
});
