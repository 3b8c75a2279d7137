import { d } from '../core/describe/builders.js';

const format = d.attr('Data-Format', 'Markup-Format-Type', 'dataFormat', { required: true });
const order = d.attr('Order', 'xs:nonNegativeInteger', 'order', { required: true, as: 'number' });
const formatted = <const N extends string, const P extends string>(name: N, prop: P) =>
  d.object(name, prop, { text: ['xs:string', 'text'], attributes: [format] }, { min: 0 });
const practice = d.leaf('Practice-ID', 'Practice-ID-Type', 'practiceId');

/** `GPES-Q-E-NT_Message` v0.2 (`xsd/GPES-Q-E-NT.xsd`). */
export const qentDescription = d.message({
  kind: 'QE_NT',
  label: 'Q-E notification',
  proposal: false,
  children: [
    d.list('Q-E-Notification', 'notifications', {
      attributes: [d.uuid('Q-E-NT-UUID', 'qeNtUuid'), d.issueDateTime()],
      children: [
        d.leaf('Q-E-Notification-Type', 'Q-E-Notification-Type-Type', 'type'),
        d.leaf('E-Q-NT-UUID', 'UUID-Type', 'eqNtUuid', { min: 0 }),
        d.choice(
          'type',
          [
            participation('Stage1-Notification'),
            participation('Stage2-Notification'),
            d.flat('System-Ping-Request-Notification', { children: [practice] }),
          ],
          { mismatch: 'The payload element does not match Q-E-Notification-Type' },
        ),
      ],
    }),
  ],
});

function participation<const N extends string>(name: N) {
  return d.flat(name, {
    children: [
      practice,
      d.leaf(
        'Scheduled-Query-Identifier-ID',
        'Scheduled-Query-Instance-ID-Type',
        'scheduledQueryInstanceId',
        { min: 0 },
      ),
      d.values('UID', 'UID-Type', 'uids', { min: 0, max: 1000, item: 'uid' }),
      d.object('Notification-Payload', 'payload', {
        children: [
          d.object(
            'Notification-Title',
            'title',
            { text: ['xs:string', 'text'], attributes: [order, format] },
            { missingAsEmpty: true },
          ),
          d.choice(
            'kind',
            [
              d.flat(
                'Notification-Question',
                {
                  attributes: [
                    d.attr('Notification-Question-ID', 'xs:normalizedString', 'notificationQuestionId', {
                      required: true,
                    }),
                    order,
                  ],
                  children: [
                    formatted('Question-Text', 'questionText'),
                    d.object('Allowed-Values', 'allowedValues', {
                      children: [
                        d.choice('kind', [
                          d.list(
                            'Value',
                            'values',
                            {
                              text: ['xs:string', 'text'],
                              attributes: [
                                d.attr('Answer-ID', 'xs:normalizedString', 'answerId', { required: true }),
                                d.attr('Default', 'xs:string', 'isDefault', { fixed: 'Y' }),
                              ],
                            },
                            { tag: 'values' },
                          ),
                          d.flat(
                            'Free-Text',
                            {
                              fixed: ['xs:string', 'Y'],
                              attributes: [
                                d.attr('Answer-ID', 'xs:normalizedString', 'answerId', { required: true }),
                                d.attr('Maxlength', 'xs:nonNegativeInteger', 'maxlength', { as: 'number' }),
                              ],
                            },
                            { tag: 'free-text', attributesFirst: true },
                          ),
                        ]),
                      ],
                    }),
                    formatted('Question-Post-Text', 'questionPostText'),
                  ],
                },
                { tag: 'question' },
              ),
              d.flat(
                'Notification-Narrative',
                { text: ['xs:string', 'text'], attributes: [order, format] },
                { tag: 'narrative' },
              ),
            ],
            { list: 'items' },
          ),
        ],
      }),
    ],
  });
}
