import { describe, expect, it } from 'vitest';
import { createGuardedXmlParser } from './guarded-parser.js';
import { parseXmlDocument } from './tree.js';

const NS = 'http://www.ic.nhs.uk/GPES-I/Schema';
const enc = (s: string) => new TextEncoder().encode(s);

function codeOf(input: string | Uint8Array, limits?: Parameters<typeof parseXmlDocument>[1]) {
  const r = parseXmlDocument(input, limits);
  return r.ok ? 'ok' : r.issues.map((i) => i.code).join(',');
}

describe('parseXmlDocument', () => {
  it('builds a tree with namespaces, unqualified attributes and indexed paths', () => {
    const r = parseXmlDocument(
      `<?xml version="1.0" encoding="UTF-8"?>\n<gpes:R xmlns:gpes="${NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="x" a="1&amp;2"><gpes:C>t&#167;<![CDATA[<x>]]></gpes:C><gpes:C/><gpes:D/></gpes:R>`,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.name).toBe('R');
    expect(r.value.ns).toBe(NS);
    expect({ ...r.value.attributes }).toEqual({ a: '1&2' });
    expect(r.value.children.map((c) => c.path)).toEqual(['/R/C[1]', '/R/C[2]', '/R/D']);
    expect(r.value.children[0]?.text).toBe('t\u00a7<x>');
  });

  it('refuses a DOCTYPE and a billion-laughs entity bomb without expanding anything', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`;
    expect(codeOf(bomb)).toBe('XML_DOCTYPE_FORBIDDEN');
    expect(codeOf('<!DOCTYPE r SYSTEM "file:///etc/passwd"><r/>')).toBe('XML_DOCTYPE_FORBIDDEN');
  });

  it('refuses undefined entity references but resolves the predefined ones', () => {
    expect(codeOf('<r>&xxe;</r>')).toBe('XML_ENTITY_FORBIDDEN');
    expect(codeOf('<r a="&lt;&gt;&amp;&quot;&apos;&#x41;">&lt;</r>')).toBe('ok');
  });

  it('enforces each limit with its own code', () => {
    const deep = `${'<a>'.repeat(70)}${'</a>'.repeat(70)}`;
    expect(codeOf(deep)).toBe('LIMIT_DEPTH');
    expect(codeOf(deep, { limits: { maxDepth: 100 } })).toBe('ok');
    const attrs = Array.from({ length: 300 }, (_, i) => `a${i}="1"`).join(' ');
    expect(codeOf(`<r ${attrs}/>`)).toBe('LIMIT_ATTRIBUTES');
    expect(codeOf(`<r>${'x'.repeat(2000)}</r>`, { limits: { maxTextLength: 1000 } })).toBe(
      'LIMIT_TEXT_LENGTH',
    );
    expect(codeOf(`<r a="${'x'.repeat(2000)}"/>`, { limits: { maxTextLength: 1000 } })).toBe(
      'LIMIT_TEXT_LENGTH',
    );
    expect(codeOf(`<r>${'x'.repeat(2000)}</r>`, { limits: { maxDocumentBytes: 1000 } })).toBe(
      'LIMIT_DOCUMENT_SIZE',
    );
    const many = `<r>${'<a/>'.repeat(300)}</r>`;
    expect(codeOf(many, { limits: { maxNodes: 200 } })).toBe('LIMIT_DOCUMENT_SIZE');
    expect(codeOf(many, { limits: { maxNodes: 301 } })).toBe('ok');
    expect(codeOf(`<r b="1">${'<a c="1"/>'.repeat(100)}</r>`, { limits: { maxNodes: 201 } })).toBe(
      'LIMIT_DOCUMENT_SIZE',
    );
  });

  it('bounds an unterminated run across chunks before saxes buffers it', () => {
    const issues: string[] = [];
    const p = createGuardedXmlParser(
      {},
      { limits: { maxTextLength: 100 }, onIssue: (i) => issues.push(i.code) },
    );
    expect(p.write('<r a="')).toBe(true);
    expect(p.write('y'.repeat(60))).toBe(true);
    expect(p.write('y'.repeat(60))).toBe(false);
    expect(issues).toEqual(['LIMIT_TEXT_LENGTH']);
  });

  it('decodes UTF-8 with and without BOM, and UTF-16 with BOM in both byte orders', () => {
    const doc = '<?xml version="1.0" encoding="UTF-16"?><r>\u00a7é</r>';
    const le = new Uint8Array(2 + doc.length * 2);
    const be = new Uint8Array(2 + doc.length * 2);
    le.set([0xff, 0xfe]);
    be.set([0xfe, 0xff]);
    for (let i = 0; i < doc.length; i++) {
      const c = doc.charCodeAt(i);
      le[2 + 2 * i] = c & 0xff;
      le[3 + 2 * i] = c >> 8;
      be[2 + 2 * i] = c >> 8;
      be[3 + 2 * i] = c & 0xff;
    }
    for (const bytes of [le, be]) {
      const r = parseXmlDocument(bytes);
      expect(r.ok && r.value.text).toBe('\u00a7é');
    }
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...enc('<r>é</r>')]);
    const r = parseXmlDocument(bom);
    expect(r.ok && r.value.text).toBe('é');
    expect(codeOf('\ufeff<r/>')).toBe('ok');
  });

  it('refuses other encodings and invalid UTF-8', () => {
    expect(codeOf(enc('<?xml version="1.0" encoding="ISO-8859-1"?><r/>'))).toBe('ENCODING_UNSUPPORTED');
    expect(codeOf(enc('<?xml version="1.0" encoding="UTF-16"?><r/>'))).toBe('ENCODING_UNSUPPORTED');
    expect(codeOf(new Uint8Array([0x3c, 0, 0x72, 0, 0x2f, 0, 0x3e, 0]))).toBe('ENCODING_UNSUPPORTED');
    expect(codeOf(new Uint8Array([0, 0, 0xfe, 0xff, 0, 0, 0, 0x3c]))).toBe('ENCODING_UNSUPPORTED');
    expect(codeOf(new Uint8Array([...enc('<r>'), 0xc3, 0x28, ...enc('</r>')]))).toBe('ENCODING_INVALID');
    expect(codeOf(new Uint8Array([...enc('<r>'), 0xe2, 0x82]))).toBe('ENCODING_INVALID');
  });

  it('reports malformed and truncated documents without echoing their content', () => {
    const r = parseXmlDocument('<r><secret-9434765919></r>');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]?.code).toBe('XML_MALFORMED');
    expect(r.issues[0]?.message).not.toContain('9434765919');
    expect(codeOf('<r><a>')).toBe('XML_MALFORMED');
    expect(codeOf('')).toBe('XML_MALFORMED');
    expect(codeOf('   ')).toBe('XML_MALFORMED');
    expect(codeOf(null as never)).toBe('XML_MALFORMED');
    expect(codeOf({ length: 3 } as never)).toBe('XML_MALFORMED');
  });

  it('splits multi-byte characters across chunks correctly', () => {
    const bytes = enc('<r>\u00a7\u{1F600}</r>');
    let text = '';
    const issues: string[] = [];
    const p = createGuardedXmlParser({ onText: (t) => (text += t) }, { onIssue: (i) => issues.push(i.code) });
    for (const b of bytes) p.write(new Uint8Array([b]));
    expect(p.close()).toBe(true);
    expect(issues).toEqual([]);
    expect(text).toBe('\u00a7\u{1F600}');
  });
});
