import { describe, expect, it } from 'vitest';
import { decodeQueryResults } from '../../query-results/decode.js';
import { decodeRunTimeParametersResponse } from '../../run-time-parameters-response/index.js';
import { parseXmlDocument } from './tree.js';

const NS = 'http://www.ic.nhs.uk/GPES-I/Schema';

function issueOf(xml: string) {
  const r = parseXmlDocument(xml);
  return r.ok ? 'ok' : `${r.issues[0]?.code} ${r.issues[0]?.path}`;
}

// Namespaces in XML 1.0: a document that breaks these is not namespace-well-formed, whatever its schema says.
describe('namespace well-formedness', () => {
  it('refuses one attribute written twice under two prefixes bound to one URI, at the parent path', () => {
    expect(issueOf(`<r xmlns:a="urn:x" xmlns:b="urn:x"><c a:n="1" b:n="2"/></r>`)).toBe('XML_MALFORMED /r');
    expect(issueOf(`<r xmlns:a="urn:x" xmlns:b="urn:y"><c a:n="1" b:n="2"/></r>`)).toBe('ok');
    expect(issueOf(`<r xmlns:a="urn:x"><c a:n="1" n="2"/></r>`)).toBe('ok');
  });

  it('refuses reserved prefixes and names rebound, and a prefix undeclared', () => {
    expect(issueOf(`<r xmlns:xmlns="urn:x"/>`)).toBe('XML_MALFORMED /');
    expect(issueOf(`<r xmlns:xml="urn:x"/>`)).toBe('XML_MALFORMED /');
    expect(issueOf(`<r xmlns:p="http://www.w3.org/XML/1998/namespace"/>`)).toBe('XML_MALFORMED /');
    expect(issueOf(`<r xmlns="http://www.w3.org/2000/xmlns/"/>`)).toBe('XML_MALFORMED /');
    expect(issueOf(`<r xmlns:p="urn:x"><c xmlns:p=""/></r>`)).toBe('XML_MALFORMED /r');
    // What stays allowed: the xml prefix bound to its own name, the default namespace undeclared.
    expect(
      issueOf(`<r xmlns:xml="http://www.w3.org/XML/1998/namespace" xmlns="urn:x"><c xmlns=""/></r>`),
    ).toBe('ok');
  });

  it('applies to the message decoders and the Query Results stream alike', () => {
    const twice = `<g:GPES-E-Q-RTPR-Message xmlns:g="${NS}" xmlns:p="urn:x" xmlns:q="urn:x" p:n="1" q:n="2"/>`;
    expect(decodeRunTimeParametersResponse(twice).ok).toBe(false);
    const r = decodeQueryResults(`<GPES-E-Q-QR-Message xmlns="${NS}" xmlns:xmlns="urn:x"/>`);
    expect(r.ok ? [] : r.issues.map((i) => i.code)).toEqual(['XML_MALFORMED']);
  });
});
