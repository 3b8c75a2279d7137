/**
 * Bounds on what the XML reader accepts. Each one turns hostile or broken input into a clear issue instead of
 * unbounded memory or time. All are configurable per call; the defaults suit every GPES-I message except Query
 * Results, whose decoder raises `maxDocumentBytes` because real documents run to hundreds of megabytes.
 */
export interface XmlLimits {
  /**
   * Deepest element nesting accepted (the root is depth 1). GPES-I messages nest at most 8 deep.
   * @default 64
   */
  readonly maxDepth?: number;
  /**
   * Most attributes on one element (namespace declarations included). The widest GPES-I element has 10.
   * @default 256
   */
  readonly maxAttributes?: number;
  /**
   * Longest text node, CDATA section or attribute value, in characters. Also bounds any run of input without
   * markup (`<` or `>`), so an unterminated tag or comment cannot grow a buffer without limit.
   * @default 1_048_576 (1 MiB)
   */
  readonly maxTextLength?: number;
  /**
   * Largest document accepted, in bytes (UTF-8 bytes for string input).
   * @default 33_554_432 (32 MiB)
   */
  readonly maxDocumentBytes?: number;
  /**
   * Most elements plus attributes in one document: bounds the memory of a whole-document decode, whose tree
   * costs far more than the bytes it came from. An RTP for 6 500 practices has about 13 000. Streaming readers
   * that keep nothing (Query Results) pass `Infinity`.
   * @default 262_144
   */
  readonly maxNodes?: number;
}

/** The defaults of {@link XmlLimits}, resolved. */
export const DEFAULT_XML_LIMITS: Required<XmlLimits> = Object.freeze({
  maxDepth: 64,
  maxAttributes: 256,
  maxTextLength: 1_048_576,
  maxDocumentBytes: 33_554_432,
  maxNodes: 262_144,
});

/** Fills in defaults: a missing, zero, negative or NaN limit takes the default; `Infinity` means no limit. */
export function resolveLimits(limits: XmlLimits | undefined): Required<XmlLimits> {
  const resolved = Object.entries(DEFAULT_XML_LIMITS).map(([key, fallback]) => {
    const value = limits?.[key as keyof XmlLimits];
    return [key, typeof value === 'number' && value > 0 && !Number.isNaN(value) ? value : fallback];
  });
  return Object.fromEntries(resolved) as Required<XmlLimits>;
}
