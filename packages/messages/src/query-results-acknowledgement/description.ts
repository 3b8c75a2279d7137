import { d } from '../core/describe/builders.js';

const hasErrors = (v: Readonly<Record<string, unknown>>) => Array.isArray(v.errors) && v.errors.length > 0;

/** `GPES-Q-E-QRA-Message`: PROPOSED [P], no published XSD. */
export const qraDescription = d.message({
  kind: 'QRA',
  label: 'Query Results acknowledgement',
  proposal: true,
  children: [
    d.flat(
      'Query-Results-Acknowledgement',
      {
        attributes: [
          d.uuid('QRA-UUID', 'qraUuid'),
          d.uuid('QR-UUID', 'qrUuid'),
          d.sqi(),
          d.practiceId(),
          d.issueDateTime(),
          d.attr('Status', 'xs:string', 'status', { required: true, oneOf: ['Accepted', 'Rejected'] }),
        ],
        children: [
          d.list(
            'Error',
            'errors',
            {
              attributes: [
                d.attr('Code', 'UC5-Digit-Hexidecimal-Type', 'code', { required: true }),
                d.attr('Title', 'Description-Attribute-Type', 'title', { required: true }),
                d.attr('Description', 'Description-Attribute-Type', 'description'),
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
});
