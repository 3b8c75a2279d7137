/**
 * THE registry of protocol values that depend on sources or on the project's proposals: workflow IDs, root element
 * names, namespace, versions, file names, MESH local ids and subjects, the status and event code register, the
 * report CSV columns and the compression choice. Each entry records its provenance:
 *
 * - `'S'` sourced: stated by, or visible in, a public artefact (schemas, the v6.0 sample, NHS code);
 * - `'I'` inferred: a reading of sourced material;
 * - `'P'` proposed: this project's placeholder until the GPES-I v6.0.1 standard is obtained.
 *
 * When the real standard is obtained, changing the values here must be enough (docs/messages/index.md lists the
 * re-verification items). Codecs read every such value from this module and nowhere else.
 */

import { type DataTypeName, dataTypes } from './core/data-types.js';

/** Where a registry value comes from. */
export type Provenance = 'S' | 'I' | 'P';

/** A registry value and its provenance. */
export interface RegistryEntry<T> {
  readonly value: T;
  readonly provenance: Provenance;
  /** Where it comes from, or why it was chosen. */
  readonly source: string;
}

const entry = <T>(value: T, provenance: Provenance, source: string): RegistryEntry<T> =>
  Object.freeze({ value, provenance, source });

/** The kinds of message the SDK knows. */
export const MessageKind = {
  /** Notification GPES → GP (Stage 1, Stage 2, ping): `GPES-Q-E-NT_Message`. */
  QE_NT: 'QE_NT',
  /** Notification GP → GPES (Stage 1/2 responses, events): `GPES-E-Q-NT_Message`. */
  EQ_NT: 'EQ_NT',
  /** Run-Time-Parameters request. */
  RTP: 'RTP',
  /** Run-Time-Parameters response. */
  RTPR: 'RTPR',
  /** Query Results. */
  QR: 'QR',
  /** Query Results acknowledgement (body proposed). */
  QRA: 'QRA',
  /** RTP cancellation (proposed). */
  RTPC: 'RTPC',
  /** Extraction status report CSV (content proposed). Not a MESH REPORT message. */
  REPORT: 'REPORT',
} as const;
/** One of {@link MessageKind}. */
export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];

/** Which way a message travels. */
export type Direction = 'GPES_TO_GP' | 'GP_TO_GPES';

/** Everything the registry knows about one message kind. */
export interface MessageDefinition {
  readonly kind: MessageKind;
  readonly title: string;
  readonly direction: RegistryEntry<Direction>;
  readonly format: 'xml' | 'csv';
  /** MESH `Mex-WorkflowID`. */
  readonly workflowId: RegistryEntry<string>;
  /** Root element local name (XML only). */
  readonly rootElement?: RegistryEntry<string>;
  /** Root attribute carrying the message version (XML only). */
  readonly messageVersionAttribute?: RegistryEntry<string>;
  /** The message version written and required (XML: the schema's fixed value). */
  readonly messageVersion?: RegistryEntry<string>;
  /** Whether the message body is published (sourced) or this project's proposal. */
  readonly body: RegistryEntry<'published' | 'proposed'>;
}

const GPES_I_NS = 'http://www.ic.nhs.uk/GPES-I/Schema';
const CONSTANTS_PY = 'nhsengland/Reusable-Code-Library src/dsp/shared/constants.py';

/** The GPES-I XML namespace. Sourced for the four schemas and the QR sample; assumed for the proposed messages. */
export const GPES_I_NAMESPACE: RegistryEntry<string> = entry(
  GPES_I_NS,
  'S',
  'GPES-I XSD v0.2 targetNamespace',
);

/** `GPES-I-Version` written by encoders by default. */
export const DEFAULT_GPES_I_VERSION: RegistryEntry<string> = entry(
  '6.0',
  'P',
  'the v6.0 QR sample carries "6.0"; which value GPES expects on other messages is not public',
);

/**
 * The root, version attribute, version and body entries of a message whose XSD (v0.2) is published (`source` is
 * the XSD), or that this project proposes (`source` is where).
 */
function xmlBody(body: 'published' | 'proposed', root: string, versionAttribute: string, source: string) {
  const published = body === 'published';
  const provenance: Provenance = published ? 'S' : 'P';
  return {
    rootElement: entry(root, provenance, source),
    messageVersionAttribute: entry(versionAttribute, provenance, source),
    messageVersion: entry(
      '0.2',
      provenance,
      published ? `${source} fixed value` : 'aligned with the published v0.2 messages',
    ),
    body: entry(body, provenance, published ? `${source} v0.2` : source),
  };
}

