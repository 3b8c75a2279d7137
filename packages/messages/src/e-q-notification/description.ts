import { choice, d, type MessageDescription } from '../core/describe.js';
import type {
  DataModelAttributeSupport,
  EQEventNotification,
  EQNotificationMessage,
  EQNotificationResponse,
  EventData,
  NotificationResponse,
  TerminologyIdentifier,
} from './model.js';

type N = EQNotificationResponse & EQEventNotification;
type T = TerminologyIdentifier;

/** `GPES-E-Q-NT_Message` v0.2 (`xsd/GPES-E-Q-NT.xsd`). */
export const eqntDescription: MessageDescription = {
  kind: 'EQ_NT',
  label: 'E-Q notification',
  proposal: false,
  children: [
    d.list<EQNotificationMessage, N>('E-Q-Notification', 'notifications', {
      attributes: [
        d.attr<N>('E-Q-NT-UUID', 'UUID-Type', 'eqNtUuid', { required: true }),
        d.attr<N>('Issue-Date-Time', 'Date-Time-Type', 'issueDateTime', { required: true }),
      ],
      children: [
        d.leaf<N>('E-Q-Notification-Type', 'E-Q-Notification-Type-Type', 'type'),
        d.leaf<N>('Q-E-NT-UUID', 'UUID-Type', 'qeNtUuid', { min: 0 }),
        d.leaf<N>('Practice-ID', 'Practice-ID-Type', 'practiceId'),
        d.leaf<N>('GP-System-Identifier', 'GPSoC-System-Identifier-Type', 'gpSystemIdentifier'),
        d.list<N, T>('Terminology-Identifiers', 'terminologyIdentifiers', {
          children: [
            d.leaf<T>('CodeSchemeID', 'Oid-Type', 'codeSchemeId'),
            d.leaf<T>('Terminology-Name', 'Common-Identifier-Type', 'terminologyName'),
            d.leaf<T>('Terminology-Release', 'Common-Identifier-Type', 'terminologyRelease'),
          ],
        }),
        d.leaf<N>(
          'Scheduled-Query-Identifier-ID',
          'Scheduled-Query-Instance-ID-Type',
          'scheduledQueryInstanceId',
          {
            min: 0,
          },
        ),
        choice<N>(
          'type',
          [
            d.flat('Stage1-Notification-Response', { children: [responses()] }),
            d.flat('Stage2-Notification-Response', { children: [responses()] }),
            d.flat('Event-Notification', {
              children: [
                d.object<N, EventData>(
                  'Event-Data',
                  'event',
                  {
                    children: [
                      d.leaf<EventData>('Event-Code', 'UC5-Digit-Hexidecimal-Type', 'eventCode'),
                      d.leaf<EventData>(
                        'Event-Code-Supplementary-Data',
                        'Event-Code-Supplementary-Data',
                        'eventCodeSupplementaryData',
                        { min: 0 },
                      ),
                      d.leaf<EventData>('Event-Description', 'Event-Description', 'eventDescription', {
                        min: 0,
                      }),
                    ],
                  },
                  { missingAsEmpty: true },
                ),
                d.flat('System-Reference-Data', {
                  children: [
                    d.list<N, DataModelAttributeSupport>(
                      'Data-Model-Attribute-Support',
                      'dataModelAttributeSupport',
                      {
                        text: ['YesNo-Type', 'supported', 'boolean'],
                        attributes: [
                          d.attr<DataModelAttributeSupport>(
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
};

function responses() {
  return d.list<N, NotificationResponse>('Notification-Response', 'responses', {
    text: ['xs:string', 'text'],
    attributes: [
      d.attr<NotificationResponse>(
        'Notification-Question-ID',
        'xs:normalizedString',
        'notificationQuestionId',
        {
          required: true,
        },
      ),
      d.attr<NotificationResponse>('Answer-ID', 'xs:normalizedString', 'answerId', { required: true }),
      d.attr<NotificationResponse>('Contains-Free-Text', 'YesNo-Type', 'containsFreeText', {
        required: true,
        as: 'boolean',
      }),
    ],
  });
}
