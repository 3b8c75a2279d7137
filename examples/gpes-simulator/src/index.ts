export {
  type CheckError,
  checkQueryResults,
  type QueryResultsCheck,
  type QueryResultsExpectation,
} from './check-query-results.js';
export { main, type SimulatorRun } from './main.js';
export {
  GpesSimulator,
  type GpesSimulatorOptions,
  type PracticeOutcome,
  type SimulatorEvent,
} from './simulator.js';