/** Every message kind, by kind. */
export const MESSAGES: Readonly<Record<MessageKind, MessageDefinition>> = Object.freeze({
  QE_NT: {
    kind: 'QE_NT',
    title: 'Notification (GPES → GP): Stage 1, Stage 2, ping',
    direction: entry<Direction>('GPES_TO_GP', 'S', 'HL7 V3 lineage COMT_IN000003GB01'),
    format: 'xml',
    workflowId: entry(
      'GPDC_NOTIFICATION',
      'P',
      'follows the <SERVICE>_<MESSAGE> pattern of NHS Digital workflow IDs',
    ),
    ...xmlBody('published', 'GPES-Q-E-NT_Message', 'Q-E-NT-Message-Version', 'GPES-Q-E-NT.xsd'),
  },
  EQ_NT: {
    kind: 'EQ_NT',
    title: 'Notification (GP → GPES): Stage 1/2 responses, events',
    direction: entry<Direction>('GP_TO_GPES', 'S', 'HL7 V3 lineage COMT_IN000004GB01'),
    format: 'xml',
    workflowId: entry('GPDC_NOTIFICATION_RESPONSE', 'P', 'follows the <SERVICE>_<MESSAGE> pattern'),
    ...xmlBody('published', 'GPES-E-Q-NT_Message', 'E-Q-NT-Message-Version', 'GPES-E-Q-NT.xsd'),
  },
  RTP: {
    kind: 'RTP',
    title: 'Run-Time-Parameters request',
    direction: entry<Direction>('GPES_TO_GP', 'S', 'HL7 V3 lineage COMT_IN000001GB01'),
    format: 'xml',
    workflowId: entry('GPDC_RTP', 'I', 'by symmetry with the sourced GPDC_RTPR'),
    ...xmlBody('published', 'GPES-Q-E-RTP-Message', 'RTP-Message-Version', 'GPES-Q-E-RTP.xsd'),
  },
  RTPR: {
    kind: 'RTPR',
    title: 'Run-Time-Parameters response',
    direction: entry<Direction>('GP_TO_GPES', 'S', 'HL7 V3 lineage COMT_IN000002GB01'),
    format: 'xml',
    workflowId: entry('GPDC_RTPR', 'S', CONSTANTS_PY),
    ...xmlBody('published', 'GPES-E-Q-RTPR-Message', 'RTPR-Message-Version', 'GPES-E-Q-RTPR.xsd'),
  },
  QR: {
    kind: 'QR',
    title: 'Query Results',
    direction: entry<Direction>('GP_TO_GPES', 'S', 'GPES MESH API page; constants.py downloads'),
    format: 'xml',
    workflowId: entry('GPDC_QUERY_RESULTS', 'S', CONSTANTS_PY),
    rootElement: entry('GPES-E-Q-QR-Message', 'S', 'v6.0 sample'),
    messageVersionAttribute: entry('QR-Message-Version', 'S', 'v6.0 sample'),
    messageVersion: entry('0.2', 'S', 'v6.0 sample'),
    body: entry<'published' | 'proposed'>('published', 'S', 'the v6.0 sample (no public XSD)'),
  },
  QRA: {
    kind: 'QRA',
    title: 'Query Results acknowledgement',
    direction: entry<Direction>('GPES_TO_GP', 'S', 'constants.py uploads'),
    format: 'xml',
    workflowId: entry('GPDC_QUERY_RESULTS_ACK', 'S', CONSTANTS_PY),
    ...xmlBody('proposed', 'GPES-Q-E-QRA-Message', 'QRA-Message-Version', 'shared/gpes-i README §5.6'),
  },
  RTPC: {
    kind: 'RTPC',
    title: 'RTP cancellation',
    direction: entry<Direction>('GPES_TO_GP', 'P', 'shared/gpes-i README §5.7'),
    format: 'xml',
    workflowId: entry('GPDC_RTP_CANCEL', 'P', 'follows the <SERVICE>_<MESSAGE> pattern'),
    ...xmlBody('proposed', 'GPES-Q-E-RTPC-Message', 'RTPC-Message-Version', 'shared/gpes-i README §5.7'),
  },
  REPORT: {
    kind: 'REPORT',
    title: 'Extraction status report (CSV)',
    direction: entry<Direction>('GP_TO_GPES', 'P', 'shared/gpes-i README §5.8'),
    format: 'csv',
    workflowId: entry('GPDC_REPORT', 'P', 'follows the <SERVICE>_<MESSAGE> pattern'),
    body: entry<'published' | 'proposed'>(
      'proposed',
      'P',
      'shared/gpes-i README §5.8 (only its existence and CSV format are sourced)',
    ),
  },
});

