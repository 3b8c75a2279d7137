import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { SYNTHETIC_QR_HEADER } from '../../test/support/query-results.js';
import { isMessageDecodeError } from '../core/issues.js';
import {
  type DecodedQrRecord,
  decodeQueryResults,
  decodeQueryResultsStream,
  encodeQueryResults,
  encodeQueryResultsToString,
  type QrPatientLevelRecord,
  type QrRecord,
  type QueryResultsEvent,
  type QueryResultsHeader,
} from './index.js';
import { isXmlSafe } from './primitives.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/query-results/', import.meta.url));
const SAMPLE = readFileSync(`${FIXTURES}sample/qr-v6.0-cvdprevent.xml`, 'utf8');

/**
 * "Equivalent" XML: the same tree of elements (namespace URI + local name), the same attributes (namespace URI +
 * local name → value; namespace declarations are not attributes), the same text of every element. Ignored, as XML
 * itself treats them as insignificant here: the XML declaration, prefixes, attribute order, quoting, `<a/>` vs
 * `<a></a>`, and whitespace-only text between elements (indentation).
 */
function canonical(xml: string): unknown {
  const sax = new SaxesParser({ xmlns: true });
  type Node = { name: string; attributes: Record<string, string>; children: (Node | string)[] };
  const stack: Node[] = [{ name: '#document', attributes: {}, children: [] }];
  sax.on('opentag', (tag) => {
    const attributes: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix !== 'xmlns' && a.name !== 'xmlns') attributes[`{${a.uri}}${a.local}`] = a.value;
    }
    const node: Node = { name: `{${tag.uri}}${tag.local}`, attributes: sortKeys(attributes), children: [] };
    stack.at(-1)?.children.push(node);
    stack.push(node);
  });
  sax.on('closetag', () => stack.pop());
  sax.on('text', (t) => {
    if (/[^ \t\r\n]/.test(t)) stack.at(-1)?.children.push(t);
  });
  sax.write(xml).close();
  return stack[0]?.children;
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function collect(events: AsyncIterable<QueryResultsEvent>): Promise<QueryResultsEvent[]> {
  const out: QueryResultsEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

const header = SYNTHETIC_QR_HEADER;

function patient(i: number, rows: number): QrRecord {
  return {
    kind: 'patient-level',
    patientTables: [
      {
        qid: 1,
        lid: 1,
        columns: { 'DATE-OF-BIRTH': '1965-05-17', 'NHS-NUMBER': '9990000018', SEX: String((i % 2) + 1) },
      },
    ],
    journalsTables: Array.from({ length: rows }, (_, j) => ({
      qid: 2,
      lid: j + 1,
      columns: {
        DATE: '2019-02-15',
        CODE: `1628630${j % 10}4`,
        'VALUE1-CONDITION': `${i % 300}.${j % 10}`,
        'VALUE2-CONDITION': '',
      },
    })),
  };
}

describe('the real v6.0 sample', () => {
  it('decodes without issues, keeping every field', () => {
    const r = decodeQueryResults(SAMPLE);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.value.header.scheduledQueryInstanceId).toBe('A00151-202003310000-R');
    expect(r.value.header.manifest.terminologyIdentifiers).toEqual([
      {
        codeSchemeId: '2.16.840.1.113883.2.1.3.2.4.15',
        terminologyName: 'SNOMED-CT',
        terminologyRelease: '',
      },
    ]);
    expect(r.value.records.map((x) => [x.kind, x.rid])).toEqual([
      ['aggregate', 1],
      ['aggregate', 2],
      ['patient-level', 7],
      ['patient-level', 8],
    ]);
    const seven = r.value.records[2] as DecodedQrRecord & { kind: 'patient-level' };
    expect(seven.journalsTables.map((row) => row.columns['VALUE1-CONDITION'])).toEqual(['', '27.9', '156']);
  });

  it('re-encodes to an equivalent document (same elements, attributes and text)', () => {
    const r = decodeQueryResults(SAMPLE);
    if (!r.ok) throw new Error('sample did not decode');
    const xml = encodeQueryResultsToString(r.value.header, r.value.records);
    expect(canonical(xml)).toEqual(canonical(SAMPLE));
  });
});

