import type { PatientResult } from '../evaluate/types.js';

const EMPTY: Readonly<Record<string, never>> = Object.freeze({});

/**
 * The result of a later occurrence of a patient id in one stream (P3), exactly as `evaluatePopulation` reports it
 * on the calling thread (the parallel tests compare the two).
 */
export function duplicatePatientResult(patientId: string): PatientResult {
  return {
    patientId,
    excluded: 'DUPLICATE_PATIENT',
    fields: EMPTY,
    populations: EMPTY,
    indicators: EMPTY,
    counts: EMPTY,
    diagnostics: [
      {
        code: 'DUPLICATE_PATIENT',
        message: 'a patient id seen earlier in this run: only the first occurrence counts',
      },
    ],
  };
}
