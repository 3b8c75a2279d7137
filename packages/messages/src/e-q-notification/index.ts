export {
  decodeEQNotificationMessage,
  decodeEQNotificationMessageOrThrow,
  encodeEQNotificationMessage,
} from './codec.js';
export type {
  DataModelAttributeSupport,
  EQEventNotification,
  EQNotification,
  EQNotificationMessage,
  EQNotificationResponse,
  EventData,
  NotificationResponse,
  TerminologyIdentifier,
} from './model.js';
