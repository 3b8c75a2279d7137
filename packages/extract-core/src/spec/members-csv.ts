import Papa from 'papaparse';
import type { ClusterMember } from './model.js';

/**
 * Parses a `Members` list: CSV with a header naming a `code` column and optionally a `term` column (the
 * OpenCodelists download shape). Returns an error message instead of throwing.
 */
export function parseMembersCsv(
  text: string,
): { ok: true; members: ClusterMember[] } | { ok: false; message: string } {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // Blank lines (a trailing line break, a gap between blocks) are not rows of the list.
  const parsed = Papa.parse<string[]>(source, { header: false, delimiter: ',', skipEmptyLines: true });
  const [first] = parsed.errors;
  // papaparse's messages name the problem (an unclosed quote, …), never a cell's content.
  if (first) return { ok: false, message: `row ${(first.row ?? 0) + 1}: ${first.message}` };
  const [header, ...rows] = parsed.data;
  if (!header) return { ok: false, message: 'the CSV is empty' };
  const codeAt = header.findIndex((h) => h.trim() === 'code');
  const termAt = header.findIndex((h) => h.trim() === 'term');
  if (codeAt < 0) return { ok: false, message: 'the CSV header has no "code" column' };
  const members: ClusterMember[] = [];
  for (const [index, row] of rows.entries()) {
    const code = (row[codeAt] ?? '').trim();
    if (!/^\d+$/.test(code)) return { ok: false, message: `row ${index + 2}: the code is not a concept id` };
    const term = termAt >= 0 ? row[termAt] : undefined;
    members.push(term === undefined ? { code } : { code, term });
  }
  return { ok: true, members };
}
