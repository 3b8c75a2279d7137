import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { decodeQueryResultsStream, type QueryResultsHeader } from '@gpes/messages';

/** What the expected RTP says about one practice's Query Results. */
export interface QueryResultsExpectation {
  readonly rtpUuid: string;
  readonly scheduledQueryInstanceId: string;
  /** Practice → the GPET-Q signature GPES sent for it. */
  readonly cohort: ReadonlyMap<string, string>;
}

/** An acknowledgement error (QRA proposal: code, title, description). */
export interface CheckError {
  readonly code: string;
  readonly title: string;
  readonly description: string;
}

/** The outcome of checking one Query Results document. */
export interface QueryResultsCheck {
  readonly header?: QueryResultsHeader;
  readonly aggregates: readonly {
    readonly aid: string;
    readonly value: string;
    readonly description?: string;
  }[];
  readonly patientRecords: number;
  /** Uncompressed document bytes. */
  readonly bytes: number;
  readonly errors: readonly CheckError[];
}

// Titles follow the GPDPR acknowledgement taxonomy the QRA proposal borrows (gpes-i §5.6); codes are placeholders.
const XSD = { code: '00010', title: 'XSD Validation Failure' };
const REFERENCE = { code: '00012', title: 'Referential Integrity Check Failure' };
const READ = { code: '00014', title: 'File Read Error' };

/** The body, gunzipped when it starts with the gzip magic number (1f 8b), else unchanged. */
async function gunzipIfGzip(body: Readable): Promise<Readable> {
  const iterator = body[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < 2) {
    const step = await iterator.next();
    if (step.done) {
      done = true;
      break;
    }
    head.push(step.value as Buffer);
    length += (step.value as Buffer).length;
  }
  const first = Buffer.concat(head);
  async function* replay(): AsyncGenerator<Buffer> {
    yield first;
    if (done) return;
    for (let step = await iterator.next(); !step.done; step = await iterator.next())
      yield step.value as Buffer;
  }
  const whole = Readable.from(replay(), { objectMode: false });
  if (first[0] !== 0x1f || first[1] !== 0x8b) return whole;
  const gunzip = createGunzip();
  whole.on('error', (error) => gunzip.destroy(error));
  return whole.pipe(gunzip);
}

/**
 * Checks one Query Results document as it streams in: it must decode without issues with `@gpes/messages`, and its
 * header must answer the RTP (same RTP-UUID and SQI, a practice of the cohort, the cohort's signature echoed).
 * Memory stays bounded by one record whatever the document size. Issue texts carry paths and codes, never values.
 */
export async function checkQueryResults(
  body: Readable,
  compressed: boolean,
  expected: QueryResultsExpectation,
): Promise<QueryResultsCheck> {
  const errors: CheckError[] = [];
  const aggregates: { aid: string; value: string; description?: string }[] = [];
  let header: QueryResultsHeader | undefined;
  let patientRecords = 0;
  let bytes = 0;
  // The flag says what the sender did, but only gzip data is gunzipped: plain XML under a wrong flag (a server
  // that conflates transport gzip with payload compression) is read as it is, never "gunzipped" into an error.
  async function* counted(): AsyncGenerator<Uint8Array> {
    const source = compressed ? await gunzipIfGzip(body) : body;
    for await (const chunk of source) {
      bytes += (chunk as Buffer).byteLength;
      yield chunk as Buffer;
    }
  }
  try {
    for await (const event of decodeQueryResultsStream(counted())) {
      if (event.type === 'header') header = event.header;
      else if (event.type === 'record') {
        if (event.record.kind === 'aggregate') {
          aggregates.push({
            aid: event.record.aid,
            value: event.record.value,
            ...(event.record.description !== undefined ? { description: event.record.description } : {}),
          });
        } else patientRecords++;
      } else if (event.type === 'issue' && errors.length < 20) {
        errors.push({ ...XSD, description: `${event.issue.code} at ${event.issue.path}` });
      }
    }
  } catch {
    errors.push({
      ...READ,
      description: compressed ? 'the gzip payload could not be read' : 'the payload could not be read',
    });
  }
  if (header) {
    const signature = expected.cohort.get(header.practiceId);
    if (header.rtpUuid !== expected.rtpUuid) {
      errors.push({ ...REFERENCE, description: 'RTP-UUID does not match the request' });
    }
    if (header.scheduledQueryInstanceId !== expected.scheduledQueryInstanceId) {
      errors.push({ ...REFERENCE, description: 'Scheduled-Query-Instance-ID does not match the request' });
    }
    if (signature === undefined) {
      errors.push({ ...REFERENCE, description: 'Practice-ID is not in the request cohort' });
    } else if (header.gpetQSqiAuthenticationSignature !== signature) {
      errors.push({
        ...REFERENCE,
        description: 'GPET-Q-SQI-Authentication-Signature does not echo the request',
      });
    }
  } else if (errors.length === 0) {
    errors.push({ ...XSD, description: 'no Query-Results header' });
  }
  return { ...(header ? { header } : {}), aggregates, patientRecords, bytes, errors };
}
