export {
  decodeRunTimeParametersResponse,
  decodeRunTimeParametersResponseOrThrow,
  encodeRunTimeParametersResponse,
} from './codec.js';
export type { RtprPractice, RunTimeParametersResponse } from './model.js';
