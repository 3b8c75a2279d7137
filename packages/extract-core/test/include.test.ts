// Shared definitions: libraries included by specifications (XML Include, libraryBuilder), resolved by loadSpec.
import { readFile } from 'node:fs/promises';
import {
  compileSpec,
  isSpecError,
  libraryBuilder,
  loadSpec,
  readSpecXml,
  rule,
  type SpecIssue,
  safeCompileSpec,
  specBuilder,
  writeSpecXml,
} from '@gpes/extract-core';
import { generatePopulation } from '@gpes/extract-core/testing';
import { describe, expect, it } from 'vitest';
import { dm017Doc, quietRun } from './support.js';

const NS = 'xmlns="urn:gpes-sdk:query-spec:1" formatVersion="1"';
const fixtureCsv = (name: string) =>
  readFile(new URL(`../fixtures/dm017/codelists/${name}`, import.meta.url), 'utf8');

/** The GMS registration status and age, shared by every register. */
const REGISTRATION = `<QueryLibrary ${NS} id="registration">
  <Include href="age.xml"/>
  <Parameters><DateParameter name="ACHV_DAT" bind="run"/></Parameters>
  <Fields>
    <RegistrationDate name="REG_DAT" boundary="start" select="latest"><Where>@date &lt;= ACHV_DAT</Where></RegistrationDate>
    <RegistrationDate name="DEREG_DAT" boundary="end" select="earliest"><Where>@date > REG_DAT</Where></RegistrationDate>
  </Fields>
  <Populations>
    <Population name="GMS_REG" kind="population">
      <Rule ifTrue="select" ifFalse="reject">
        <If>(REG_DAT != null AND DEREG_DAT = null) OR (REG_DAT != null AND DEREG_DAT > ACHV_DAT)</If>
      </Rule>
    </Population>
  </Populations>
</QueryLibrary>`;
const AGE = `<QueryLibrary ${NS} id="age"><Fields><Age name="PAT_AGE" at="ACHV_DAT"/></Fields></QueryLibrary>`;
const DIABETES_CODES = `<QueryLibrary ${NS} id="diabetes-codes">
  <Clusters>
    <Cluster name="DM_COD"><Members href="codelists/dm_cod.csv"/></Cluster>
    <Cluster name="DMRES_COD"><Members href="codelists/dmres_cod.csv"/></Cluster>
  </Clusters>
</QueryLibrary>`;
const DM017 = (extra = '') => `<QuerySpecification ${NS} id="QOF-DM-46.0-DM017">
  <Include href="lib/registration.xml"/>
  <Include href="lib/diabetes-codes.xml"/>
  <Participation type1OptOut="notApplied"/>
  <Fields>
    <Date name="DMLAT_DAT" cluster="DM_COD" select="latest"><Where>@date &lt;= ACHV_DAT</Where></Date>
    <Date name="DMRES_DAT" cluster="DMRES_COD" select="latest"><Where>@date > DMLAT_DAT AND @date &lt;= ACHV_DAT</Where></Date>
    ${extra}
  </Fields>
  <Populations>
    <Population name="DM_REG" kind="register" appliesTo="GMS_REG">
      <Rule ifTrue="next" ifFalse="reject"><If>DMLAT_DAT != null AND DMRES_DAT = null</If></Rule>
      <Rule ifTrue="reject" ifFalse="select"><If>PAT_AGE &lt; 17 years</If></Rule>
    </Population>
  </Populations>
  <Outputs><Indicator id="DM017" kind="register" population="DM_REG" aid="00000000-0000-0000-0000-000000000000"/></Outputs>
</QuerySpecification>`;

/** An in-memory directory: the reader records what it was asked for. */
function files(map: Record<string, string>) {
  const asked: string[] = [];
  const read = async (href: string) => {
    asked.push(href);
    const text = map[href];
    if (text === undefined) throw new Error(`no file ${href}`);
    return text;
  };
  return { asked, options: { readMembers: read, readInclude: read } };
}