describe('golden fixtures', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.xml'));
  it('has both kinds', () => {
    expect(files.filter((f) => f.startsWith('valid-')).length).toBeGreaterThanOrEqual(2);
    expect(files.filter((f) => f.startsWith('invalid-')).length).toBeGreaterThanOrEqual(10);
  });
  for (const file of files) {
    const base = `${FIXTURES}${file.replace(/\.xml$/, '')}`;
    const xml = readFileSync(`${FIXTURES}${file}`);
    if (file.startsWith('valid-')) {
      it(`${file} decodes to its .expected.json and re-encodes to the same bytes`, () => {
        const r = decodeQueryResults(xml);
        if (!r.ok) throw new Error(JSON.stringify(r.issues));
        expect(r.value).toEqual(JSON.parse(readFileSync(`${base}.expected.json`, 'utf8')));
        expect(encodeQueryResultsToString(r.value.header, r.value.records)).toBe(xml.toString('utf8'));
      });
    } else {
      it(`${file} yields exactly its .issues.json, in both decoders`, async () => {
        const expected = JSON.parse(readFileSync(`${base}.issues.json`, 'utf8'));
        const r = decodeQueryResults(xml);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.issues).toEqual(expected);
        const events = await collect(decodeQueryResultsStream([xml]));
        expect(events.flatMap((e) => (e.type === 'issue' ? [e.issue] : []))).toEqual(expected);
        expect(events.at(-1)).toMatchObject({ type: 'end', ok: false });
      });
    }
  }
});

describe('issues and values', () => {
  it('never carry the offending value unless asked', () => {
    const xml = readFileSync(`${FIXTURES}invalid-nhs-number-check-digit.xml`, 'utf8');
    const quiet = decodeQueryResults(xml);
    expect(JSON.stringify(quiet)).not.toContain('9990000019');
    const loud = decodeQueryResults(xml, { includeValues: true });
    expect(loud.ok ? [] : loud.issues.map((i) => i.value)).toEqual(['9990000019']);
  });
});

