import type { ClusterMember } from './model.js';

/** Splits CSV text into rows of fields (RFC 4180 quoting, CRLF or LF). Returns null when a quote is unclosed. */
function rows(text: string): string[][] | null {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  while (i < src.length) {
    const c = src[i] as string;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      out.push(row);
      row = [];
      field = '';
    } else field += c;
    i++;
  }
  if (quoted) return null;
  if (field !== '' || row.length > 0) {
    row.push(field);
    out.push(row);
  }
  return out.filter((r) => !(r.length === 1 && r[0] === ''));
}

/**
 * Parses a `Members` list: CSV with a header naming a `code` column and optionally a `term` column (the
 * OpenCodelists download shape). Returns an error message instead of throwing.
 */
export function parseMembersCsv(
  text: string,
): { ok: true; members: ClusterMember[] } | { ok: false; message: string } {
  const all = rows(text);
  if (all === null) return { ok: false, message: 'unclosed quote in the CSV' };
  const header = all[0];
  if (!header) return { ok: false, message: 'the CSV is empty' };
  const codeAt = header.findIndex((h) => h.trim() === 'code');
  const termAt = header.findIndex((h) => h.trim() === 'term');
  if (codeAt < 0) return { ok: false, message: 'the CSV header has no "code" column' };
  const members: ClusterMember[] = [];
  for (let r = 1; r < all.length; r++) {
    const row = all[r] as string[];
    const code = (row[codeAt] ?? '').trim();
    if (!/^\d+$/.test(code)) return { ok: false, message: `row ${r + 1}: the code is not a concept id` };
    const term = termAt >= 0 ? row[termAt] : undefined;
    members.push(term === undefined ? { code } : { code, term });
  }
  return { ok: true, members };
}
