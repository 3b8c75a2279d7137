// The non-streaming part of GPES-E-Q-QR-Message v6.0, described once (ADR 0008): the `Query-Results` attributes and
// the manifest. The decoder (parser.ts), the validation (validate.ts) and the encoder (writer.ts) all walk this one
// description; the records that follow it stay hand-tuned for speed. The root's attributes are the frame's.
import { d, type ElementDescription, type Typed } from '../core/describe.js';
import type { QueryResultsHeader } from './model.js';

const statistics = <const P extends string>(prop: P, prefix: string) =>
  d.object(`${prefix}-Statistics`, prop, {
    children: [
      d.leaf(`${prefix}-Start-Date-Time`, 'Date-Time-Type', 'startDateTime'),
      d.leaf(`${prefix}-End-Date-Time`, 'Date-Time-Type', 'endDateTime'),
    ],
  });

/**
 * `Query-Results`: its attributes, in the order the encoder writes them (the v6.0 sample's), and the manifest. The
 * type holds the header model (less the root's attributes) to the description at compile time, both ways.
 */
export const queryResultsDescription: ElementDescription &
  Typed<Omit<QueryResultsHeader, 'gpesIVersion' | 'qrMessageVersion' | 'schemaLocation'>> = d.flat(
  'Query-Results',
  {
    attributes: [
      d.uuid('QR-UUID', 'qrUuid'),
      d.sqi(),
      d.uuid('RTP-UUID', 'rtpUuid'),
      d.practiceId(),
      d.uuid('GPET-Q-SQI-Authentication-Signature', 'gpetQSqiAuthenticationSignature'),
      d.attr('GPET-E-SQI-Authentication-Signature', 'UUID-Type', 'gpetESqiAuthenticationSignature'),
      d.issueDateTime(),
      ...d.queryNaming(),
    ],
    children: [
      d.object('Query-Results-Manifest', 'manifest', {
        children: [
          d.leaf('GPET-E-Executable-Version', 'Common-Identifier-Type', 'gpetEExecutableVersion'),
          d.flat('Payload-Identifiers', {
            children: [
              d.leaf('GP-System-Identifier', 'GPSoC-System-Identifier-Type', 'gpSystemIdentifier'),
              d.terminologyIdentifiers(),
            ],
          }),
          statistics('rtpTranslationStatistics', 'RTP-Translation'),
          statistics('queryExecutionStatistics', 'Query-Execution'),
        ],
      }),
    ],
  },
);