const library = async () => ({
  'lib/registration.xml': REGISTRATION,
  'lib/age.xml': AGE,
  'lib/diabetes-codes.xml': DIABETES_CODES,
  'lib/codelists/dm_cod.csv': await fixtureCsv('dm_cod.csv'),
  'lib/codelists/dmres_cod.csv': await fixtureCsv('dmres_cod.csv'),
});

async function issuesOf(p: Promise<unknown>): Promise<readonly SpecIssue[]> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSpecError(err)) throw new Error('expected a SpecError');
  return err.issues;
}

describe('Include', () => {
  it('gives the same results as the specification written out in full (DM017 over a generated practice)', async () => {
    const { asked, options } = files(await library());
    const doc = await loadSpec(DM017(), options);
    // Each path is resolved against the file that names it.
    expect(asked).toEqual([
      'lib/registration.xml',
      'lib/age.xml',
      'lib/diabetes-codes.xml',
      'lib/codelists/dm_cod.csv',
      'lib/codelists/dmres_cod.csv',
    ]);
    const compiled = compileSpec(doc);
    expect(compiled.warnings).toEqual([]);
    const split = await compiled.bind(quietRun());
    const whole = await compileSpec(await dm017Doc()).bind(quietRun());
    for (const record of generatePopulation({ seed: 'include', size: 2000, referenceDate: '2022-03-31' })) {
      expect(split.evaluate(record)).toEqual(whole.evaluate(record));
    }
  });

  it('reads each library once when two libraries include it, and builds libraries in TypeScript', async () => {
    const age = libraryBuilder({ id: 'age' }).field({ name: 'PAT_AGE', kind: 'age', at: 'ACHV_DAT' }).build();
    const reg = libraryBuilder({ id: 'registration' })
      .include(age)
      .parameter('ACHV_DAT', 'date', { run: true })
      .build();
    const adults = libraryBuilder({ id: 'adults' })
      .include(age)
      .population({ name: 'ADULT', kind: 'cohort', rules: [rule('PAT_AGE >= 18 years', 'select', 'reject')] })
      .build();
    const doc = specBuilder({ id: 'X', participation: { type1OptOut: 'notApplied' } })
      .include(reg)
      .include(adults, 'lib/adults.xml')
      .output({
        type: 'count',
        name: 'N',
        kind: 'managementInformation',
        population: 'ADULT',
        aid: 'A1',
        rules: [rule('PAT_AGE >= 65 years', 'select', 'reject')],
      })
      .build();
    const bound = await compileSpec(doc).bind(quietRun());
    const r = bound.evaluate({
      patient: { patientId: 'P', practiceId: 'A99999', dateOfBirth: '1950-01-01' },
      registrations: [],
      journal: [],
    });
    expect(r.fields).toEqual({ PAT_AGE: 72 });
    expect(r.counts.N?.selected).toBe(true);
    const xml = writeSpecXml(doc);
    expect(xml).toContain('<Include href="registration"/>');
    expect(xml).toContain('<Include href="lib/adults.xml"/>');
    const read = readSpecXml(xml);
    expect(read.ok && read.value.includes).toEqual([{ href: 'registration' }, { href: 'lib/adults.xml' }]);
  });

  it('refuses a name defined in a library and again in the specification, naming both', async () => {
    const { options } = files(await library());
    const extra = '<Age name="PAT_AGE" at="ACHV_DAT"/>';
    const r = safeCompileSpec(await loadSpec(DM017(extra), options));
    expect(r.ok).toBe(false);
    const issues = r.ok ? [] : r.issues;
    expect(issues).toEqual([
      {
        code: 'DUPLICATE_NAME',
        severity: 'error',
        path: '/QuerySpecification/Fields/Age[@name="PAT_AGE"]',
        message:
          'field \'PAT_AGE\' is defined in library "lib/age.xml" (lib/age.xml#/QueryLibrary/Fields/Age[@name="PAT_AGE"]) and again in the specification (/QuerySpecification/Fields/Age[@name="PAT_AGE"]); rename one or include it once',
      },
    ]);
  });

  it('refuses two libraries that define the same name', () => {
    const a = libraryBuilder({ id: 'a' }).cluster('X_COD', ['1']).build();
    const b = libraryBuilder({ id: 'b' }).cluster('X_COD', ['2']).build();
    const doc = specBuilder({ id: 'X', participation: { type1OptOut: 'notApplied' } })
      .include(a, 'a.xml')
      .include(b, 'b.xml')
      .build();
    const r = safeCompileSpec(doc);
    expect(r.ok ? [] : r.issues.map((i) => [i.code, i.path, i.message])).toContainEqual([
      'DUPLICATE_NAME',
      'b.xml#/QueryLibrary/Clusters/Cluster[@name="X_COD"]',
      'cluster \'X_COD\' is defined in library "a.xml" (a.xml#/QueryLibrary/Clusters/Cluster[@name="X_COD"]) and again in library "b.xml" (b.xml#/QueryLibrary/Clusters/Cluster[@name="X_COD"]); rename one or include it once',
    ]);
  });

  it('refuses an include cycle, naming the file that closes it and the chain', async () => {
    const { options } = files({
      'lib/a.xml': `<QueryLibrary ${NS} id="a"><Include href="b.xml"/></QueryLibrary>`,
      'lib/b.xml': `<QueryLibrary ${NS} id="b"><Include href="../lib/a.xml"/></QueryLibrary>`,
    });
    const spec = `<QuerySpecification ${NS} id="S"><Include href="lib/a.xml"/><Participation type1OptOut="notApplied"/></QuerySpecification>`;
    expect(await issuesOf(loadSpec(spec, options))).toEqual([
      {
        code: 'INCLUDE_CYCLE',
        severity: 'error',
        path: 'lib/b.xml#/QueryLibrary/Include[1]',
        message:
          '"lib/b.xml" includes "lib/a.xml", which is already being included (the specification → "lib/a.xml" → "lib/b.xml" → "lib/a.xml")',
      },
    ]);
  });

  it('accepts only relative hrefs, and reports unreadable and malformed libraries with their file', async () => {
    const { asked, options } = files({ 'bad.xml': `<QueryLibrary ${NS} id="bad"><Outputs/></QueryLibrary>` });
    const spec = `<QuerySpecification ${NS} id="S">
      <Include href="/etc/x.xml"/><Include href="https://example.org/x.xml"/><Include href="C:\\x.xml"/>
      <Include href="missing.xml"/><Include href="bad.xml"/>
      <Participation type1OptOut="notApplied"/></QuerySpecification>`;
    const issues = await issuesOf(loadSpec(spec, options));
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['INCLUDE_UNREADABLE', '/QuerySpecification/Include[1]'],
      ['INCLUDE_UNREADABLE', '/QuerySpecification/Include[2]'],
      ['INCLUDE_UNREADABLE', '/QuerySpecification/Include[3]'],
      ['INCLUDE_UNREADABLE', '/QuerySpecification/Include[4]'],
      ['INVALID_STRUCTURE', 'bad.xml#/QueryLibrary/Outputs'],
    ]);
    expect(asked).toEqual(['missing.xml', 'bad.xml']);
  });

  it('reports an unread include at compile time, and problems inside a library at their place in it', async () => {
    const unread = safeCompileSpec(DM017());
    expect(unread.ok ? [] : unread.issues.map((i) => i.code)).toContain('UNRESOLVED_INCLUDE');
    const { options } = files({
      ...(await library()),
      'lib/age.xml': `<QueryLibrary ${NS} id="age"><Fields><Age name="PAT_AGE" at="ACHV"/></Fields></QueryLibrary>`,
    });
    const r = safeCompileSpec(await loadSpec(DM017(), options));
    expect(r.ok ? [] : r.issues.map((i) => [i.code, i.path])).toEqual([
      ['UNKNOWN_NAME', 'lib/age.xml#/QueryLibrary/Fields/Age[@name="PAT_AGE"]/@at'],
    ]);
  });
});
