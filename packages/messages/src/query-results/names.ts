// Element and attribute names of GPES-E-Q-QR-Message v6.0, and the XPath-like paths issues carry.
export const GPES_NAMESPACE = 'http://www.ic.nhs.uk/GPES-I/Schema';
export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

export const ROOT = 'GPES-E-Q-QR-Message';
export const QUERY_RESULTS = 'Query-Results';
export const MANIFEST = 'Query-Results-Manifest';
export const RECORDS = 'Query-Results-Records';
export const AGGREGATE_RECORD = 'Aggregate-Record';
export const PATIENT_LEVEL_RECORD = 'Patient-Level-Record';
export const PATIENT_TABLE = 'Patient-Table';
export const JOURNALS_TABLE = 'Journals-Table';

export const ROOT_PATH = `/${ROOT}`;
export const QUERY_RESULTS_PATH = `${ROOT_PATH}/${QUERY_RESULTS}`;
export const MANIFEST_PATH = `${QUERY_RESULTS_PATH}/${MANIFEST}`;
export const RECORDS_PATH = `${QUERY_RESULTS_PATH}/${RECORDS}`;

/** The path of the `n`th (from 1) aggregate or patient-level record. */
export const recordPath = (aggregate: boolean, n: number): string =>
  `${RECORDS_PATH}/${aggregate ? AGGREGATE_RECORD : PATIENT_LEVEL_RECORD}[${n}]`;
