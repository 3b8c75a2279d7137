import { deriveCodec } from '../core/describe/codec.js';
import { qraDescription } from './description.js';
import type { QueryResultsAcknowledgement } from './model.js';

export type * from './model.js';

const codec = deriveCodec<QueryResultsAcknowledgement>(qraDescription);

/**
 * Decodes a Query Results acknowledgement (PROPOSED shape). Never throws on bad input.
 * @returns `{ ok: true, value }` or `{ ok: false, issues }`
 */
export const decodeQueryResultsAcknowledgement = codec.decode;

/**
 * Like {@link decodeQueryResultsAcknowledgement}, but throws.
 * @throws MessageDecodeError with every issue
 */
export const decodeQueryResultsAcknowledgementOrThrow = codec.decodeOrThrow;

/**
 * Encodes a Query Results acknowledgement (PROPOSED shape) in canonical form.
 * @throws MessageDecodeError when `value` breaks the proposed shape
 */
export const encodeQueryResultsAcknowledgement = codec.encode;
