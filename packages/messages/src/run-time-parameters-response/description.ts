import { d, type MessageDescription } from '../core/describe.js';
import type { RtprPractice, RunTimeParametersResponse } from './model.js';

type M = RunTimeParametersResponse;

/** `GPES-E-Q-RTPR-Message` v0.2 (`xsd/GPES-E-Q-RTPR.xsd`). */
export const rtprDescription: MessageDescription = {
  kind: 'RTPR',
  label: 'RTP Response',
  proposal: false,
  children: [
    d.flat('Run-Time-Parameters-Response', {
      children: [
        d.flat<M>('Scheduled-Query-Instance-ID', {
          text: ['Scheduled-Query-Instance-ID-Type', 'scheduledQueryInstanceId'],
          attributes: [
            d.attr<M>('RTPR-UUID', 'UUID-Type', 'rtprUuid', { required: true }),
            d.attr<M>('RTP-UUID', 'UUID-Type', 'rtpUuid', { required: true }),
            d.attr<M>('Issue-Date-Time', 'Date-Time-Type', 'issueDateTime', { required: true }),
            d.attr<M>('Query-Name', 'Description-Attribute-Type', 'queryName'),
            d.attr<M>('Query-Description', 'Description-Attribute-Type', 'queryDescription'),
          ],
        }),
        d.flat('GP-Practice-Cohort', {
          children: [
            d.list<M, RtprPractice>('Practice-ID', 'gpPracticeCohort', {
              text: ['Practice-ID-Type', 'practiceId'],
              attributes: [
                d.attr<RtprPractice>(
                  'GPET-Q-SQI-Authentication-Signature',
                  'UUID-Type',
                  'gpetQSqiAuthenticationSignature',
                  {
                    required: true,
                  },
                ),
                d.attr<RtprPractice>(
                  'GPET-E-SQI-Authentication-Signature',
                  'UUID-Type',
                  'gpetESqiAuthenticationSignature',
                ),
                d.attr<RtprPractice>('RTP-Response-ID', 'UC5-Digit-Hexidecimal-Type', 'rtpResponseId', {
                  required: true,
                }),
              ],
            }),
          ],
        }),
      ],
    }),
  ],
};
