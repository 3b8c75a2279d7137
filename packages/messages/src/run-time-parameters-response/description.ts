import { d } from '../core/describe.js';

/** `GPES-E-Q-RTPR-Message` v0.2 (`xsd/GPES-E-Q-RTPR.xsd`). */
export const rtprDescription = d.message({
  kind: 'RTPR',
  label: 'RTP Response',
  proposal: false,
  children: [
    d.flat('Run-Time-Parameters-Response', {
      children: [
        d.flat('Scheduled-Query-Instance-ID', {
          text: ['Scheduled-Query-Instance-ID-Type', 'scheduledQueryInstanceId'],
          attributes: [
            d.attr('RTPR-UUID', 'UUID-Type', 'rtprUuid', { required: true }),
            d.attr('RTP-UUID', 'UUID-Type', 'rtpUuid', { required: true }),
            d.attr('Issue-Date-Time', 'Date-Time-Type', 'issueDateTime', { required: true }),
            d.attr('Query-Name', 'Description-Attribute-Type', 'queryName'),
            d.attr('Query-Description', 'Description-Attribute-Type', 'queryDescription'),
          ],
        }),
        d.flat('GP-Practice-Cohort', {
          children: [
            d.list('Practice-ID', 'gpPracticeCohort', {
              text: ['Practice-ID-Type', 'practiceId'],
              attributes: [
                d.attr(
                  'GPET-Q-SQI-Authentication-Signature',
                  'UUID-Type',
                  'gpetQSqiAuthenticationSignature',
                  { required: true },
                ),
                d.attr('GPET-E-SQI-Authentication-Signature', 'UUID-Type', 'gpetESqiAuthenticationSignature'),
                d.attr('RTP-Response-ID', 'UC5-Digit-Hexidecimal-Type', 'rtpResponseId', { required: true }),
              ],
            }),
          ],
        }),
      ],
    }),
  ],
});
