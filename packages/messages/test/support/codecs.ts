/** Every codec by fixture folder, for the golden, property and fuzz tests. */
import {
  decodeQueryResultsAcknowledgement,
  decodeReportCsv,
  decodeRtpCancellation,
  encodeQueryResultsAcknowledgement,
  encodeReportCsv,
  encodeRtpCancellation,
} from '../../src/experimental.js';
import {
  type DecodeResult,
  decodeEQNotificationMessage,
  decodeQENotificationMessage,
  decodeRunTimeParameters,
  decodeRunTimeParametersResponse,
  encodeEQNotificationMessage,
  encodeQENotificationMessage,
  encodeRunTimeParameters,
  encodeRunTimeParametersResponse,
} from '../../src/index.js';

export interface AnyCodec {
  readonly extension: 'xml' | 'csv';
  /** The published XSD the encoder output must validate against, when there is one. */
  readonly xsd?: string;
  decode(input: string | Uint8Array, options?: { includeValues?: boolean }): DecodeResult<unknown>;
  encode(value: unknown): string;
}

const c = <T>(
  extension: 'xml' | 'csv',
  decode: (i: string | Uint8Array, o?: { includeValues?: boolean }) => DecodeResult<T>,
  encode: (v: T) => string,
  xsd?: string,
): AnyCodec => ({ extension, decode, encode: encode as (v: unknown) => string, ...(xsd ? { xsd } : {}) });

export const codecs: Record<string, AnyCodec> = {
  'run-time-parameters': c('xml', decodeRunTimeParameters, encodeRunTimeParameters, 'GPES-Q-E-RTP.xsd'),
  'run-time-parameters-response': c(
    'xml',
    decodeRunTimeParametersResponse,
    encodeRunTimeParametersResponse,
    'GPES-E-Q-RTPR.xsd',
  ),
  'q-e-notification': c('xml', decodeQENotificationMessage, encodeQENotificationMessage, 'GPES-Q-E-NT.xsd'),
  'e-q-notification': c('xml', decodeEQNotificationMessage, encodeEQNotificationMessage, 'GPES-E-Q-NT.xsd'),
  'query-results-acknowledgement': c(
    'xml',
    decodeQueryResultsAcknowledgement,
    encodeQueryResultsAcknowledgement,
  ),
  'rtp-cancellation': c('xml', decodeRtpCancellation, encodeRtpCancellation),
  'report-csv': c('csv', decodeReportCsv, encodeReportCsv),
};
