/** `Markup-Format-Type`. */
export type MarkupFormat = 'text/plain' | 'text/HTML';

/** A piece of text with its markup format (`Question-Text`, `Question-Post-Text`). */
export interface FormattedText {
  readonly text: string;
  readonly dataFormat: MarkupFormat;
}

/** `Notification-Title`. */
export interface NotificationTitle extends FormattedText {
  readonly order: number;
}

/** `Allowed-Values` as a closed list of `Value`s. */
export interface AllowedValueList {
  readonly kind: 'values';
  /** At least one. */
  readonly values: readonly {
    readonly answerId: string;
    readonly text: string;
    readonly isDefault: boolean;
  }[];
}

/** `Allowed-Values` as one `Free-Text` answer (its content is fixed to `Y`). */
export interface AllowedFreeText {
  readonly kind: 'free-text';
  readonly answerId: string;
  readonly maxlength?: number;
}

/** `Notification-Question`. */
export interface NotificationQuestion {
  readonly kind: 'question';
  readonly notificationQuestionId: string;
  readonly order: number;
  readonly questionText?: FormattedText;
  readonly allowedValues: AllowedValueList | AllowedFreeText;
  readonly questionPostText?: FormattedText;
}

/** `Notification-Narrative`. */
export interface NotificationNarrative extends FormattedText {
  readonly kind: 'narrative';
  readonly order: number;
}

/** `Notification-Payload`: a title, then at least one question or narrative, in document order. */
export interface NotificationPayload {
  readonly title: NotificationTitle;
  readonly items: readonly (NotificationQuestion | NotificationNarrative)[];
}

interface QENotificationBase {
  readonly qeNtUuid: string;
  readonly issueDateTime: string;
  /** "In this version of GPES-I this attribute is not used" (schema). */
  readonly eqNtUuid?: string;
  readonly practiceId: string;
}

/** Stage 1 or Stage 2 participation notification. */
export interface QEParticipationNotification extends QENotificationBase {
  readonly type: 'Stage1-Notification' | 'Stage2-Notification';
  readonly scheduledQueryInstanceId?: string;
  /** 12-digit user ids to notify (at most 1000). */
  readonly uids: readonly string[];
  readonly payload: NotificationPayload;
}

/** System ping for one practice. The expected reply is not documented publicly. */
export interface QEPingNotification extends QENotificationBase {
  readonly type: 'System-Ping-Request-Notification';
}

/** One `Q-E-Notification`; `type` is `Q-E-Notification-Type` and selects the payload element. */
export type QENotification = QEParticipationNotification | QEPingNotification;

/** Notification message GPES → GP system (`GPES-Q-E-NT_Message`, schema v0.2). */
export interface QENotificationMessage {
  readonly gpesIVersion: string;
  /** At least one. */
  readonly notifications: readonly QENotification[];
}
