import { deriveCodec } from '../core/describe/codec.js';
import { eqntDescription } from './description.js';
import type { EQNotificationMessage } from './model.js';

export type * from './model.js';

const codec = deriveCodec<EQNotificationMessage>(eqntDescription);

/**
 * Decodes a GP → GPES notification message (`GPES-E-Q-NT_Message`): Stage 1/2 responses and events. Never throws
 * on bad input. The `E-Q-Notification-Type` element must name the payload element (else `INCONSISTENT`).
 */
export const decodeEQNotificationMessage = codec.decode;

/**
 * Like {@link decodeEQNotificationMessage}, but throws.
 * @throws MessageDecodeError with every issue
 */
export const decodeEQNotificationMessageOrThrow = codec.decodeOrThrow;

/**
 * Encodes a GP → GPES notification message in canonical form.
 * @throws MessageDecodeError when `value` breaks the schema
 */
export const encodeEQNotificationMessage = codec.encode;
