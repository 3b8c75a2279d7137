/** A valid synthetic Query Results header (identifiers shaped like the v6.0 sample's), for tests and the benchmark. */
import type { QueryResultsHeader } from '../../src/index.js';

export const SYNTHETIC_QR_HEADER: QueryResultsHeader = {
  gpesIVersion: '6.0',
  qrMessageVersion: '0.2',
  qrUuid: '0F3C2B1A-1111-4222-8333-944455556666',
  scheduledQueryInstanceId: 'A00151-202003310000-R',
  rtpUuid: '1A2B3C4D-0000-4000-8000-000000000001',
  practiceId: 'T00001',
  gpetQSqiAuthenticationSignature: '2B3C4D5E-0000-4000-8000-000000000002',
  issueDateTime: '2020-03-25T10:04:45',
  manifest: {
    gpetEExecutableVersion: '1.0',
    gpSystemIdentifier: '001.001.483.000',
    terminologyIdentifiers: [
      {
        codeSchemeId: '2.16.840.1.113883.2.1.3.2.4.15',
        terminologyName: 'SNOMED-CT',
        terminologyRelease: '',
      },
    ],
    rtpTranslationStatistics: { startDateTime: '2020-03-25T10:04:45', endDateTime: '2020-03-25T10:04:45' },
    queryExecutionStatistics: { startDateTime: '2020-03-25T10:04:45', endDateTime: '2020-03-25T10:04:46' },
  },
};
