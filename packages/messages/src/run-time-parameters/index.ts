export {
  decodeRunTimeParameters,
  decodeRunTimeParametersOrThrow,
  encodeRunTimeParameters,
} from './codec.js';
export type {
  CodeValue,
  ExclusionCodeString,
  PatientParticipation,
  QueryDomain,
  RtpPractice,
  RunTimeParameters,
  SubstitutionValue,
} from './model.js';
