import { describe, expect, it } from 'vitest';
import { parseMembersCsv } from './members-csv.js';

describe('parseMembersCsv', () => {
  it('reads the OpenCodelists shape: BOM, CRLF, quoted terms with commas and quotes, trailing blank line', () => {
    const csv =
      '\ufeffcode,term\r\n73211009,"Diabetes mellitus, type ""unspecified"""\r\n44054006,Type 2 diabetes\r\n\r\n';
    expect(parseMembersCsv(csv)).toEqual({
      ok: true,
      members: [
        { code: '73211009', term: 'Diabetes mellitus, type "unspecified"' },
        { code: '44054006', term: 'Type 2 diabetes' },
      ],
    });
  });

  it('finds the code column wherever it is and needs no term column', () => {
    expect(parseMembersCsv('system,code\nsnomedct,73211009\n')).toEqual({
      ok: true,
      members: [{ code: '73211009' }],
    });
  });

  it('reports problems with a row number and never the cell content', () => {
    const unclosed = parseMembersCsv('code,term\n73211009,"Diabetes\n');
    expect(unclosed.ok).toBe(false);
    const notCode = parseMembersCsv('code,term\n73211009,ok\nJane Doe,x\n');
    expect(notCode).toEqual({ ok: false, message: 'row 3: the code is not a concept id' });
    expect(parseMembersCsv('term\nx\n')).toEqual({
      ok: false,
      message: 'the CSV header has no "code" column',
    });
    expect(parseMembersCsv('')).toEqual({ ok: false, message: 'the CSV is empty' });
  });
});
