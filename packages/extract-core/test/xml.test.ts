// The XML encoding (§3.3): reading, writing, round trips, loadSpec with Members, the TypeScript builder.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  compileSpec,
  isSpecError,
  loadSpec,
  readSpecXml,
  rule,
  safeCompileSpec,
  specBuilder,
  writeSpecXml,
} from '@gpes/extract-core';
import { describe, expect, it } from 'vitest';
import { dm017Doc, dm017Xml } from './support.js';

const fullXml = () => readFile(fileURLToPath(new URL('../fixtures/full/full.xml', import.meta.url)), 'utf8');

describe('readSpecXml / writeSpecXml', () => {
  it('reads the DM017 worked example as §3.5 describes it', async () => {
    const r = readSpecXml(await dm017Xml());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.id).toBe('QOF-DM-46.0-DM017');
    expect(r.value.participation).toEqual({ type1OptOut: 'notApplied' });
    expect(r.value.parameters).toEqual([{ name: 'ACHV_DAT', type: 'date', binding: { run: true } }]);
    expect(r.value.clusters.map((c) => [c.name, c.membersRef?.href])).toEqual([
      ['DM_COD', 'codelists/dm_cod.csv'],
      ['DMRES_COD', 'codelists/dmres_cod.csv'],
    ]);
    expect(r.value.fields.find((f) => f.name === 'DMRES_DAT')).toEqual({
      name: 'DMRES_DAT',
      criterion: 'Latest > DMLAT_DAT AND <= ACHV_DAT',
      kind: 'date',
      source: { cluster: 'DMRES_COD' },
      select: 'latest',
      where: '@date > DMLAT_DAT AND @date <= ACHV_DAT',
    });
    expect(r.value.populations.map((p) => [p.name, p.appliesTo, p.rules.length])).toEqual([
      ['GMS_REG', undefined, 1],
      ['DM_REG', 'GMS_REG', 2],
    ]);
  });

  it('round-trips every element: read(write(doc)) equals doc, and writing is stable', async () => {
    for (const xml of [await fullXml(), await dm017Xml()]) {
      const first = readSpecXml(xml);
      expect(first.ok).toBe(true);
      if (!first.ok) return;
      const written = writeSpecXml(first.value);
      const second = readSpecXml(written);
      expect(second.ok && second.value).toEqual(first.value);
      expect(writeSpecXml(second.ok ? second.value : first.value)).toBe(written);
    }
  });

  it('round-trips the expanded DM017 document with inline Code members', async () => {
    const doc = await dm017Doc();
    const back = readSpecXml(writeSpecXml(doc));
    expect(back.ok && back.value).toEqual(doc);
    expect(writeSpecXml(doc)).toContain(
      '<Code code="111552007" term="Diabetes mellitus without complication"/>',
    );
  });

  it('writes conditions in canonical ASCII, escaping < for XML', () => {
    const doc = specBuilder({ id: 'T', participation: { type1OptOut: 'notApplied' } })
      .parameter('ACHV_DAT', 'date', { run: true })
      .field({ name: 'PAT_AGE', kind: 'age', at: 'ACHV_DAT' })
      .population({
        name: 'P',
        kind: 'population',
        rules: [rule('If PAT_AGE ≥ 17 years AND If PAT_AGE ≠ Null', 'select', 'reject')],
      })
      .build();
    const xml = writeSpecXml(doc);
    expect(xml).toContain('<If>PAT_AGE &gt;= 17 years AND PAT_AGE != null</If>');
    expect(writeSpecXml(doc, { canonicalConditions: false })).toContain(
      '<If>If PAT_AGE ≥ 17 years AND If PAT_AGE ≠ Null</If>',
    );
    expect(compileSpec(xml).id).toBe('T');
  });

  it('reports malformed XML, DTDs, foreign elements and missing attributes as issues', () => {
    const bad = (xml: string) => {
      const r = readSpecXml(xml);
      return r.ok ? [] : r.issues.map((i) => `${i.code} ${i.path}`);
    };
    expect(bad('<QuerySpecification')[0]).toMatch(/^XML_SYNTAX/);
    expect(
      bad('<!DOCTYPE x [<!ENTITY a "b">]><QuerySpecification xmlns="urn:gpes-sdk:query-spec:1"/>')[0],
    ).toMatch(/^XML_SYNTAX/);
    expect(
      bad('<QuerySpecification xmlns="http://www.ic.nhs.uk/GPES-I/Schema" formatVersion="1" id="x"/>'),
    ).toEqual(['INVALID_STRUCTURE /QuerySpecification']);
    expect(
      bad(
        '<QuerySpecification xmlns="urn:gpes-sdk:query-spec:1" formatVersion="2"><Participation type1OptOut="x"/><Bogus/></QuerySpecification>',
      ),
    ).toEqual([
      'INVALID_STRUCTURE /QuerySpecification/@formatVersion',
      'INVALID_STRUCTURE /QuerySpecification/@id',
      'INVALID_STRUCTURE /QuerySpecification/Bogus',
      'INVALID_STRUCTURE /QuerySpecification/Participation/@type1OptOut',
    ]);
    const r = safeCompileSpec('not xml at all');
    expect(r.ok).toBe(false);
    const deep = `<QuerySpecification xmlns="urn:gpes-sdk:query-spec:1" formatVersion="1" id="x">${'<Source>'.repeat(200)}${'</Source>'.repeat(200)}</QuerySpecification>`;
    expect(bad(deep)[0]).toMatch(/^XML_SYNTAX/);
  });
});