/** Every message kind, in catalogue order. */
export const MESSAGE_KINDS: readonly MessageKind[] = Object.freeze(Object.keys(MESSAGES) as MessageKind[]);

/**
 * The MESH workflow ID for a message kind.
 * @example workflowIdFor('RTPR') // 'GPDC_RTPR'
 */
export function workflowIdFor(kind: MessageKind): string {
  return MESSAGES[kind].workflowId.value;
}

/** The message kind for a MESH workflow ID, or `undefined` when it is not a GPES workflow. */
export function messageKindForWorkflowId(workflowId: string): MessageKind | undefined {
  return MESSAGE_KINDS.find((kind) => MESSAGES[kind].workflowId.value === workflowId);
}

/** The MESH conventions of the project (README §8), all proposals. */
export const MESH_CONVENTIONS = Object.freeze({
  /** `Mex-FileName`: `<SQI>_<PracticeID>_<MessageUUID>.xml` (`.csv` for the report). */
  fileName: entry('<SQI>_<PracticeID>_<MessageUUID>.<xml|csv>', 'P', 'shared/gpes-i README §8'),
  /** `Mex-LocalID`: the message's own UUID (RTPR-UUID, QR-UUID, E-Q-NT-UUID, …); never patient data. */
  localId: entry('<MessageUUID>', 'P', 'shared/gpes-i README §8'),
  /** `Mex-Subject`: SQI and practice code. */
  subject: entry('<SQI> <PracticeID>', 'P', 'shared/gpes-i README §8'),
  /**
   * Payload compression: gzip above a threshold, flagged with `Mex-Content-Compressed: Y`. What GPDC expects is
   * not public (the GPDPR flow on the same platform gzips), so this is a setting.
   */
  compression: entry(
    { algorithm: 'gzip' as const, thresholdBytes: 1_048_576, meshHeader: 'Mex-Content-Compressed' },
    'P',
    'shared/gpes-i README §8; mesh-api §4.6',
  ),
  /** MESH requires chunking above 100 MB per request. */
  chunkThresholdBytes: entry(100_000_000, 'S', 'shared/mesh/mesh-api.md §6'),
});

/** Parts of a file name, local id and subject. */
export interface MessageNameParts {
  readonly kind: MessageKind;
  /** The message's own UUID (`QR-UUID`, `RTPR-UUID`, …). */
  readonly messageUuid: string;
  /** Scheduled Query Instance ID; optional only for the report, which may cover several. */
  readonly scheduledQueryInstanceId?: string;
  /** Practice ID; optional only for the report. */
  readonly practiceId?: string;
}

/**
 * The proposed `Mex-FileName`: `<SQI>_<PracticeID>_<MessageUUID>.xml`, or `.csv` for the report (whose SQI and
 * practice parts are left out when not given). Parts are not validated here; encoders validate message content.
 */
export function fileNameFor(parts: MessageNameParts): string {
  return `${[...givenIds(parts), localIdFor(parts)].join('_')}.${MESSAGES[parts.kind].format}`;
}

/** The SQI and practice ID, when given. */
function givenIds(parts: MessageNameParts): string[] {
  return [parts.scheduledQueryInstanceId, parts.practiceId].filter(
    (p): p is string => p !== undefined && p !== '',
  );
}

const pattern = (type: DataTypeName): string => dataTypes[type].facets?.pattern ?? '';
const FILE_NAME = new RegExp(
  `^(?:(${pattern('Scheduled-Query-Instance-ID-Type')})_(${pattern('Practice-ID-Type')})_)?(${pattern('UUID-Type')})\\.(xml|csv)$`,
);

