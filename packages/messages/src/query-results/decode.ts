import type { DecodeIssue, DecodeResult } from '../core/issues.js';
import { MessageDecodeError } from '../core/issues.js';
import type { DecodedQrRecord, QueryResults, QueryResultsHeader } from './model.js';
import { type DecodeQueryResultsOptions, type QueryResultsEvent, QueryResultsPushParser } from './parser.js';

/** What {@link decodeQueryResultsStream} reads: bytes (UTF-8) or text, in chunks of any size. */
export type QueryResultsSource =
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array | string>
  | ReadableStream<Uint8Array | string>;

/**
 * Decodes a whole Query Results message. For small documents; use {@link decodeQueryResultsStream}
 * for large ones, which holds one record at a time.
 *
 * @param xml - the document, as text or as UTF-8 bytes.
 * @returns `{ ok: true, value }` with the header and every record, or `{ ok: false, issues }`. Never
 *   throws on bad input.
 */
export function decodeQueryResults(
  xml: string | Uint8Array,
  options?: DecodeQueryResultsOptions,
): DecodeResult<QueryResults> {
  const parser = new QueryResultsPushParser(options);
  parser.write(xml);
  parser.end();
  let header: QueryResultsHeader | undefined;
  const records: DecodedQrRecord[] = [];
  const issues: DecodeIssue[] = [];
  for (const event of parser.drain()) {
    if (event.type === 'header') header = event.header;
    else if (event.type === 'record') records.push(event.record);
    else if (event.type === 'issue') issues.push(event.issue);
  }
  if (issues.length > 0 || header === undefined) return { ok: false, issues };
  return { ok: true, value: { header, records } };
}

/**
 * Like {@link decodeQueryResults}, but throws one error carrying the issues.
 * @throws MessageDecodeError when the document has issues.
 */
export function decodeQueryResultsOrThrow(
  xml: string | Uint8Array,
  options?: DecodeQueryResultsOptions,
): QueryResults {
  const result = decodeQueryResults(xml, options);
  if (!result.ok) throw new MessageDecodeError('Query Results message is not valid', result.issues);
  return result.value;
}

/**
 * Decodes a Query Results message as it arrives: yields the header, then each record as soon as it is
 * complete, then an `end` event. Memory is bounded by the largest single record (see the
 * `maxRowsPerRecord` and `maxTextLength` limits), not by the document.
 *
 * Never throws on bad input: problems are `issue` events, and the final `end` event says whether the
 * whole document was valid. A header or record with issues is not yielded; records already yielded
 * stay valid on their own, but only `end.ok === true` means the message as a whole can be accepted.
 * Errors thrown by the source itself (a failed read) propagate unchanged.
 *
 * @param source - UTF-8 bytes or text chunks: a Node readable, a web `ReadableStream`, any (async) iterable.
 *   Chunk boundaries may fall anywhere, including inside a multi-byte character.
 * @example
 * ```ts
 * for await (const event of decodeQueryResultsStream(createReadStream('qr.xml'))) {
 *   if (event.type === 'record') store(event.record);
 *   else if (event.type === 'issue') log(event.issue); // paths and codes, no values
 *   else if (event.type === 'end' && !event.ok) rollBack();
 * }
 * ```
 */
export async function* decodeQueryResultsStream(
  source: QueryResultsSource,
  options?: DecodeQueryResultsOptions,
): AsyncGenerator<QueryResultsEvent, void, undefined> {
  const parser = new QueryResultsPushParser(options);
  for await (const piece of pieces(source)) {
    parser.write(piece);
    // A plain loop, not `yield*`: delegating to an array from an async generator goes through an
    // async-from-sync iterator, an extra promise per record.
    for (const event of parser.drain()) yield event;
    if (parser.stopped) break; // stops reading the source: the rest cannot change the outcome
  }
  parser.end();
  for (const event of parser.drain()) yield event;
}

const FEED_SLICE = 65_536;

/**
 * A large chunk is fed in slices, yielding in between, so that the queue of parsed records never grows with the
 * chunk size: memory stays bounded by one record whatever the source's chunking.
 */
function* slices(chunk: Uint8Array | string): Iterable<Uint8Array | string> {
  const sliceable = typeof chunk === 'string' || chunk instanceof Uint8Array;
  if (!sliceable || chunk.length <= FEED_SLICE) {
    yield chunk; // the parser reports anything that is neither bytes nor text
    return;
  }
  for (let at = 0; at < chunk.length; at += FEED_SLICE) {
    yield typeof chunk === 'string' ? chunk.slice(at, at + FEED_SLICE) : chunk.subarray(at, at + FEED_SLICE);
  }
}

/** The source's chunks, in slices. */
async function* pieces(source: QueryResultsSource): AsyncIterable<Uint8Array | string> {
  if (
    typeof (source as { getReader?: unknown }).getReader === 'function' &&
    !(Symbol.asyncIterator in source)
  ) {
    const reader = (source as unknown as ReadableStream<Uint8Array | string>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield* slices(value);
      }
    } finally {
      reader.releaseLock();
    }
  }
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) yield* slices(chunk);
}
