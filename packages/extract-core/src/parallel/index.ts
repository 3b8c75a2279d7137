export { isWorkerPoolError, WorkerPoolError, type WorkerPoolErrorCode } from './errors.js';
export {
  createWorkerPool,
  evaluateInWorkers,
  type WorkerPool,
  type WorkerPoolOptions,
  type WorkerResourceLimits,
  type WorkerStreamOptions,
} from './pool.js';
