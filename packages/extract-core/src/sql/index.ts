// Specifications run inside the supplier's database: compile to SQL, execute on PGlite or PostgreSQL.
export {
  type CompileSpecToSqlOptions,
  compileSpecToSql,
  type SqlProgram,
  type SqlStatement,
} from './compile.js';
export {
  connectPostgres,
  openPglite,
  type PgClientLike,
  type PgliteLike,
  type PgPoolLike,
  pgliteConnection,
  type SqlConnection,
  type SqlRow,
} from './connection.js';
export { type InputModelDdlOptions, inputModelDdl } from './ddl.js';
export {
  explainFromDatabase,
  type LoadPatientRecordsOptions,
  loadPatientRecords,
  readPatientRecord,
  readPracticeRecords,
} from './records.js';
export {
  evaluateSql,
  patientResultFromRow,
  type SqlRunOptions,
  sqlAggregates,
  sqlPatientLevelRecords,
  sqlQueryResultsRecords,
} from './run.js';
