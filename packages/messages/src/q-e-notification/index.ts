export {
  decodeQENotificationMessage,
  decodeQENotificationMessageOrThrow,
  encodeQENotificationMessage,
} from './codec.js';
export type {
  AllowedFreeText,
  AllowedValueList,
  FormattedText,
  MarkupFormat,
  NotificationNarrative,
  NotificationPayload,
  NotificationQuestion,
  NotificationTitle,
  QENotification,
  QENotificationMessage,
  QEParticipationNotification,
  QEPingNotification,
} from './model.js';
