import { deriveCodec } from '../core/describe/codec.js';
import { rtpDescription } from './description.js';
import type { RunTimeParameters } from './model.js';

export type * from './model.js';

const codec = deriveCodec<RunTimeParameters>(rtpDescription);

/**
 * Decodes a Run-Time-Parameters request (`GPES-Q-E-RTP-Message`). Never throws on bad input.
 * @param input the document, as received (bytes) or as text
 * @returns `{ ok: true, value }` or `{ ok: false, issues }` (XPath-like paths; values only with `includeValues`)
 */
export const decodeRunTimeParameters = codec.decode;

/**
 * Like {@link decodeRunTimeParameters}, but throws.
 * @throws MessageDecodeError with every issue
 */
export const decodeRunTimeParametersOrThrow = codec.decodeOrThrow;

/**
 * Encodes a Run-Time-Parameters request in canonical form (UTF-8, LF, two-space indent). UUIDs are written in
 * upper case. Booleans are written `true`/`false` (`xs:boolean`) or `Y`/`N` (`YesNo-Type`).
 * @throws MessageDecodeError when `value` breaks the schema; its issues carry the paths of the elements
 */
export const encodeRunTimeParameters = codec.encode;
