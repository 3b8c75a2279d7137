import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The example ships its own copy of the DM017 specification (examples may use only the packages' public
// names, and the fixture is not published), so this guards the copy against drifting from the fixture that
// @gpes/extract-core's rule and differential tests prove correct.
const root = join(import.meta.dirname, '..', '..', '..');
const fixture = join(root, 'packages', 'extract-core', 'fixtures', 'dm017');
const copy = join(import.meta.dirname, '..', 'specs', 'dm017');

/** The specification and its code lists; the provenance notes beside them may differ. */
function files(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (statSync(join(dir, name)).isDirectory()) return files(join(dir, name), `${prefix}${name}/`);
    return name.endsWith('.md') ? [] : [`${prefix}${name}`];
  });
}

describe('the example DM017 specification', () => {
  it('is byte-for-byte the extract-core fixture', () => {
    expect(files(copy).sort()).toEqual(files(fixture).sort());
    for (const file of files(fixture)) {
      expect(readFileSync(join(copy, file)).equals(readFileSync(join(fixture, file))), file).toBe(true);
    }
  });
});
