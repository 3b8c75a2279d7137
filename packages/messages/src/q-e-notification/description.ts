import { choice, d, type MessageDescription, values } from '../core/describe.js';
import type {
  AllowedFreeText,
  AllowedValueList,
  FormattedText,
  NotificationPayload,
  NotificationQuestion,
  NotificationTitle,
  QENotificationMessage,
  QEParticipationNotification,
} from './model.js';

type N = QEParticipationNotification;
type Q = NotificationQuestion;
type F = FormattedText;
type V = AllowedValueList['values'][number];
type A = AllowedValueList & AllowedFreeText;

const format = d.attr<F>('Data-Format', 'Markup-Format-Type', 'dataFormat', { required: true });
const order = d.attr<NotificationTitle>('Order', 'xs:nonNegativeInteger', 'order', {
  required: true,
  as: 'number',
});
const formatted = (name: string, prop: 'questionText' | 'questionPostText') =>
  d.object<Q, F>(name, prop, { text: ['xs:string', 'text'], attributes: [format] }, { min: 0 });
const practice = d.leaf<N>('Practice-ID', 'Practice-ID-Type', 'practiceId');

/** `GPES-Q-E-NT_Message` v0.2 (`xsd/GPES-Q-E-NT.xsd`). */
export const qentDescription: MessageDescription = {
  kind: 'QE_NT',
  label: 'Q-E notification',
  proposal: false,
  children: [
    d.list<QENotificationMessage, N>('Q-E-Notification', 'notifications', {
      attributes: [
        d.attr<N>('Q-E-NT-UUID', 'UUID-Type', 'qeNtUuid', { required: true }),
        d.attr<N>('Issue-Date-Time', 'Date-Time-Type', 'issueDateTime', { required: true }),
      ],
      children: [
        d.leaf<N>('Q-E-Notification-Type', 'Q-E-Notification-Type-Type', 'type'),
        d.leaf<N>('E-Q-NT-UUID', 'UUID-Type', 'eqNtUuid', { min: 0 }),
        choice<N>(
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
};

function participation(name: string) {
  return d.flat<N>(name, {
    children: [
      practice,
      d.leaf<N>(
        'Scheduled-Query-Identifier-ID',
        'Scheduled-Query-Instance-ID-Type',
        'scheduledQueryInstanceId',
        {
          min: 0,
        },
      ),
      values<N>('UID', 'UID-Type', 'uids', { min: 0, max: 1000, item: 'uid' }),
      d.object<N, NotificationPayload>('Notification-Payload', 'payload', {
        children: [
          d.object<NotificationPayload, NotificationTitle>(
            'Notification-Title',
            'title',
            { text: ['xs:string', 'text'], attributes: [order, format] },
            { missingAsEmpty: true },
          ),
          choice<Q>(
            'kind',
            [
              d.flat<Q>(
                'Notification-Question',
                {
                  attributes: [
                    d.attr<Q>('Notification-Question-ID', 'xs:normalizedString', 'notificationQuestionId', {
                      required: true,
                    }),
                    order,
                  ],
                  children: [
                    formatted('Question-Text', 'questionText'),
                    d.object<Q, A>('Allowed-Values', 'allowedValues', {
                      children: [
                        choice<A>('kind', [
                          d.list<A, V>(
                            'Value',
                            'values',
                            {
                              text: ['xs:string', 'text'],
                              attributes: [
                                d.attr<V>('Answer-ID', 'xs:normalizedString', 'answerId', { required: true }),
                                d.attr<V>('Default', 'xs:string', 'isDefault', { fixed: 'Y' }),
                              ],
                            },
                            { tag: 'values' },
                          ),
                          d.flat<A>(
                            'Free-Text',
                            {
                              fixed: ['xs:string', 'Y'],
                              attributes: [
                                d.attr<A>('Answer-ID', 'xs:normalizedString', 'answerId', { required: true }),
                                d.attr<A>('Maxlength', 'xs:nonNegativeInteger', 'maxlength', {
                                  as: 'number',
                                }),
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
                {
                  tag: 'narrative',
                },
              ),
            ],
            { list: 'items' },
          ),
        ],
      }),
    ],
  });
}
