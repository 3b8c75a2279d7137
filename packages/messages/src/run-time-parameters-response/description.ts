import { d } from '../core/describe/builders.js';

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
            d.uuid('RTPR-UUID', 'rtprUuid'),
            d.uuid('RTP-UUID', 'rtpUuid'),
            d.issueDateTime(),
            ...d.queryNaming(),
          ],
        }),
        d.flat('GP-Practice-Cohort', {
          children: [
            d.list('Practice-ID', 'gpPracticeCohort', {
              text: ['Practice-ID-Type', 'practiceId'],
              attributes: [
                d.uuid('GPET-Q-SQI-Authentication-Signature', 'gpetQSqiAuthenticationSignature'),
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
