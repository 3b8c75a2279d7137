/**
 * Writes the golden `valid-*` fixtures from samples.ts: `valid-<name>.<xml|csv>` (the encoder's canonical output)
 * and `valid-<name>.expected.json` (the model). Run after changing a sample, then review the diff:
 *   node_modules/.bin/tsx packages/messages/test/support/generate-fixtures.ts
 * The golden test then checks decode(file) = expected and encode(expected) = file, byte for byte.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { codecs } from './codecs.js';
import { samples } from './samples.js';

for (const [folder, byName] of Object.entries(samples)) {
  const codec = codecs[folder]!;
  const dir = fileURLToPath(new URL(`../../fixtures/${folder}/`, import.meta.url));
  mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(byName)) {
    writeFileSync(`${dir}valid-${name}.${codec.extension}`, codec.encode(value));
    writeFileSync(`${dir}valid-${name}.expected.json`, `${JSON.stringify(value, null, 2)}\n`);
  }
}