describe('encoder', () => {
  const refused = (records: QrRecord[], h: QueryResultsHeader = header) => {
    try {
      encodeQueryResultsToString(h, records);
    } catch (e) {
      if (isMessageDecodeError(e))
        return e.issues.map((i) => [i.path.replace(/^.*Query-Results-Records\//, ''), i.code]);
      throw e;
    }
    throw new Error('not refused');
  };
  const journal = (columns: Record<string, string>): QrRecord => ({
    kind: 'patient-level',
    patientTables: [],
    journalsTables: [{ qid: 2, lid: 1, columns }],
  });

  it('refuses the schema traps with typed issues', () => {
    expect(refused([journal({ 'VALUE1-CONDITION': '1.23456' })])).toEqual([
      ['Patient-Level-Record[1]/Journals-Table[1]/@VALUE1-CONDITION', 'INVALID_NUMBER'],
    ]);
    expect(refused([journal({ DATE: '9999-99-99' })])).toEqual([
      ['Patient-Level-Record[1]/Journals-Table[1]/@DATE', 'INVALID_DATE'],
    ]);
    expect(refused([{ kind: 'aggregate', aid: header.qrUuid, value: 'a§' }])).toEqual([
      ['Aggregate-Record[1]', 'INVALID_VALUE'],
    ]);
    expect(refused([], { ...header, issueDateTime: '2020-03-25T10:04:45+01:00' })).toEqual([
      ['/GPES-E-Q-QR-Message/Query-Results/@Issue-Date-Time', 'INVALID_DATETIME'],
    ]);
    expect(refused([journal({ 'BAD NAME': '' })])).toEqual([
      ['Patient-Level-Record[1]/Journals-Table[1]/@BAD NAME', 'UNEXPECTED_ATTRIBUTE'],
    ]);
    expect(refused([journal({ CODE: 'a\u0001' })])).toEqual([
      ['Patient-Level-Record[1]/Journals-Table[1]/@CODE', 'INVALID_VALUE'],
    ]);
    expect(
      refused([
        { kind: 'aggregate', rid: 2, aid: header.qrUuid, value: '1' },
        { kind: 'aggregate', rid: 2, aid: header.qrUuid, value: '1' },
      ]),
    ).toEqual([['Aggregate-Record[2]/@RID', 'OUT_OF_ORDER']]);
  });

  it('checks that LIDs are unique per table and QID, in or out of order', () => {
    const rows = (lids: number[]) => ({
      kind: 'patient-level' as const,
      patientTables: [{ qid: 1, lid: 1, columns: {} }],
      journalsTables: lids.map((lid) => ({ qid: 2, lid, columns: {} })),
    });
    expect(() => encodeQueryResultsToString(header, [rows([1, 2, 3]), rows([3, 1, 2])])).not.toThrow();
    expect(refused([rows([1, 2, 2])])).toEqual([
      ['Patient-Level-Record[1]/Journals-Table[3]/@LID', 'INCONSISTENT'],
    ]);
    expect(refused([rows([2, 1, 2])])).toEqual([
      ['Patient-Level-Record[1]/Journals-Table[3]/@LID', 'INCONSISTENT'],
    ]);
  });

  it('writes sentinels only when allowed, and upper-cases UUIDs', () => {
    const xml = encodeQueryResultsToString(
      { ...header, qrUuid: header.qrUuid.toLowerCase() },
      [journal({ DATE: '0000-00-00' })],
      {
        allowDateSentinels: true,
      },
    );
    expect(xml).toContain(`QR-UUID="${header.qrUuid}"`);
    const r = decodeQueryResults(xml);
    expect(r.ok && r.value.records[0]).toMatchObject({
      journalsTables: [{ columns: { DATE: '0000-00-00' } }],
    });
  });

  it('escapes markup and whitespace in values so that they decode unchanged', () => {
    const value = 'a&b<c>"d\'\te\nf\rg§h]]>';
    const xml = encodeQueryResultsToString({ ...header, queryName: value }, [journal({ EXTRA: value })]);
    const r = decodeQueryResults(xml);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.value.header.queryName).toBe(value);
    expect((r.value.records[0] as QrPatientLevelRecord).journalsTables[0]?.columns.EXTRA).toBe(value);
  });

  it('streams the same bytes as the string encoder, in bounded chunks, and throws mid-stream on a bad record', async () => {
    const records = Array.from({ length: 300 }, (_, i) => patient(i, 5));
    const chunks: Uint8Array[] = [];
    for await (const c of encodeQueryResults(header, records, { chunkSizeBytes: 4096 })) chunks.push(c);
    expect(chunks.length).toBeGreaterThan(10);
    expect(Math.max(...chunks.slice(0, -1).map((c) => c.length))).toBeLessThan(4096 + 2048);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(encodeQueryResultsToString(header, records));
    async function* bad() {
      yield patient(1, 1);
      yield journal({ SEX: '3' });
    }
    await expect(bytesOf(encodeQueryResults(header, bad()))).rejects.toSatisfy(isMessageDecodeError);
    expect(() => encodeQueryResults({ ...header, practiceId: 'x' }, [])).toThrow(/refused the header/);
  });
});

describe('streaming decoder', () => {
  it('yields the same records as the whole decoder for a multi-MB document, header first', async () => {
    const records = Array.from({ length: 4000 }, (_, i) =>
      i % 40 === 0
        ? { kind: 'aggregate' as const, aid: header.rtpUuid, value: String(i) }
        : patient(i, 1 + (i % 12)),
    );
    const bytes = await bytesOf(encodeQueryResults(header, records));
    expect(bytes.length).toBeGreaterThan(2 * 1024 * 1024);
    const whole = decodeQueryResults(bytes);
    if (!whole.ok) throw new Error(JSON.stringify(whole.issues));
    const chunks = Array.from({ length: Math.ceil(bytes.length / 65_536) }, (_, i) =>
      bytes.subarray(i * 65_536, (i + 1) * 65_536),
    );
    const events = await collect(decodeQueryResultsStream(ReadableStream.from(chunks)));
    expect(events[0]).toEqual({ type: 'header', header: whole.value.header });
    expect(events.filter((e) => e.type === 'record').map((e) => (e as { record: unknown }).record)).toEqual(
      whole.value.records,
    );
    expect(events.at(-1)).toEqual({
      type: 'end',
      ok: true,
      recordCount: 4000,
      issueCount: 0,
      stopped: false,
    });
    // One huge chunk is fed in slices too, with the same result.
    expect(await collect(decodeQueryResultsStream([bytes]))).toEqual(events);
  }, 60_000);

  it('is indifferent to chunk boundaries, including inside multi-byte UTF-8 characters', async () => {
    const records = [
      {
        kind: 'aggregate' as const,
        aid: header.rtpUuid,
        description: 'Zoë’s count — ≥ 𝟙 日本',
        value: '1§2',
      },
      patient(3, 4),
    ];
    const bytes = Buffer.from(
      encodeQueryResultsToString({ ...header, queryName: 'Ünïcödé 😀 name' }, records),
      'utf8',
    );
    const whole = decodeQueryResults(bytes);
    if (!whole.ok) throw new Error(JSON.stringify(whole.issues));
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }),
        async (cuts) => {
          const points = [0, ...cuts.sort((a, b) => a - b), bytes.length];
          const chunks = points.slice(1).map((end, i) => bytes.subarray(points[i], end));
          const events = await collect(decodeQueryResultsStream(chunks));
          expect(events[0]).toEqual({ type: 'header', header: whole.value.header });
          expect(
            events.filter((e) => e.type === 'record').map((e) => (e as { record: unknown }).record),
          ).toEqual(whole.value.records);
          expect(events.at(-1)).toMatchObject({ type: 'end', ok: true });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('matches on namespace URIs, not prefixes, wherever namespaces are declared', () => {
    const body = encodeQueryResultsToString(header, [patient(1, 2)]);
    const prefixed = body
      .replace(/<(\/?)([A-Z][A-Za-z-]*)/g, '<$1g:$2')
      .replace('xmlns="http://www.ic.nhs.uk/GPES-I/Schema"', 'xmlns:g="http://www.ic.nhs.uk/GPES-I/Schema"');
    const plain = decodeQueryResults(body);
    expect(decodeQueryResults(prefixed)).toEqual(plain);
    const redeclared = body.replace(
      '<Journals-Table ',
      '<Journals-Table xmlns="http://www.ic.nhs.uk/GPES-I/Schema" ',
    );
    expect(decodeQueryResults(redeclared)).toEqual(plain);
    const foreign = body.replace('<Journals-Table ', '<Journals-Table xmlns:p="urn:example" p:x="1" ');
    const r = decodeQueryResults(foreign);
    expect(r.ok ? [] : r.issues.map((i) => [i.path.replace(/^.*Records\//, ''), i.code])).toEqual([
      ['Patient-Level-Record[1]/Journals-Table[1]/@p:x', 'UNEXPECTED_ATTRIBUTE'],
    ]);
    const elsewhere = body.replace('<Journals-Table ', '<Journals-Table xmlns="urn:example" ');
    const e = decodeQueryResults(elsewhere);
    expect(e.ok ? [] : e.issues.map((i) => i.code)).toEqual(['UNEXPECTED_ELEMENT']);
  });

  it('refuses hostile input with one clear issue and stops', async () => {
    const body = encodeQueryResultsToString(header, [patient(1, 1)]);
    const deep = body.replace(
      '<Query-Results-Records>',
      `<Query-Results-Records>${'<x>'.repeat(20)}${'</x>'.repeat(20)}`,
    );
    const small = { limits: { maxTextLength: 65_536 } };
    const codes = (xml: string | Uint8Array, options = {}) => {
      const r = decodeQueryResults(xml, options);
      return r.ok ? [] : r.issues.map((i) => i.code);
    };
    expect(codes(deep)).toEqual(['UNEXPECTED_ELEMENT']); // skipped below the limit…
    expect(codes(deep, { limits: { maxDepth: 10 } })).toEqual(['UNEXPECTED_ELEMENT', 'LIMIT_DEPTH']); // …refused above it
    expect(
      codes(body.replace('SEX=', `${Array.from({ length: 300 }, (_, i) => `A${i}=""`).join(' ')} SEX=`)),
    ).toEqual(['LIMIT_ATTRIBUTES']);
    expect(codes(body.replace('SEX="2"', `SEX="${'9'.repeat(70_000)}"`), small)).toEqual([
      'LIMIT_TEXT_LENGTH',
    ]);
    expect(
      codes(
        body.replace('<Query-Results-Records>', `<Query-Results-Records><!--${'x'.repeat(300_000)}`),
        small,
      ),
    ).toEqual(['LIMIT_TEXT_LENGTH']);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]);
    const oneByteFirst = await collect(decodeQueryResultsStream([utf16.subarray(0, 1), utf16.subarray(1)]));
    expect(oneByteFirst.flatMap((e) => (e.type === 'issue' ? [e.issue.code] : []))).toEqual([
      'ENCODING_UNSUPPORTED',
    ]);
    expect(codes(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]))).toEqual([
      'ENCODING_UNSUPPORTED',
    ]);
    expect(
      codes(
        Buffer.concat([
          Buffer.from(body.slice(0, 100)),
          Buffer.from([0xc3, 0x28]),
          Buffer.from(body.slice(100)),
        ]),
      ),
    ).toEqual(['ENCODING_INVALID']);
    expect(
      codes(
        body.replace('<Patient-Table', `${'<Journals-Table QID="2" LID="9"/>'.repeat(10)}<Patient-Table`),
        { maxRowsPerRecord: 5 },
      ),
    ).toEqual(['TOO_MANY']);
    const many = body
      .replace(/SEX="\d"/, 'SEX="7"')
      .replace('<Query-Results-Records>', `<Query-Results-Records>${'<y/>'.repeat(500)}`);
    expect(codes(many, { maxIssues: 10 })).toHaveLength(10);
    const bigManifest = body.replace(
      '<Payload-Identifiers>',
      `<Payload-Identifiers>${'<Terminology-Identifiers><CodeSchemeID>1</CodeSchemeID><Terminology-Name/><Terminology-Release/></Terminology-Identifiers>'.repeat(300)}`,
    );
    expect(codes(bigManifest)).toEqual(['TOO_MANY']);
    expect(codes(body, { limits: { maxDocumentBytes: 1000 } })).toEqual(['LIMIT_DOCUMENT_SIZE']);
    // The prolog checks see a DOCTYPE or an encoding split over chunks, before saxes reads it.
    const split = async (xml: string, at: number) => {
      const events = await collect(decodeQueryResultsStream([xml.slice(0, at), xml.slice(at)]));
      return events.flatMap((e) => (e.type === 'issue' ? [e.issue.code] : []));
    };
    const doctype = body.replace('?>\n', '?>\n<!DOCTYPE GPES-E-Q-QR-Message [<!ENTITY x "y">]>\n');
    for (const at of [40, 42, 45, 47]) expect(await split(doctype, at)).toEqual(['XML_DOCTYPE_FORBIDDEN']);
    const latin1 = body.replace('UTF-8', 'windows-1252');
    for (const at of [10, 25, 33]) expect(await split(latin1, at)).toEqual(['ENCODING_UNSUPPORTED']);
  });

  it('never throws or hangs on mutated documents (fuzz)', async () => {
    const base = Buffer.from(
      encodeQueryResultsToString({ ...header, queryName: 'fuzz é' }, [
        patient(1, 3),
        { kind: 'aggregate', aid: header.rtpUuid, value: '7' },
      ]),
    );
    const tokens = [
      '<',
      '>',
      '/',
      '&',
      '&amp;',
      '&#0;',
      '<!DOCTYPE a>',
      '<![CDATA[x]]>',
      '"',
      '=',
      'xmlns:p="u"',
      'p:',
      '\u0000',
      '\uFFFF',
      '<?pi?>',
      ']]>',
      '<!--',
      'RID="0"',
    ];
    const mutation = fc.oneof(
      fc.record({ at: fc.nat(), del: fc.integer({ min: 1, max: 20 }) }).map(
        ({ at, del }) =>
          (b: Buffer) =>
            Buffer.concat([b.subarray(0, at % b.length), b.subarray((at % b.length) + del)]),
      ),
      fc
        .record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) })
        .map(({ at, byte }) => (b: Buffer) => {
          const c = Buffer.from(b);
          c[at % c.length] = byte;
          return c;
        }),
      fc.record({ at: fc.nat(), t: fc.constantFrom(...tokens) }).map(
        ({ at, t }) =>
          (b: Buffer) =>
            Buffer.concat([b.subarray(0, at % b.length), Buffer.from(t), b.subarray(at % b.length)]),
      ),
      fc.record({ at: fc.nat(), len: fc.integer({ min: 1, max: 200 }) }).map(
        ({ at, len }) =>
          (b: Buffer) =>
            Buffer.concat([
              b.subarray(0, at % b.length),
              b.subarray((at + 37) % b.length, ((at + 37) % b.length) + len),
              b.subarray(at % b.length),
            ]),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 997 }),
        async (ms, chunk) => {
          const doc = ms.reduce((b, m) => m(b), base);
          const whole = decodeQueryResults(doc);
          expect(typeof whole.ok).toBe('boolean');
          const chunks = Array.from({ length: Math.ceil(doc.length / chunk) }, (_, i) =>
            doc.subarray(i * chunk, (i + 1) * chunk),
          );
          const events = await collect(decodeQueryResultsStream(chunks));
          const end = events.at(-1);
          expect(end?.type).toBe('end');
          expect(end?.type === 'end' && end.ok).toBe(whole.ok);
          for (const e of events) if (e.type === 'issue') expect(e.issue.value).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('property: decode(encode(x)) equals x', () => {
  const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
  const date = fc
    .tuple(
      fc.integer({ min: 1900, max: 2099 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 28 }),
    )
    .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  const numeric = fc.oneof(
    fc.constant(''),
    fc
      .tuple(fc.boolean(), digits(1, 10), fc.option(digits(1, 4)))
      .map(([neg, i, f]) => `${neg ? '-' : ''}${i}${f ? `.${f}` : ''}`),
  );
  const text = fc.string({ unit: 'grapheme', maxLength: 30 }).filter(isXmlSafe);
  const row = (qid: number) =>
    fc.record({
      qid: fc.constant(qid),
      lid: fc.constant(0),
      columns: fc.record(
        {
          DATE: fc.oneof(fc.constant(''), date),
          CODE: fc.string({ maxLength: 18 }).map((s) => s.replace(/[^0-9A-Za-z]/g, '')),
          'VALUE1-CONDITION': numeric,
          'VALUE2-PRESCRIPTION': numeric,
          NOTE: text,
        },
        { requiredKeys: [] },
      ),
    });
  const record: fc.Arbitrary<QrRecord> = fc.oneof(
    fc
      .record({
        kind: fc.constant('aggregate' as const),
        aid: fc.uuid().map((u) => u.toUpperCase()),
        description: fc.option(text, { nil: undefined }),
        value: fc
          .array(
            text.filter((s) => s !== '' && !s.includes('§')),
            { minLength: 1, maxLength: 3 },
          )
          .map((v) => v.join('§')),
      })
      .map(({ description, ...r }) => (description === undefined ? r : { ...r, description })),
    fc
      .record({
        kind: fc.constant('patient-level' as const),
        patientTables: fc.array(row(1), { maxLength: 1 }),
        journalsTables: fc.array(row(2), { maxLength: 6 }),
      })
      .map((r) => ({
        ...r,
        patientTables: r.patientTables.map((x, i) => ({ ...x, lid: i + 1 })),
        journalsTables: r.journalsTables.map((x, i) => ({ ...x, lid: i + 1 })),
      })),
  );
  it('holds for generated records and headers', () => {
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 8 }),
        fc.option(text, { nil: undefined }),
        (records, queryName) => {
          const h = queryName === undefined ? header : { ...header, queryName };
          const r = decodeQueryResults(encodeQueryResultsToString(h, records));
          if (!r.ok) throw new Error(JSON.stringify(r.issues));
          expect(r.value.header).toEqual(h);
          expect(r.value.records).toEqual(records.map((x, i) => ({ ...x, rid: i + 1 })));
        },
      ),
      { numRuns: 200 },
    );
  });
});
