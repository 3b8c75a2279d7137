import { deriveCodec } from '../core/describe/codec.js';
import { qentDescription } from './description.js';
import type { QENotificationMessage } from './model.js';

export type * from './model.js';

const codec = deriveCodec<QENotificationMessage>(qentDescription);

/**
 * Decodes a GPES → GP notification message (`GPES-Q-E-NT_Message`): Stage 1, Stage 2 or ping. Never throws on bad
 * input. The `Q-E-Notification-Type` element must name the payload element that follows (else `INCONSISTENT`).
 */
export const decodeQENotificationMessage = codec.decode;

/**
 * Like {@link decodeQENotificationMessage}, but throws.
 * @throws MessageDecodeError with every issue
 */
export const decodeQENotificationMessageOrThrow = codec.decodeOrThrow;

/**
 * Encodes a GPES → GP notification message in canonical form. The payload element written is the one `type`
 * names.
 * @throws MessageDecodeError when `value` breaks the schema
 */
export const encodeQENotificationMessage = codec.encode;
