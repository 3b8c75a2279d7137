import { d, type MessageDescription, values } from '../core/describe.js';
import type { RtpCancellation } from './model.js';

type M = RtpCancellation;

/** `GPES-Q-E-RTPC-Message`: PROPOSED [P], no published XSD. */
export const rtpcDescription: MessageDescription = {
  kind: 'RTPC',
  label: 'RTP cancellation',
  proposal: true,
  children: [
    d.flat<M>(
      'Cancellation',
      {
        attributes: [
          d.attr<M>('RTPC-UUID', 'UUID-Type', 'rtpcUuid', { required: true }),
          d.attr<M>('RTP-UUID', 'UUID-Type', 'rtpUuid', { required: true }),
          d.attr<M>(
            'Scheduled-Query-Instance-ID',
            'Scheduled-Query-Instance-ID-Type',
            'scheduledQueryInstanceId',
            {
              required: true,
            },
          ),
          d.attr<M>('Issue-Date-Time', 'Date-Time-Type', 'issueDateTime', { required: true }),
        ],
        children: [
          d.flat(
            'GP-Practice-Cohort',
            {
              children: [
                values<M>('Practice-ID', 'Practice-ID-Type', 'gpPracticeCohort', { item: 'practiceId' }),
              ],
            },
            { min: 0 },
          ),
          d.leaf<M>('Reason', 'Description-Attribute-Type', 'reason'),
        ],
      },
      { status: 'P' },
    ),
  ],
};
