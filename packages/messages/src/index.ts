export type { DecodeIssue, DecodeIssueCode, DecodeOptions, DecodeResult } from './core/issues.js';
export { isMessageDecodeError, MessageDecodeError } from './core/issues.js';
export * from './query-results/index.js';
export { VERSION } from './version.js';
