export {
  computeMeshHmac,
  createMeshAuthorization,
  formatMeshTimestamp,
  type MeshAuthToken,
  type MeshCredentials,
  meshHmacMatches,
  parseMeshAuthorization,
  parseMeshTimestamp,
} from './auth.js';
export {
  type ListMessagesOptions,
  MeshClient,
  type ReconcileResult,
  type ReconcileSendOptions,
  type RetrieveMessageOptions,
  type SendMessageOptions,
  type SendMessageResult,
} from './client.js';
export {
  isMeshError,
  MeshError,
  MeshErrorCode,
  type MeshErrorOptions,
  type MeshOptionIssue,
} from './errors.js';
export { MESH_ACCEPT_V2, MEX_HEADER_MAX_LENGTH, type SendMessageHeaders } from './headers.js';
export type {
  MeshClientHooks,
  MeshErrorEvent,
  MeshRequestEvent,
  MeshResponseEvent,
  MeshRetryEvent,
} from './hooks.js';
export { type MeshLogger, type MeshLogLevel, SAFE_LOG_HEADERS } from './logger.js';
export {
  type MeshDataMessage,
  type MeshMailboxMatch,
  type MeshMessage,
  type MeshMessageBase,
  type MeshMessageStatus,
  MeshMessageType,
  type MeshProgress,
  type MeshReportMessage,
  type MeshRetrievedMessage,
  type MeshTrackingInfo,
} from './messages.js';
export {
  CHUNK_LIMITS,
  MESH_ENVIRONMENTS,
  type MeshClientOptions,
  type MeshFetch,
  type MeshRetryOptions,
  type MeshTlsOptions,
  type OperationOptions,
} from './options.js';
export { MESH_ENV_VARIABLES, meshClientOptionsFromEnv } from './options-from-env.js';
export {
  createInboxProcessor,
  type InboxHandler,
  type InboxHandlerContext,
  type InboxMessageFailedEvent,
  type InboxMessageHandledEvent,
  type InboxPassFinishedEvent,
  type InboxProcessor,
  type InboxProcessorError,
  type InboxProcessorHealth,
  type InboxProcessorOptions,
  type InboxRunSummary,
  type InboxStage,
} from './processor/inbox-processor.js';
export type { MeshMessageSource } from './send/source.js';
export { VERSION } from './version.js';
