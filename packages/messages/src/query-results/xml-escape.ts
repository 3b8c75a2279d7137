// A hand-written escaper for the streaming writer (ADR 0004). xmlbuilder2 builds a node tree for
// every element it writes; at hundreds of megabytes that costs several times the bytes written,
// while QR content is flat attributes and short text, for which escaping is the only XML work.
// Values reach here already checked by isXmlSafe (validate.ts), so only markup characters remain.

const ATTR_SPECIAL = /[&<>"\t\n\r]/;
const ATTR_ALL = /[&<>"\t\n\r]/g;
const TEXT_SPECIAL = /[&<>\r]/;
const TEXT_ALL = /[&<>\r]/g;

// Tab, LF and CR are written as character references in attributes: attribute-value normalisation
// would otherwise turn them into spaces on the way back in. CR in text would become LF.
const REPLACEMENTS: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

const replace = (c: string): string => REPLACEMENTS[c] ?? c;

/** Escapes a value for a double-quoted attribute. */
export function escapeAttribute(value: string): string {
  return ATTR_SPECIAL.test(value) ? value.replace(ATTR_ALL, replace) : value;
}

/** Escapes character data (element text). */
export function escapeText(value: string): string {
  return TEXT_SPECIAL.test(value) ? value.replace(TEXT_ALL, replace) : value;
}
