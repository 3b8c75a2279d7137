// Query Results (GPES-E-Q-QR-Message v6.0): streaming decode and encode.

export type { QueryResultsSource } from './decode.js';
export { decodeQueryResults, decodeQueryResultsOrThrow, decodeQueryResultsStream } from './decode.js';
export { encodeQueryResults, encodeQueryResultsToString } from './encode.js';
export type {
  DecodedQrRecord,
  QrAggregateRecord,
  QrPatientLevelRecord,
  QrRecord,
  QrTableRow,
  QueryResults,
  QueryResultsHeader,
  QueryResultsManifest,
  TerminologyIdentifiers,
} from './model.js';
export type { DecodeQueryResultsOptions, QueryResultsEvent } from './parser.js';
export type { EncodeQueryResultsOptions } from './writer.js';
