export {
  type CheckError,
  checkQueryResults,
  type QueryResultsCheck,
  type QueryResultsExpectation,
} from './check-query-results.js';
export {
  GpesSimulator,
  type GpesSimulatorOptions,
  type PracticeOutcome,
  type SimulatorEvent,
} from './simulator.js';
