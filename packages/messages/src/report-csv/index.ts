export {
  type DecodeReportCsvOptions,
  decodeReportCsv,
  decodeReportCsvOrThrow,
  encodeReportCsv,
} from './codec.js';
export type { ReportRow, ReportStatus } from './model.js';
