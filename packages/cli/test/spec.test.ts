import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compileSpec, createTally, evaluatePopulation } from '@gpes/extract-core';
import { dm017SpecPath, generatePopulation, loadDm017Spec } from '@gpes/extract-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpes } from './support.js';

let dir: string;
const population = generatePopulation({
  seed: 13,
  size: 300,
  referenceDate: '2022-03-31',
  diabetesPrevalence: 0.2,
});
const ACHV = 'ACHV_DAT=2022-03-31';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gpes-cli-spec-'));
  writeFileSync(
    join(dir, 'patients.ndjson'),
    `${[...population].map((r) => JSON.stringify(r)).join('\n')}\n`,
  );
  // A broken copy of DM017 beside its code lists: a rule that names a field that does not exist.
  cpSync(join(dirname(dm017SpecPath()), 'codelists'), join(dir, 'codelists'), { recursive: true });
  const xml = readFileSync(dm017SpecPath(), 'utf8');
  writeFileSync(join(dir, 'broken.xml'), xml.replace('<If>DMLAT_DAT != null', '<If>NO_SUCH_FIELD != null'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gpes spec check', () => {
  it('compiles DM017 and names its parameters', async () => {
    const r = await gpes(['spec', 'check', dm017SpecPath()]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /: compiles: QOF-DM-46\.0-DM017, 2 population\(s\), \d+ field\(s\), 1 output\(s\), 0 warning\(s\)$/m,
    );
    expect(r.stdout).toContain('parameters: ACHV_DAT (date, given with --param)');
  });

  it('lists errors with their location and exits 1', async () => {
    const r = await gpes(['spec', 'check', 'broken.xml'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^ {2}error \S+ at \/QuerySpecification\/\S+: .*NO_SUCH_FIELD/m);
    expect(r.stderr).toMatch(/^error: broken\.xml: \d+ error\(s\); the specification does not compile$/m);
  });
});

describe('gpes spec run', () => {
  it('evaluates an NDJSON population and prints the tallies the library computes', async () => {
    const bound = await compileSpec(await loadDm017Spec()).bind({
      parameters: { ACHV_DAT: '2022-03-31' },
      participation: {
        ncrsDetailedCareRecordSharing: false,
        ncrsPatientSealing: false,
        ncrsPdsSFlagging: false,
        exclusionCodeStrings: [],
      },
    });
    const tally = createTally(bound);
    let gms = 0;
    for await (const result of evaluatePopulation(bound, population)) {
      tally.add(result);
      if (result.populations.GMS_REG?.selected) gms++;
    }
    const [dm017] = tally.aggregates();

    const r = await gpes(
      ['spec', 'run', dm017SpecPath(), '--population', 'patients.ndjson', '--param', ACHV],
      { cwd: dir },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('QOF-DM-46.0-DM017: 300 patient(s) evaluated');
    expect(r.stdout).toMatch(new RegExp(`^GMS_REG +population +${gms}$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^DM_REG +register +${dm017?.value}$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^DM017 +\\S+ +${dm017?.value}\\b`, 'm'));
    expect(r.stderr).toMatch(/^evaluating patients\.ndjson: .* \(100%\)/m);

    const json = await gpes(
      ['--json', 'spec', 'run', dm017SpecPath(), '--population', 'patients.ndjson', '--param', ACHV],
      {
        cwd: dir,
      },
    );
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toMatchObject({ patients: 300, aggregates: [{ value: dm017?.value }] });
  });

  it('says which run parameters are missing or unknown (exit 2)', async () => {
    const r = await gpes(
      ['spec', 'run', dm017SpecPath(), '--population', 'patients.ndjson', '--param', 'NOPE=1'],
      { cwd: dir },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('  - --param NOPE: the specification declares no such parameter');
    expect(r.stderr).toContain('  - --param ACHV_DAT=…: a date the run must give');
  });

  it('names the line of a population file that is not a record, without its content', async () => {
    writeFileSync(join(dir, 'bad.ndjson'), `${JSON.stringify(population.patient(0))}\n{"patient": 1, oops\n`);
    const r = await gpes(['spec', 'run', dm017SpecPath(), '--population', 'bad.ndjson', '--param', ACHV], {
      cwd: dir,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error: bad.ndjson line 2: not valid JSON');
    expect(r.stderr).not.toContain('oops');
  });
});

describe('gpes spec explain', () => {
  it('explains one patient, hiding values unless asked', async () => {
    const id = population.patient(5).patient.patientId;
    const args = [
      'spec',
      'explain',
      dm017SpecPath(),
      '--population',
      'patients.ndjson',
      '--param',
      ACHV,
      '--patient',
      id,
    ];
    const r = await gpes(args, { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Patient \[hidden\]$/m);
    expect(r.stdout).toMatch(/GMS_REG/);
    const withValues = await gpes([...args, '--include-values'], { cwd: dir });
    expect(withValues.stdout).toContain(`Patient ${id}`);
    const missing = await gpes([...args.slice(0, -1), 'SYN-NOBODY'], { cwd: dir });
    expect(missing.status).toBe(1);
  });
});
