/**
 * `@gpes/messages`: typed decode and encode for the published GPES-I messages.
 *
 * API style (every codec, including Query Results in `./query-results/`): plain named functions.
 *   - `decodeX(input: string | Uint8Array, options?: DecodeXmlOptions): DecodeResult<X>` never throws on bad input;
 *   - `decodeXOrThrow(input, options?)`: X, throws `MessageDecodeError` (`issues` attached);
 *   - `encodeX(value: X, options?: EncodeOptions): string` throws `MessageDecodeError` when `value` breaks the
 *     schema (the same data-type validators as the decoder, `src/core/data-types.ts`).
 * Streaming Query Results adds `decodeQueryResultsStream` / `encodeQueryResultsStream` (C2) on the same shapes.
 * XML reading goes through `createGuardedXmlParser` (`src/core/xml/`), which owns encodings and limits.
 *
 * Proposed (not published) message shapes live in `@gpes/messages/experimental` only.
 */

export type { DecodeIssue, DecodeIssueCode, DecodeOptions, DecodeResult } from './core/issues.js';
export { isMessageDecodeError, MessageDecodeError } from './core/issues.js';
export { DEFAULT_XML_LIMITS, type XmlLimits } from './core/xml/limits.js';
export * from './query-results/index.js';
export { VERSION } from './version.js';
