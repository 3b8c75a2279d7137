import { deriveCodec } from '../core/describe/codec.js';
import { rtprDescription } from './description.js';
import type { RunTimeParametersResponse } from './model.js';

export type * from './model.js';

const codec = deriveCodec<RunTimeParametersResponse>(rtprDescription);

/**
 * Decodes an RTP Response (`GPES-E-Q-RTPR-Message`). Never throws on bad input.
 * @returns `{ ok: true, value }` or `{ ok: false, issues }`
 */
export const decodeRunTimeParametersResponse = codec.decode;

/**
 * Like {@link decodeRunTimeParametersResponse}, but throws.
 * @throws MessageDecodeError with every issue
 */
export const decodeRunTimeParametersResponseOrThrow = codec.decodeOrThrow;

/**
 * Encodes an RTP Response in canonical form. UUIDs are written upper case.
 * @throws MessageDecodeError when `value` breaks the schema
 */
export const encodeRunTimeParametersResponse = codec.encode;