/** The parts of a file name written by {@link fileNameFor}, or `undefined` when it does not follow it. */
export function parseFileName(
  fileName: string,
):
  | { scheduledQueryInstanceId?: string; practiceId?: string; messageUuid: string; format: 'xml' | 'csv' }
  | undefined {
  const m = FILE_NAME.exec(fileName);
  if (!m) return undefined;
  const out: NonNullable<ReturnType<typeof parseFileName>> = {
    messageUuid: m[3]!,
    format: m[4] as 'xml' | 'csv',
  };
  if (m[1] !== undefined) out.scheduledQueryInstanceId = m[1];
  if (m[2] !== undefined) out.practiceId = m[2];
  return out;
}

/** The proposed `Mex-LocalID`: the message's own UUID, upper case. */
export function localIdFor(parts: MessageNameParts): string {
  return parts.messageUuid.toUpperCase();
}

/**
 * The proposed `Mex-Subject`: SQI and practice code, space-separated, or `GPES <kind>` when neither is known.
 * Always printable ASCII, because MESH carries it in an HTTP header (Latin-1 at best).
 */
export function subjectFor(parts: MessageNameParts): string {
  const bits = givenIds(parts);
  return bits.length > 0 ? bits.join(' ') : `GPES ${parts.kind}`;
}

/** Whether a payload of `byteLength` bytes should be gzip-compressed under the registry's proposal. */
export function shouldCompress(byteLength: number): boolean {
  return byteLength > MESH_CONVENTIONS.compression.value.thresholdBytes;
}

/** A code of the (non-public) GPES Interface Code Register, and its placeholder meaning. */
export interface StatusCodeDefinition {
  readonly code: string;
  readonly meaning: string;
}

/** Named placeholder status codes (see {@link STATUS_CODES}). */
export const StatusCode = {
  ACCEPTED: '00000',
  PRACTICE_NOT_ON_SYSTEM: '00001',
  PRACTICE_DECLINED: '00002',
  CUTOFF_PASSED: '00003',
  INVALID_PARAMETERS: '00004',
  OTHER_ERROR: '000FF',
} as const;

/** The meaning of each named code: the type makes the two lists name the same codes. */
const STATUS_MEANINGS: Record<(typeof StatusCode)[keyof typeof StatusCode], string> = {
  '00000': 'accepted',
  '00001': 'practice not on this system',
  '00002': 'practice declined',
  '00003': 'cut-off date passed',
  '00004': 'invalid parameters',
  '000FF': 'other error',
};

/**
 * Placeholder register for `RTP-Response-ID` and `Event-Code` (five upper-case hex digits). NON-NORMATIVE: the
 * real "GPES Interface Code Register" is not public. Codes outside this list are still valid on the wire.
 */
export const STATUS_CODES: RegistryEntry<readonly StatusCodeDefinition[]> = entry(
  Object.freeze(Object.values(StatusCode).map((code) => ({ code, meaning: STATUS_MEANINGS[code] }))),
  'P',
  'shared/gpes-i README §5.9 (placeholder; the register is named in GPES-E-Q-NT.xsd but not public)',
);

/** The placeholder meaning of a code, or `undefined` for a code outside the placeholder register. */
export function describeStatusCode(code: string): string | undefined {
  return STATUS_CODES.value.find((c) => c.code === code)?.meaning;
}

/** Report CSV columns, in order (proposal). */
export const REPORT_COLUMNS = entry(
  Object.freeze([
    'REPORT_DATE',
    'SUPPLIER',
    'GP_SYSTEM_IDENTIFIER',
    'PRACTICE_ID',
    'SCHEDULED_QUERY_INSTANCE_ID',
    'RTP_UUID',
    'STATUS',
    'STATUS_CODE',
    'QR_UUID',
    'QR_ISSUE_DATE_TIME',
    'AGGREGATE_RECORD_COUNT',
    'PATIENT_RECORD_COUNT',
    'EXECUTION_START',
    'EXECUTION_END',
    'DETAIL',
  ] as const),
  'P',
  'shared/gpes-i README §5.8',
);

/** Report CSV `STATUS` values (proposal). */
export const REPORT_STATUSES = entry(
  Object.freeze([
    'RECEIVED',
    'ACCEPTED',
    'DECLINED',
    'SCHEDULED',
    'EXECUTED',
    'SENT',
    'ACKNOWLEDGED',
    'REJECTED',
    'FAILED',
    'CANCELLED',
    'EXPIRED',
  ] as const),
  'P',
  'shared/gpes-i README §5.8',
);
