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

export {
  DATE_SENTINELS,
  formatScheduledQueryInstanceId,
  isSentinelDate,
  joinMultiValue,
  MULTI_VALUE_DELIMITER,
  parseScheduledQueryInstanceId,
  type ScheduledQueryInstanceIdParts,
  splitMultiValue,
  TIME_SENTINEL,
} from './core/data-types.js';
export type { DecodeXmlOptions } from './core/decode-reader.js';
export type { EncodeOptions } from './core/encode-writer.js';
export type { DecodeIssue, DecodeIssueCode, DecodeOptions, DecodeResult } from './core/issues.js';
export { DEFAULT_MAX_ISSUES, isMessageDecodeError, MessageDecodeError } from './core/issues.js';
export { ukLocalDateTime } from './core/uk-time.js';
export { DEFAULT_XML_LIMITS, type XmlLimits } from './core/xml/limits.js';
export { type DetectedMessage, detectMessage } from './detect.js';
export * from './e-q-notification/index.js';
export * from './q-e-notification/index.js';
export * from './query-results/index.js';
export {
  DEFAULT_GPES_I_VERSION,
  type Direction,
  describeStatusCode,
  fileNameFor,
  GPES_I_NAMESPACE,
  localIdFor,
  MESH_CONVENTIONS,
  MESSAGE_KINDS,
  MESSAGES,
  type MessageDefinition,
  MessageKind,
  type MessageNameParts,
  messageKindForWorkflowId,
  type Provenance,
  parseFileName,
  REPORT_COLUMNS,
  REPORT_STATUSES,
  type RegistryEntry,
  STATUS_CODES,
  StatusCode,
  type StatusCodeDefinition,
  shouldCompress,
  subjectFor,
  workflowIdFor,
} from './registry.js';
export * from './run-time-parameters/index.js';
export * from './run-time-parameters-response/index.js';
export { VERSION } from './version.js';
