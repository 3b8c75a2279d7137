/**
 * Golden fixtures (conventions §10): every `valid-*` fixture decodes exactly to its `.expected.json` and
 * re-encodes to the same bytes; every `invalid-*` fixture yields exactly its `.issues.json`. Encoder output for the
 * published messages validates against the published XSDs with libxml2.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codecs } from '../test/support/codecs.js';
import { validateAgainstXsd } from '../test/support/xsd.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));

for (const [folder, codec] of Object.entries(codecs)) {
  const dir = `${fixtures}${folder}/`;
  const files = readdirSync(dir);
  const valid = files.filter((f) => f.startsWith('valid-') && f.endsWith(`.${codec.extension}`));
  const invalid = files.filter((f) => f.startsWith('invalid-') && f.endsWith(`.${codec.extension}`));

  describe(`golden ${folder}`, () => {
    it('has valid and invalid fixtures', () => {
      expect(valid.length).toBeGreaterThan(0);
      expect(invalid.length).toBeGreaterThan(0);
    });

    for (const file of valid) {
      it(`${file} decodes to its expected JSON and re-encodes to the same bytes`, () => {
        const bytes = readFileSync(dir + file);
        const expected = JSON.parse(
          readFileSync(dir + file.replace(/\.(xml|csv)$/, '.expected.json'), 'utf8'),
        );
        const decoded = codec.decode(bytes);
        expect(decoded).toEqual({ ok: true, value: expected });
        expect(codec.encode(expected)).toBe(bytes.toString('utf8'));
      });
      if (codec.xsd !== undefined) {
        const xsd = codec.xsd;
        it(`${file} (encoder output) validates against ${xsd}`, () => {
          const expected = JSON.parse(
            readFileSync(dir + file.replace(/\.(xml|csv)$/, '.expected.json'), 'utf8'),
          );
          expect(validateAgainstXsd(codec.encode(expected), xsd)).toEqual([]);
        });
      }
    }

    for (const file of invalid) {
      it(`${file} yields exactly its issues`, () => {
        const expected = JSON.parse(readFileSync(dir + file.replace(/\.(xml|csv)$/, '.issues.json'), 'utf8'));
        expect(codec.decode(readFileSync(dir + file))).toEqual({ ok: false, issues: expected });
      });
    }
  });
}

describe('the XSD validator used above', () => {
  it('really rejects a schema-invalid document (lower-case UUID)', () => {
    const xml = readFileSync(`${fixtures}run-time-parameters-response/valid-accepted.xml`, 'utf8').replace(
      'RTPR-UUID="00000000-0000-4000-8000-00000000000A"',
      'RTPR-UUID="00000000-0000-4000-8000-00000000000a"',
    );
    expect(xml).toContain('00000000000a');
    expect(validateAgainstXsd(xml, 'GPES-E-Q-RTPR.xsd').length).toBeGreaterThan(0);
  });
});
