export { decodeRtpCancellation, decodeRtpCancellationOrThrow, encodeRtpCancellation } from './codec.js';
export type { RtpCancellation } from './model.js';
