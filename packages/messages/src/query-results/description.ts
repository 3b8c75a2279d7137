// The non-streaming part of GPES-E-Q-QR-Message v6.0, described once (ADR 0008): the root and `Query-Results`
// attributes and the manifest. The shared reader and writer of `core/describe/` decode, check and encode it, in the
// QR codec's own reporting style; the records that follow it stay hand-tuned for speed (parser.ts, writer.ts).
import { compact, ElementReader } from '../core/decode-reader.js';
import { d, type ElementDescription, type Typed } from '../core/describe/builders.js';
import { readElement } from '../core/describe/read.js';
import { writeChildren } from '../core/describe/write.js';
import { EncodeContext, type OutElement, serializeDocument } from '../core/encode-writer.js';
import { type DecodeIssueCode, type DecodeResult, IssueCollector, type IssueStyle } from '../core/issues.js';
import type { XmlElement } from '../core/xml/tree.js';
import type { QueryResultsHeader } from './model.js';
import {
  GPES_NAMESPACE,
  MANIFEST_PATH,
  QUERY_RESULTS,
  QUERY_RESULTS_PATH,
  RECORDS,
  ROOT,
  ROOT_PATH,
  XSI_NAMESPACE,
} from './names.js';

const statistics = <const P extends string>(prop: P, prefix: string) =>
  d.object(`${prefix}-Statistics`, prop, {
    children: [
      d.leaf(`${prefix}-Start-Date-Time`, 'Date-Time-Type', 'startDateTime'),
      d.leaf(`${prefix}-End-Date-Time`, 'Date-Time-Type', 'endDateTime'),
    ],
  });

const queryResults = d.flat(QUERY_RESULTS, {
  // In the order the encoder writes them, the v6.0 sample's.
  attributes: [
    d.uuid('QR-UUID', 'qrUuid'),
    d.sqi(),
    d.uuid('RTP-UUID', 'rtpUuid'),
    d.practiceId(),
    d.uuid('GPET-Q-SQI-Authentication-Signature', 'gpetQSqiAuthenticationSignature'),
    d.attr('GPET-E-SQI-Authentication-Signature', 'UUID-Type', 'gpetESqiAuthenticationSignature'),
    d.issueDateTime(),
    ...d.queryNaming(),
  ],
  children: [
    d.object('Query-Results-Manifest', 'manifest', {
      children: [
        d.leaf('GPET-E-Executable-Version', 'Common-Identifier-Type', 'gpetEExecutableVersion'),
        d.flat('Payload-Identifiers', {
          children: [
            d.leaf('GP-System-Identifier', 'GPSoC-System-Identifier-Type', 'gpSystemIdentifier'),
            d.terminologyIdentifiers(),
          ],
        }),
        statistics('rtpTranslationStatistics', 'RTP-Translation'),
        statistics('queryExecutionStatistics', 'Query-Execution'),
      ],
    }),
  ],
});

/** The `Query-Results` attributes, which the streaming parser collects as the element opens. */
export const QUERY_RESULTS_ATTRIBUTES = queryResults.attributes.map((a) => a.name);

/**
 * The root and `Query-Results`. The type holds the header model to the description at compile time, both ways, but for
 * `QR-Message-Version`: fixed, yet the model holds its text rather than a flag, so it is checked apart.
 */
const description: ElementDescription & Typed<Omit<QueryResultsHeader, 'qrMessageVersion'>> = d.flat(ROOT, {
  attributes: [
    d.attr('xsi:schemaLocation', 'xs:string', 'schemaLocation'),
    d.attr('GPES-I-Version', 'Common-Identifier-Type', 'gpesIVersion', { required: true }),
  ],
  children: [queryResults],
});

