import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectMessage } from '@gpes/messages';
import { readSampleMessage, sampleMessagePath, sampleMessages } from '@gpes/messages/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpes } from './support.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gpes-cli-message-'));
  // A synthetic RTP with two broken fields.
  writeFileSync(
    join(dir, 'broken-rtp.xml'),
    readSampleMessage('rtp')
      .replace('>B0F0A1-202103310000-A<', '>NOT-AN-SQI<')
      .replace('Issue-Date-Time="2021-03-01T23:59:59"', 'Issue-Date-Time="yesterday"'),
  );
  writeFileSync(join(dir, 'not-gpes.xml'), '<html xmlns="http://www.w3.org/1999/xhtml"/>');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gpes message validate', () => {
  it.each(sampleMessages.map((s) => [s.name, s.kind] as const))(
    'accepts the %s sample (%s)',
    async (name, kind) => {
      const r = await gpes(['message', 'validate', sampleMessagePath(name)]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`: valid ${kind} \\(`));
    },
  );

  it('lists every issue with its path, hides values, and exits 1', async () => {
    const r = await gpes(['message', 'validate', 'broken-rtp.xml'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^broken-rtp\.xml: 2 issue\(s\) in RTP \(/);
    expect(r.stdout).toContain(
      '  /GPES-Q-E-RTP-Message/Run-Time-Parameters/Scheduled-Query-Instance-ID: The content of Scheduled-Query-Instance-ID',
    );
    expect(r.stdout).toContain('/Scheduled-Query-Instance-ID/@Issue-Date-Time: ');
    expect(r.stdout).toContain('[INVALID_PATTERN]');
    expect(r.stdout).not.toContain('NOT-AN-SQI');
    expect(r.stdout).not.toContain('yesterday');
    expect(r.stderr).toContain('--include-values shows them');
    expect(r.stderr).toContain('error: broken-rtp.xml is not a valid RTP message');
  });

  it('shows the offending values only with --include-values', async () => {
    const r = await gpes(['message', 'validate', 'broken-rtp.xml', '--include-values'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('NOT-AN-SQI');
  });

  it('reports issues as JSON', async () => {
    const r = await gpes(['--json', 'message', 'validate', 'broken-rtp.xml'], { cwd: dir });
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ file: 'broken-rtp.xml', kind: 'RTP', valid: false });
    expect(doc.issues).toHaveLength(2);
    expect(doc.issues[0]).toMatchObject({ code: 'INVALID_PATTERN' });
    expect(doc.issues[0].value).toBeUndefined();
    const missing = await gpes(['--json', 'message', 'validate', 'missing.xml'], { cwd: dir });
    expect(JSON.parse(missing.stdout)).toEqual({
      ok: false,
      error: { code: 'INPUT_INVALID', message: 'cannot read missing.xml', problems: [] },
    });
  });

  it('says when a file is not a GPES message (exit 1) or cannot be read (exit 2)', async () => {
    const other = await gpes(['message', 'validate', 'not-gpes.xml'], { cwd: dir });
    expect(other.status).toBe(1);
    expect(other.stderr).toContain('error: not-gpes.xml is not a GPES message');
    const missing = await gpes(['message', 'validate', 'missing.xml'], { cwd: dir });
    expect(missing).toMatchObject({ status: 2, stderr: 'error: cannot read missing.xml\n' });
  });
});

describe('gpes message convert', () => {
  it.each(['rtp', 'q-e-nt', 'report'])('turns the %s sample into its JSON model and back', async (name) => {
    const json = await gpes(['message', 'convert', sampleMessagePath(name), '-o', `${name}.json`], {
      cwd: dir,
    });
    expect(json.status).toBe(0);
    const model = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
    const sample = sampleMessages.find((s) => s.name === name);
    expect(model.kind).toBe(sample?.kind);
    const back = await gpes(['message', 'convert', `${name}.json`], { cwd: dir });
    expect(back.status).toBe(0);
    expect(detectMessage(back.stdout)?.kind).toBe(sample?.kind);
    // The message written from the model decodes to the same model.
    writeFileSync(join(dir, `${name}-again`), back.stdout);
    const again = await gpes(['message', 'convert', `${name}-again`], { cwd: dir });
    expect(JSON.parse(again.stdout)).toEqual(model);
  });

  it('refuses an invalid message and a JSON file that is not a model', async () => {
    const bad = await gpes(['message', 'convert', 'broken-rtp.xml'], { cwd: dir });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    writeFileSync(join(dir, 'wrong.json'), '{"kind":"NOPE","message":{}}');
    const wrong = await gpes(['message', 'convert', 'wrong.json'], { cwd: dir });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('must hold { "kind": one of');
  });
});
