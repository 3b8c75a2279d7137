import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ExtractConfigError, isExtractConfigError, isSpecError, SpecError } from './errors.js';

describe('errors', () => {
  it('summarises a SpecError by its first error and counts the rest', () => {
    const e = new SpecError([
      {
        code: 'UNUSED_FIELD',
        severity: 'warning',
        path: '/QuerySpecification/Fields/Date[@name="X"]',
        message: 'unused',
      },
      {
        code: 'CYCLE',
        severity: 'error',
        path: '/QuerySpecification/Fields/Date[@name="A"]',
        message: 'A depends on itself',
      },
      {
        code: 'UNKNOWN_NAME',
        severity: 'error',
        path: '/QuerySpecification/Fields/Date[@name="B"]',
        message: 'no C',
      },
    ]);
    expect(e.name).toBe('SpecError');
    expect(e.message).toBe(
      'Invalid query specification: CYCLE at /QuerySpecification/Fields/Date[@name="A"]: A depends on itself (and 1 more)',
    );
    expect(e.issues).toHaveLength(3);
  });

  it('recognises both errors by brand, as a second copy of the package would produce them', () => {
    const foreignSpec = Object.assign(new Error('x'), { isSpecError: true });
    const foreignConfig = Object.assign(new Error('x'), {
      isExtractConfigError: true,
      code: 'INVALID_RUN_CONTEXT',
    });
    expect(isSpecError(foreignSpec)).toBe(true);
    expect(isExtractConfigError(foreignConfig)).toBe(true);
    expect(isSpecError(foreignConfig)).toBe(false);
    expect(isExtractConfigError(new SpecError([]))).toBe(false);
    expect(isSpecError(null)).toBe(false);
    expect(isExtractConfigError('SUBSUMPTION_PROVIDER_REQUIRED')).toBe(false);
  });

  it('keeps the cause of an ExtractConfigError and prints only code and message', () => {
    const cause = new Error('terminology server at 10.0.0.1 refused');
    const e = new ExtractConfigError('SUBSUMPTION_PROVIDER_FAILED', 'the SubsumptionProvider failed', {
      cause,
    });
    expect(e.code).toBe('SUBSUMPTION_PROVIDER_FAILED');
    expect(e.cause).toBe(cause);
    expect(inspect(e)).toBe(
      'ExtractConfigError [SUBSUMPTION_PROVIDER_FAILED]: the SubsumptionProvider failed',
    );
  });
});
