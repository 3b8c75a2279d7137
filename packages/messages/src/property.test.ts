/** Property tests (conventions §10): decode(encode(x)) ≡ x for generated valid messages of every kind. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as arb from '../test/support/arbitraries.js';
import { codecs } from '../test/support/codecs.js';
import { validateAgainstXsd } from '../test/support/xsd.js';

const cases: Array<[string, fc.Arbitrary<unknown>]> = [
  ['run-time-parameters', arb.runTimeParameters],
  ['run-time-parameters-response', arb.runTimeParametersResponse],
  ['q-e-notification', arb.qeNotificationMessage],
  ['e-q-notification', arb.eqNotificationMessage],
  ['query-results-acknowledgement', arb.queryResultsAcknowledgement],
  ['rtp-cancellation', arb.rtpCancellation],
  ['report-csv', arb.reportRows],
];

describe('decode(encode(x)) ≡ x', () => {
  for (const [name, arbitrary] of cases) {
    const codec = codecs[name]!;
    it(name, () => {
      fc.assert(
        fc.property(arbitrary, (value) => {
          const encoded = codec.encode(value);
          expect(codec.decode(encoded)).toEqual({ ok: true, value });
          // Bytes in, too: the encoder's output is UTF-8.
          expect(codec.decode(new TextEncoder().encode(encoded))).toEqual({ ok: true, value });
        }),
        { numRuns: 60 },
      );
    });
  }
});

describe('generated encoder output validates against the published XSDs', () => {
  for (const [name, arbitrary] of cases) {
    const codec = codecs[name]!;
    if (codec.xsd === undefined) continue;
    const xsd = codec.xsd;
    it(name, () => {
      fc.assert(
        fc.property(arbitrary, (value) => {
          expect(validateAgainstXsd(codec.encode(value), xsd)).toEqual([]);
        }),
        { numRuns: 25 },
      );
    });
  }
});