describe('readSpecXml messages', () => {
  it('name the element that failed and what is allowed there', () => {
    const r = readSpecXml(
      `<QuerySpecification xmlns="urn:gpes-sdk:query-spec:1" formatVersion="1" id="X">
        <Participation type1OptOut="sometimes"/>
        <Populations><Population name="P" kind="register"><Rule ifTrue="select"><If>A = null</If><Then/></Rule></Population></Populations>
      </QuerySpecification>`,
    );
    expect(r.ok ? [] : r.issues.map((i) => i.message)).toEqual([
      "Participation/@type1OptOut must be one of exclude, notApplied, not 'sometimes'",
      "element 'Then' is not allowed in Rule; allowed here: If, Comment",
      'Rule/@ifFalse must be one of select, reject, next (it is missing)',
    ]);
  });
});

describe('loadSpec', () => {
  it('expands Members lists through the caller’s reader', async () => {
    const doc = await dm017Doc();
    expect(doc.clusters.map((c) => [c.name, c.members.length, c.membersRef])).toEqual([
      ['DM_COD', 79, undefined],
      ['DMRES_COD', 1, undefined],
    ]);
    expect(doc.clusters[1]?.members).toEqual([{ code: '315051004', term: 'Diabetes resolved' }]);
    expect(compileSpec(doc).warnings).toEqual([]);
  });

  it('reports unreadable and malformed member lists together as MEMBERS_UNREADABLE', async () => {
    const err = await loadSpec(await dm017Xml(), {
      readMembers: async (href) => {
        if (href.includes('dmres')) throw new Error('ENOENT');
        return 'code,term\n"123,x\n';
      },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isSpecError(err)).toBe(true);
    if (isSpecError(err))
      expect(err.issues.map((i) => i.code)).toEqual(['MEMBERS_UNREADABLE', 'MEMBERS_UNREADABLE']);
  });

  it('accepts quoted CSV fields and a byte order mark', async () => {
    const doc = await loadSpec(await dm017Xml(), {
      readMembers: async () => '\ufeffcode,term\r\n111552007,"Diabetes, ""type unspecified"""\r\n',
    });
    expect(doc.clusters[0]?.members).toEqual([{ code: '111552007', term: 'Diabetes, "type unspecified"' }]);
  });
});

describe('specBuilder', () => {
  it('builds the DM017 spec in TypeScript, equal to the XML fixture once expanded', async () => {
    const xmlDoc = await dm017Doc();
    const dm = xmlDoc.clusters[0]?.members ?? [];
    const dmres = xmlDoc.clusters[1]?.members ?? [];
    const built = specBuilder({
      id: 'QOF-DM-46.0-DM017',
      name: 'QOF 2021/22 Diabetes mellitus: DM017 register',
      rulesetVersion: '46.0',
      ...(xmlDoc.source ? { source: xmlDoc.source } : {}),
      monthArithmetic: 'clamp',
      participation: { type1OptOut: 'notApplied' },
    })
      .parameter('ACHV_DAT', 'date', { run: true })
      .cluster('DM_COD', dm, {
        refset: '999004691000230108',
        version: '304',
        description: 'Diabetes mellitus codes',
      })
      .cluster('DMRES_COD', dmres, {
        refset: '999003371000230102',
        version: '300',
        description: 'Diabetes resolved codes',
      })
      .build();
    expect(built.clusters).toEqual(xmlDoc.clusters);
    expect(built.parameters).toEqual(xmlDoc.parameters);
    expect(built.policies).toEqual(xmlDoc.policies);
  });
});