const WORDS: Partial<Record<DecodeIssueCode, string>> = {
  MISSING_ELEMENT: '$ is required',
  MISSING_ATTRIBUTE: '$ is required',
  TOO_FEW: '$ is required',
  TOO_MANY: '$ must occur once',
  OUT_OF_ORDER: 'element is out of order',
  UNEXPECTED_ELEMENT: 'element is not expected here',
  UNEXPECTED_TEXT: 'text is not allowed here',
};
/** QR issues keep the terse wording they have always had (`QR-UUID is required`). */
const qrStyle: IssueStyle = {
  message(path, code) {
    const name = /([^/@[]+)(?:\[\d+\])?$/.exec(path)?.[1] ?? '';
    if (name === 'QR-Message-Version') return 'QR-Message-Version must be "0.2"';
    return (WORDS[code] ?? '$ is not valid').replace('$', name);
  },
};

function checkMessageVersion(ctx: IssueCollector, value: unknown): void {
  if (value === '0.2') return;
  const code = value === undefined ? 'MISSING_ATTRIBUTE' : 'INVALID_FIXED';
  ctx.add(`${ROOT_PATH}/@QR-Message-Version`, code, 'QR-Message-Version must be "0.2"', '0.2', String(value));
}

/**
 * Decodes the header from the tree the streaming parser built before the records: the root, `Query-Results` and its
 * manifest, with the attributes each may have (it reports the others as they open).
 */
export function readHeader(root: XmlElement, includeValues: boolean): DecodeResult<QueryResultsHeader> {
  const ctx = new IssueCollector(includeValues, undefined, qrStyle);
  const { 'QR-Message-Version': version, ...attributes } = root.attributes;
  checkMessageVersion(ctx, version);
  // Keys in the model's order.
  const out: Record<string, unknown> = {
    gpesIVersion: '',
    qrMessageVersion: '0.2',
    schemaLocation: undefined,
  };
  readElement(new ElementReader(ctx, { ...root, attributes }, GPES_NAMESPACE), description, out);
  // A missing manifest is one issue, not one more for each element it should hold.
  const manifest = root.children[0]?.children.length !== 0;
  const issues = manifest ? ctx.issues : ctx.issues.filter((i) => !i.path.startsWith(`${MANIFEST_PATH}/`));
  return issues.length > 0
    ? { ok: false, issues }
    : { ok: true, value: compact(out) as unknown as QueryResultsHeader };
}

/**
 * The document's text before the records and after them, in the canonical layout of every encoder.
 * @throws MessageDecodeError with the issues of an invalid header
 */
export function writeHeader(
  header: QueryResultsHeader,
  options: { readonly includeValues: boolean; readonly maxTextLength: number },
): [start: string, end: string] {
  const ctx = new EncodeContext(options.includeValues, undefined, qrStyle);
  const refused = 'Query Results encoder refused the header';
  if (typeof header !== 'object' || header === null) {
    ctx.add(QUERY_RESULTS_PATH, 'MISSING_ELEMENT', 'The header must be an object');
    ctx.throwIfIssues(refused);
  }
  const location = header.schemaLocation;
  if (typeof location === 'string' && location.length > options.maxTextLength) {
    const expected = `at most ${options.maxTextLength} characters`;
    ctx.add(
      `${ROOT_PATH}/@xsi:schemaLocation`,
      'INVALID_LENGTH',
      'schemaLocation is too long',
      expected,
      location,
    );
  }
  checkMessageVersion(ctx, header.qrMessageVersion);
  const [root] = writeChildren(ctx, [description], '', header as unknown as Record<string, unknown>) as [
    OutElement,
  ];
  ctx.throwIfIssues(refused);
  // The records are streamed: serialise the document with no records, and open it up where they go.
  const [qr] = root.children as [OutElement];
  (qr.children as OutElement[]).push({ name: RECORDS, attributes: [] });
  const xsi: [string, string][] = location === undefined ? [] : [['xmlns:xsi', XSI_NAMESPACE]];
  const attributes = [...xsi, ...root.attributes, ['QR-Message-Version', '0.2'] as const];
  const [start, end] = serializeDocument({ ...root, attributes }, GPES_NAMESPACE).split(`<${RECORDS}/>`);
  return [`${start}<${RECORDS}>\n`, `    </${RECORDS}>${end}`];
}
