import type { QrRecord, QueryResultsHeader } from './model.js';
import { type EncodeQueryResultsOptions, encodeContext, QrXmlWriter } from './writer.js';

const DEFAULT_CHUNK_SIZE_BYTES = 65_536;

/**
 * Encodes a Query Results message incrementally: the header first, then each record as it arrives,
 * as UTF-8 chunks. Memory stays bounded by the largest record plus one chunk, whatever the document size.
 *
 * The header is checked before this function returns; each record is checked before any of its bytes
 * are yielded. When a record is refused, iteration throws and the bytes already yielded are an
 * incomplete document: discard them (do not send a partial message).
 *
 * @param header - root attributes, `Query-Results` attributes and the manifest.
 * @param records - aggregate and patient-level records, in output order; RIDs are assigned when absent.
 * @returns an async iterable of UTF-8 chunks of about `chunkSizeBytes` each.
 * @throws MessageDecodeError, synchronously for an invalid header and during iteration for an invalid
 *   record, carrying the issues (paths and codes; values only with `includeValues`).
 * @example
 * ```ts
 * import { createWriteStream } from 'node:fs';
 * import { Readable } from 'node:stream';
 * import { pipeline } from 'node:stream/promises';
 * await pipeline(Readable.from(encodeQueryResults(header, records)), createWriteStream('qr.xml'));
 * ```
 */
export function encodeQueryResults(
  header: QueryResultsHeader,
  records: AsyncIterable<QrRecord> | Iterable<QrRecord>,
  options?: EncodeQueryResultsOptions,
): AsyncIterable<Uint8Array> {
  const writer = new QrXmlWriter(encodeContext(options));
  const start = writer.start(header);
  const chunkSize = Math.max(1024, options?.chunkSizeBytes ?? DEFAULT_CHUNK_SIZE_BYTES);
  return generate(writer, start, records, chunkSize);
}

async function* generate(
  writer: QrXmlWriter,
  start: string,
  records: AsyncIterable<QrRecord> | Iterable<QrRecord>,
  chunkSize: number,
): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  // Buffered as text and encoded per chunk: one TextEncoder call per chunk is far cheaper than one
  // per record, and a JS string never splits a character, so no chunk ends inside a UTF-8 sequence.
  // `chunkSize` counts UTF-16 units, a close enough proxy for bytes with mostly-ASCII content.
  let buffer = start;
  const full = (record: QrRecord): boolean => {
    buffer += writer.record(record);
    return buffer.length >= chunkSize;
  };
  const flush = (): Uint8Array => {
    const bytes = encoder.encode(buffer);
    buffer = '';
    return bytes;
  };
  if (Symbol.iterator in records) {
    // A synchronous source needs no await per record (a promise each, which shows at millions of records).
    for (const record of records) if (full(record)) yield flush();
  } else {
    for await (const record of records) if (full(record)) yield flush();
  }
  buffer += writer.end();
  yield flush();
}

/**
 * Encodes a whole Query Results message to a string, for small documents and tests.
 * Produces exactly the text that {@link encodeQueryResults} yields as bytes.
 * @throws MessageDecodeError carrying the issues of the first invalid part (header or record).
 */
export function encodeQueryResultsToString(
  header: QueryResultsHeader,
  records: Iterable<QrRecord>,
  options?: EncodeQueryResultsOptions,
): string {
  const writer = new QrXmlWriter(encodeContext(options));
  let s = writer.start(header);
  for (const record of records) s += writer.record(record);
  return s + writer.end();
}
