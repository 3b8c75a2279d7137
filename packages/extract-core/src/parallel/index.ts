export { isWorkerPoolError, WorkerPoolError, type WorkerPoolErrorCode } from './errors.js';
export {
  createSpecSetWorkerPool,
  createWorkerPool,
  evaluateInWorkers,
  type SpecSetWorkerPool,
  type SpecSetWorkerPoolOptions,
  type WorkerPool,
  type WorkerPoolOptions,
  type WorkerResourceLimits,
  type WorkerStreamOptions,
} from './pool.js';
