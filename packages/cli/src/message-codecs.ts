import {
  type DecodeIssue,
  type DecodeResult,
  decodeEQNotificationMessage,
  decodeQENotificationMessage,
  decodeQueryResults,
  decodeRunTimeParameters,
  decodeRunTimeParametersResponse,
  encodeEQNotificationMessage,
  encodeQENotificationMessage,
  encodeQueryResultsToString,
  encodeRunTimeParameters,
  encodeRunTimeParametersResponse,
  type MessageKind,
  type QueryResults,
} from '@gpes/messages';
import {
  decodeQueryResultsAcknowledgement,
  decodeReportCsv,
  decodeRtpCancellation,
  encodeQueryResultsAcknowledgement,
  encodeReportCsv,
  encodeRtpCancellation,
} from '@gpes/messages/experimental';

type Input = string | Uint8Array;
type Options = { includeValues: boolean };

/** The decoder and encoder of one message kind, typed loosely: the CLI moves models through JSON. */
export interface MessageCodec {
  decode(input: Input, options: Options): DecodeResult<unknown>;
  /** @throws MessageDecodeError when the model breaks the schema. */
  encode(model: unknown, options: Options): string;
}

// Each encoder is called with a model read from JSON; its own validation reports what is wrong with it.
const codec = <T>(
  decode: (input: Input, options: Options) => DecodeResult<T>,
  encode: (model: T, options: Options) => string,
): MessageCodec => ({ decode, encode: (model, options) => encode(model as T, options) });

/** Every message kind `@gpes/messages` decodes, with its codec (proposed kinds from `/experimental`). */
export const MESSAGE_CODECS: Readonly<Record<MessageKind, MessageCodec>> = {
  QE_NT: codec(decodeQENotificationMessage, encodeQENotificationMessage),
  EQ_NT: codec(decodeEQNotificationMessage, encodeEQNotificationMessage),
  RTP: codec(decodeRunTimeParameters, encodeRunTimeParameters),
  RTPR: codec(decodeRunTimeParametersResponse, encodeRunTimeParametersResponse),
  QR: codec(decodeQueryResults, (m: QueryResults, options) =>
    encodeQueryResultsToString(m.header, m.records, options),
  ),
  QRA: codec(decodeQueryResultsAcknowledgement, encodeQueryResultsAcknowledgement),
  RTPC: codec(decodeRtpCancellation, encodeRtpCancellation),
  REPORT: codec(decodeReportCsv, encodeReportCsv),
};

/** One issue as a line: `  /Root/Element: message [CODE] (expected …)`. */
export function issueLine(issue: DecodeIssue): string {
  const expected = issue.expected ? ` (expected ${issue.expected})` : '';
  return `${issue.path}: ${issue.message} [${issue.code}]${expected}`;
}
