import { d, type MessageDescription } from '../core/describe.js';
import type { QueryResultsAcknowledgement, QueryResultsAcknowledgementError } from './model.js';

type M = QueryResultsAcknowledgement;
type E = QueryResultsAcknowledgementError;

const hasErrors = (v: Readonly<Record<string, unknown>>) => Array.isArray(v.errors) && v.errors.length > 0;

/** `GPES-Q-E-QRA-Message`: PROPOSED [P], no published XSD. */
export const qraDescription: MessageDescription = {
  kind: 'QRA',
  label: 'Query Results acknowledgement',
  proposal: true,
  children: [
    d.flat<M>(
      'Query-Results-Acknowledgement',
      {
        attributes: [
          d.attr<M>('QRA-UUID', 'UUID-Type', 'qraUuid', { required: true }),
          d.attr<M>('QR-UUID', 'UUID-Type', 'qrUuid', { required: true }),
          d.attr<M>(
            'Scheduled-Query-Instance-ID',
            'Scheduled-Query-Instance-ID-Type',
            'scheduledQueryInstanceId',
            {
              required: true,
            },
          ),
          d.attr<M>('Practice-ID', 'Practice-ID-Type', 'practiceId', { required: true }),
          d.attr<M>('Issue-Date-Time', 'Date-Time-Type', 'issueDateTime', { required: true }),
          d.attr<M>('Status', 'xs:string', 'status', { required: true, oneOf: ['Accepted', 'Rejected'] }),
        ],
        children: [
          d.list<M, E>(
            'Error',
            'errors',
            {
              attributes: [
                d.attr<E>('Code', 'UC5-Digit-Hexidecimal-Type', 'code', { required: true }),
                d.attr<E>('Title', 'Description-Attribute-Type', 'title', { required: true }),
                d.attr<E>('Description', 'Description-Attribute-Type', 'description'),
              ],
            },
            { min: 0 },
          ),
        ],
      },
      {
        status: 'P',
        rules: [
          {
            at: 'Error',
            message: 'A Rejected acknowledgement needs at least one Error',
            decode: (v) => v.status !== 'Rejected' || hasErrors(v),
            encode: (v) => v.status !== 'Rejected' || hasErrors(v),
          },
          {
            at: 'Error',
            message: 'An Accepted acknowledgement carries no Error',
            decode: (v) => v.status !== 'Accepted' || !hasErrors(v),
            encode: (v) => v.status !== 'Accepted' || !hasErrors(v),
          },
        ],
      },
    ),
  ],
};
