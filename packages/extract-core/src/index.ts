// @gpes/extract-core: compile Business Rules query specifications, bind them to a run, evaluate patients.

export { type RtpRunInput, type RunContextFromRtpOptions, runContextFromRtp } from './bind/rtp.js';
export type {
  ExclusionCodeString,
  PatientParticipation,
  RunContext,
  SubsumptionProvider,
} from './bind/types.js';
export { compileSpec, safeCompileSpec } from './compile/compile.js';
export type { BoundSpec, CompiledSpec, SafeCompileResult } from './compile/types.js';
export type { ExtractConfigErrorCode, SpecIssue, SpecIssueCode } from './errors.js';
export { ExtractConfigError, isExtractConfigError, isSpecError, SpecError } from './errors.js';
export {
  aggregateSpecSet,
  type EvaluatePopulationOptions,
  evaluatePopulation,
  evaluateSpecSet,
} from './evaluate/population.js';
export { type BoundSpecSet, type CompiledSpecSet, compileSpecSet } from './evaluate/set.js';
export { createTally, type Tally } from './evaluate/tally.js';
export type {
  AggregateResult,
  Diagnostic,
  DiagnosticCode,
  ExclusionReason,
  FieldValue,
  PatientLevelRecord,
  PatientLevelRow,
  PatientResult,
  RuleOutcome,
} from './evaluate/types.js';
export {
  explain,
  type PatientExplanation,
  type RenderExplanationOptions,
  type RuleStep,
  renderExplanation,
  type TableExplanation,
  type TableRef,
} from './explain/explain.js';
export { encodeNumber } from './output/encode.js';
export {
  type QueryResultsRecordsOfSetOptions,
  type QueryResultsRecordsOptions,
  queryResultsRecords,
  queryResultsRecordsOfSet,
  toQrAggregateRecords,
  toQrPatientLevelRecord,
} from './output/qr.js';
export {
  createSpecSetWorkerPool,
  createWorkerPool,
  evaluateInWorkers,
  isWorkerPoolError,
  type SpecSetWorkerPool,
  type SpecSetWorkerPoolOptions,
  type WorkerPool,
  WorkerPoolError,
  type WorkerPoolErrorCode,
  type WorkerPoolOptions,
  type WorkerResourceLimits,
  type WorkerStreamOptions,
} from './parallel/index.js';
export type {
  CalendarDate,
  JournalEntry,
  LocalDateTime,
  Patient,
  PatientRecord,
  Registration,
} from './record.js';
export { CODE_SYSTEMS, CTV3_OID, READ_V2_OID, SNOMED_CT_OID } from './record.js';
export {
  type LibraryBuilder,
  libraryBuilder,
  rule,
  type SpecBuilder,
  type SpecHeader,
  specBuilder,
} from './spec/builder.js';
export { type LoadSpecOptions, loadSpec } from './spec/load.js';
export type {
  Action,
  ClusterDecl,
  ClusterMember,
  CountDecl,
  FieldDecl,
  FieldKind,
  IncludeDecl,
  IndicatorPartDecl,
  JournalsTableDecl,
  MonthArithmetic,
  OutputDecl,
  ParameterBinding,
  ParameterDecl,
  ParameterValueDecl,
  ParticipationDecl,
  PatientAttributeName,
  PatientLevelExtractDecl,
  PopulationDecl,
  ProportionIndicatorDecl,
  QueryLibraryDocument,
  QuerySpecDocument,
  RegisterIndicatorDecl,
  RuleDecl,
  SourceInfo,
  TiePolicy,
} from './spec/model.js';
export { QUERY_SPEC_NAMESPACE } from './spec/model.js';
export {
  type ReadLibraryXmlResult,
  type ReadSpecXmlResult,
  readLibraryXml,
  readSpecXml,
} from './spec/xml-read.js';
export { type WriteSpecXmlOptions, writeSpecXml } from './spec/xml-write.js';
export * from './sql/index.js';
export { VERSION } from './version.js';
