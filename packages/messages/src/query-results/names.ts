// Element and attribute names of GPES-E-Q-QR-Message v6.0, and the XPath-like paths issues carry.
import type { QueryResultsHeader } from './model.js';
import {
  type Check,
  checkDateTime,
  checkDescription,
  checkPracticeId,
  checkSqi,
  checkUuid,
} from './primitives.js';

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

/**
 * `Query-Results` attributes, in the order the encoder writes them (the v6.0 sample's order): the attribute, the
 * header property, its check, whether it is required and whether it is a UUID (upper-cased on read and write). The
 * decoder, the validation and the encoder all read this one list.
 */
export const QUERY_RESULTS_ATTRIBUTES = [
  ['QR-UUID', 'qrUuid', checkUuid, true, true],
  ['Scheduled-Query-Instance-ID', 'scheduledQueryInstanceId', checkSqi, true, false],
  ['RTP-UUID', 'rtpUuid', checkUuid, true, true],
  ['Practice-ID', 'practiceId', checkPracticeId, true, false],
  ['GPET-Q-SQI-Authentication-Signature', 'gpetQSqiAuthenticationSignature', checkUuid, true, true],
  ['GPET-E-SQI-Authentication-Signature', 'gpetESqiAuthenticationSignature', checkUuid, false, true],
  ['Issue-Date-Time', 'issueDateTime', checkDateTime, true, false],
  ['Query-Name', 'queryName', checkDescription, false, false],
  ['Query-Description', 'queryDescription', checkDescription, false, false],
] as const satisfies ReadonlyArray<readonly [string, keyof QueryResultsHeader, Check, boolean, boolean]>;

/** The names of {@link QUERY_RESULTS_ATTRIBUTES}. */
export const QUERY_RESULTS_ATTRIBUTE_NAMES: readonly string[] = QUERY_RESULTS_ATTRIBUTES.map(
  ([name]) => name,
);
