import { deriveCodec } from '../core/describe/codec.js';
import { rtpcDescription } from './description.js';
import type { RtpCancellation } from './model.js';

export type * from './model.js';

const codec = deriveCodec<RtpCancellation>(rtpcDescription);

/**
 * Decodes an RTP cancellation (PROPOSED shape). Never throws on bad input.
 * @returns `{ ok: true, value }` or `{ ok: false, issues }`
 */
export const decodeRtpCancellation = codec.decode;

/**
 * Like {@link decodeRtpCancellation}, but throws.
 * @throws MessageDecodeError with every issue
 */
export const decodeRtpCancellationOrThrow = codec.decodeOrThrow;

/**
 * Encodes an RTP cancellation (PROPOSED shape) in canonical form.
 * @throws MessageDecodeError when `value` breaks the proposed shape
 */
export const encodeRtpCancellation = codec.encode;
