export {
  decodeQueryResultsAcknowledgement,
  decodeQueryResultsAcknowledgementOrThrow,
  encodeQueryResultsAcknowledgement,
} from './codec.js';
export type { QueryResultsAcknowledgement, QueryResultsAcknowledgementError } from './model.js';
