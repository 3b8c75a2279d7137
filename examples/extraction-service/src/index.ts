export type { MeshConnectionConfig, ServiceConfig, ServiceConfigFile } from './config/load-config.js';
export { CONFIG_VARIABLES, loadConfig } from './config/load-config.js';
export type { ExtractionServiceErrorCode } from './errors.js';
export { ExtractionServiceError, isExtractionServiceError } from './errors.js';
export { FileStateStore } from './state/store.js';
export type * from './state/types.js';
