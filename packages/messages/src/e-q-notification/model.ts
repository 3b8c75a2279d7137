/** `Terminology-Identifiers`: a terminology the GP system uses. */
export interface TerminologyIdentifier {
  /** OID of the code scheme (SNOMED CT: `2.16.840.1.113883.2.1.3.2.4.15`). */
  readonly codeSchemeId: string;
  readonly terminologyName: string;
  /** May be empty. */
  readonly terminologyRelease: string;
}

/** A practice's answer to one notification question. */
export interface NotificationResponse {
  readonly notificationQuestionId: string;
  readonly answerId: string;
  readonly containsFreeText: boolean;
  /** The answer text (any length: the element is a plain `xs:string`); empty for closed answers. */
  readonly text: string;
}

/** `Event-Data`. */
export interface EventData {
  /** Five upper-case hex digits from the (non-public) GPES Interface Code Register. */
  readonly eventCode: string;
  readonly eventCodeSupplementaryData?: string;
  readonly eventDescription?: string;
}

/** Support for one attribute of the GPES Primary Care Data Model. */
export interface DataModelAttributeSupport {
  /** `T[1-4]A` + one or two digits, e.g. `T2A7`. */
  readonly dataModelReferenceId: string;
  readonly supported: boolean;
}

interface EQNotificationBase {
  readonly eqNtUuid: string;
  readonly issueDateTime: string;
  /** The GPES notification being answered. */
  readonly qeNtUuid?: string;
  readonly practiceId: string;
  /** GPSoC system identifier `xxx.xxx.xxx.xxx`. */
  readonly gpSystemIdentifier: string;
  /** At least one. */
  readonly terminologyIdentifiers: readonly TerminologyIdentifier[];
  readonly scheduledQueryInstanceId?: string;
}

/** Stage 1 or Stage 2 notification response. */
export interface EQNotificationResponse extends EQNotificationBase {
  readonly type: 'Stage1-Notification-Response' | 'Stage2-Notification-Response';
  /** At least one. */
  readonly responses: readonly NotificationResponse[];
}

/** Event notification: an event code and the system's data-model support. */
export interface EQEventNotification extends EQNotificationBase {
  readonly type: 'Event-Notification';
  readonly event: EventData;
  /** At least one. */
  readonly dataModelAttributeSupport: readonly DataModelAttributeSupport[];
}

/** One `E-Q-Notification`; `type` is `E-Q-Notification-Type` and selects the payload element. */
export type EQNotification = EQNotificationResponse | EQEventNotification;

/** Notification message GP system → GPES (`GPES-E-Q-NT_Message`, schema v0.2). */
export interface EQNotificationMessage {
  readonly gpesIVersion: string;
  /** At least one. */
  readonly notifications: readonly EQNotification[];
}
