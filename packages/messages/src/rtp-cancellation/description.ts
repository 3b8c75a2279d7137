import { d } from '../core/describe/builders.js';

/** `GPES-Q-E-RTPC-Message`: PROPOSED [P], no published XSD. */
export const rtpcDescription = d.message({
  kind: 'RTPC',
  label: 'RTP cancellation',
  proposal: true,
  children: [
    d.flat(
      'Cancellation',
      {
        attributes: [
          d.uuid('RTPC-UUID', 'rtpcUuid'),
          d.uuid('RTP-UUID', 'rtpUuid'),
          d.sqi(),
          d.issueDateTime(),
        ],
        children: [
          d.flat(
            'GP-Practice-Cohort',
            {
              children: [
                d.values('Practice-ID', 'Practice-ID-Type', 'gpPracticeCohort', { item: 'practiceId' }),
              ],
            },
            { min: 0 },
          ),
          d.leaf('Reason', 'Description-Attribute-Type', 'reason'),
        ],
      },
      { status: 'P' },
    ),
  ],
});
