import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatSummary, main } from './main.js';
import { runDemo } from './run-demo.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('demo', () => {
  it('runs the flow to completion and reports every Query Results received, valid and acknowledged', async () => {
    const result = await runDemo({ practices: 2, patientsPerPractice: 400 });
    expect(result.problems).toEqual([]);
    expect(result.alerts).toEqual([]);
    expect(result.succeeded).toBe(true);
    expect(result.expectedPractices).toEqual(['A81001', 'A81002']);

    // The exchange happened in protocol order.
    const order = result.steps.filter((s) => s.what !== 'evaluate').map((s) => `${s.from}:${s.what}`);
    const at = (step: string) => order.indexOf(step);
    expect(order[0]).toBe('GPES:QE_NT');
    expect(at('GP:NOTIFICATION_RESPONSE')).toBeLessThan(at('GPES:RTP'));
    expect(at('GPES:RTP')).toBeLessThan(at('GP:RTPR'));
    expect(at('GP:RTPR')).toBeLessThan(at('GP:QR'));
    expect(at('GP:QR')).toBeLessThan(at('GPES:QRA'));
    expect(order.at(-1)).toBe('GP:REPORT');
    expect(order.filter((s) => s === 'GP:QR')).toHaveLength(2);

    // The practice outside the GP system is refused; the register sizes are what GPES received.
    const foreign = result.practices.find((p) => p.practiceId === 'Y99999');
    expect(foreign?.responseCode).toBe('00001');
    for (const id of ['A81001', 'A81002']) {
      const received = result.practices.find((p) => p.practiceId === id)?.queryResults[0]?.aggregates[0]
        ?.value;
      expect(received).toBe(String(result.registerSizes[id]));
      expect(Number(received)).toBeGreaterThan(0);
    }
    expect(result.bytesToGp).toBeGreaterThan(0);
    expect(result.bytesToGpes).toBeGreaterThan(0);

    const summary = formatSummary(result);
    expect(summary).toContain('OK: 2 Query Results message(s) received, valid and acknowledged.');
    expect(summary).toContain('GPDC_QUERY_RESULTS_ACK');
  });

  it('main() prints the summary and returns whether the demo succeeded', async () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => {
      printed.push(line);
    });
    expect(await main({ DEMO_PRACTICES: '2', DEMO_PATIENTS: '200' })).toBe(true);
    expect(printed.join('\n')).toMatch(/Per practice:[\s\S]*A81001\s+00000/);
  });

  it('carries patient-level records when the patient-level extract is chosen', async () => {
    const result = await runDemo({ practices: 1, patientsPerPractice: 400, patientLevel: true });
    expect(result.succeeded).toBe(true);
    const practice = result.practices.find((p) => p.practiceId === 'A81001');
    const qr = practice?.queryResults[0];
    // One Patient-Level-Record per register patient (less any Type 1 opt-outs, which are in no output).
    expect(qr?.patientRecords).toBeGreaterThan(0);
    expect(qr?.patientRecords).toBeLessThanOrEqual(Number(qr?.aggregates[0]?.value));
    expect(result.steps.some((s) => s.what === 'evaluate' && s.summary.includes('patient-level'))).toBe(true);
  });

  it('evaluates inside embedded PostgreSQL (DEMO_SQL=1) with the same Query Results as in JavaScript', async () => {
    const inJs = await runDemo({ practices: 1, patientsPerPractice: 300, patientLevel: true });
    const inSql = await runDemo({
      practices: 1,
      patientsPerPractice: 300,
      patientLevel: true,
      database: 'pglite',
    });
    expect(inSql.succeeded).toBe(true);
    expect(inSql.evaluatedIn).toBe('PGlite');
    expect(inJs.evaluatedIn).toBe('JavaScript');
    const received = (r: typeof inJs) =>
      r.practices.map((p) => ({
        practice: p.practiceId,
        aggregates: p.queryResults[0]?.aggregates,
        patientRecords: p.queryResults[0]?.patientRecords,
      }));
    expect(received(inSql)).toEqual(received(inJs));
    expect(Number(inSql.registerSizes.A81001)).toBeGreaterThan(0);
  });

  it('refuses a DEMO_DATABASE_URL that is not a PostgreSQL URL, without echoing it', async () => {
    const error = await main({ DEMO_DATABASE_URL: 'mysql://user:secret@host/db' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect(String(error)).not.toContain('secret');
  });
});
