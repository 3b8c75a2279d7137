import { d } from '../core/describe/builders.js';

/** `GPES-E-Q-NT_Message` v0.2 (`xsd/GPES-E-Q-NT.xsd`). */
export const eqntDescription = d.message({
  kind: 'EQ_NT',
  label: 'E-Q notification',
  proposal: false,
  children: [
    d.list('E-Q-Notification', 'notifications', {
      attributes: [d.uuid('E-Q-NT-UUID', 'eqNtUuid'), d.issueDateTime()],
      children: [
        d.leaf('E-Q-Notification-Type', 'E-Q-Notification-Type-Type', 'type'),
        d.leaf('Q-E-NT-UUID', 'UUID-Type', 'qeNtUuid', { min: 0 }),
        d.leaf('Practice-ID', 'Practice-ID-Type', 'practiceId'),
        d.leaf('GP-System-Identifier', 'GPSoC-System-Identifier-Type', 'gpSystemIdentifier'),
        d.terminologyIdentifiers(),
        d.leaf(
          'Scheduled-Query-Identifier-ID',
          'Scheduled-Query-Instance-ID-Type',
          'scheduledQueryInstanceId',
          { min: 0 },
        ),
        d.choice(
          'type',
          [
            d.flat('Stage1-Notification-Response', { children: [responses()] }),
            d.flat('Stage2-Notification-Response', { children: [responses()] }),
            d.flat('Event-Notification', {
              children: [
                d.object(
                  'Event-Data',
                  'event',
                  {
                    children: [
                      d.leaf('Event-Code', 'UC5-Digit-Hexidecimal-Type', 'eventCode'),
                      d.leaf(
                        'Event-Code-Supplementary-Data',
                        'Event-Code-Supplementary-Data',
                        'eventCodeSupplementaryData',
                        { min: 0 },
                      ),
                      d.leaf('Event-Description', 'Event-Description', 'eventDescription', { min: 0 }),
                    ],
                  },
                  { missingAsEmpty: true },
                ),
                d.flat('System-Reference-Data', {
                  children: [
                    d.list(
                      'Data-Model-Attribute-Support',
                      'dataModelAttributeSupport',
                      {
                        text: ['YesNo-Type', 'supported', 'boolean'],
                        attributes: [
                          d.attr(
                            'Data-Model-Reference-ID',
                            'Data-Model-Reference-ID-Type',
                            'dataModelReferenceId',
                            { required: true },
                          ),
                        ],
                      },
                      { attributesFirst: true },
                    ),
                  ],
                }),
              ],
            }),
          ],
          { mismatch: 'The payload element does not match E-Q-Notification-Type' },
        ),
      ],
    }),
  ],
});

function responses() {
  return d.list('Notification-Response', 'responses', {
    text: ['xs:string', 'text'],
    attributes: [
      d.attr('Notification-Question-ID', 'xs:normalizedString', 'notificationQuestionId', { required: true }),
      d.attr('Answer-ID', 'xs:normalizedString', 'answerId', { required: true }),
      d.attr('Contains-Free-Text', 'YesNo-Type', 'containsFreeText', { required: true, as: 'boolean' }),
    ],
  });
}
