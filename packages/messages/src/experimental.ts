/**
 * Message shapes that are PROPOSALS of this project, not published by NHS England: the Query Results
 * acknowledgement body, the RTP cancellation and the extraction status report CSV.
 *
 * **In a high state of flux**: everything exported from `@gpes/messages/experimental` may change, without a major
 * version, when the GPES-I v6.0.1 standard is obtained. The workflow IDs, root names and versions these codecs use
 * live in the registry (`MESSAGES.QRA`, `MESSAGES.RTPC`, `MESSAGES.REPORT`, each with provenance `'P'` where
 * proposed). They are deliberately NOT exported from the main entry, so that nothing there reads as published.
 */
export * from './query-results-acknowledgement/index.js';
export * from './report-csv/index.js';
export * from './rtp-cancellation/index.js';
export { VERSION } from './version.js';
