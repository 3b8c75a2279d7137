/**
 * Prints the issues each `invalid-*` fixture yields; with `write`, stores them as `.issues.json`. Review the
 * printed issues before writing: the golden test then pins them.
 *   node_modules/.bin/tsx packages/messages/test/support/generate-issues.ts [write]
 */

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { codecs } from './codecs.js';

const root = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const write = process.argv[2] === 'write';
for (const [folder, codec] of Object.entries(codecs)) {
  for (const f of readdirSync(root + folder).filter(
    (n) => n.startsWith('invalid-') && n.endsWith(`.${codec.extension}`),
  )) {
    const r = codec.decode(readFileSync(`${root + folder}/${f}`));
    const issues = r.ok ? 'DECODED OK' : r.issues;
    console.log(`== ${folder}/${f}`);
    if (r.ok) {
      console.log('!!! decoded ok');
      continue;
    }
    for (const i of r.issues)
      console.log(`  ${i.code} ${i.path} | ${i.message}${i.expected ? ` | exp: ${i.expected}` : ''}`);
    if (write)
      writeFileSync(
        `${root + folder}/${f.replace(/\.(xml|csv)$/, '.issues.json')}`,
        `${JSON.stringify(issues, null, 2)}\n`,
      );
  }
}
