export { fixedParticipationPolicy } from './adapters/fixed-policy.js';
export {
  parseSyntheticPractices,
  type SyntheticRecordOptions,
  syntheticRecordSource,
} from './adapters/synthetic-records.js';
export type { MeshConnectionConfig, ServiceConfig, ServiceConfigFile } from './config/load-config.js';
export { CONFIG_VARIABLES, loadConfig } from './config/load-config.js';
export type { ExtractionServiceErrorCode } from './errors.js';
export { ExtractionServiceError, isExtractionServiceError } from './errors.js';
export { createExtractionService, type ExtractionServiceHooks, main } from './main.js';
export type { PracticeDatabase } from './service/evaluate-practice.js';
export type { FaultContext, FaultHook, FaultPoint, ServiceEvent } from './service/hooks.js';
export type {
  LocalSpecification,
  ParticipationDecision,
  ParticipationPolicy,
  ParticipationRequest,
  PracticeRecordSource,
  SpecificationCatalogue,
} from './service/ports.js';
export { ExtractionService, type ExtractionServiceOptions, type RunSummary } from './service/service.js';
export { fileSpecificationCatalogue, sqiRunParameters } from './service/specifications.js';
export { EXAMPLE_SPECIFICATIONS } from './specs.js';
export { FileStateStore } from './state/store.js';
export type * from './state/types.js';
