import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpec } from '../spec/load.js';
import type { QuerySpecDocument } from '../spec/model.js';

/** The installed package's root: found from this module, which sits at a different depth in `src/` and `dist/`. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('@gpes/extract-core: cannot find the package root of the DM017 fixture');
    dir = parent;
  }
  return dir;
}

/**
 * Absolute path of the shipped DM017 specification (the QOF 2021/22 diabetes register, NHS Digital Business Rules v46.0),
 * `fixtures/dm017/dm017.xml` in the package, with its code lists in `codelists/` beside it.
 */
export function dm017SpecPath(): string {
  return join(packageRoot(), 'fixtures', 'dm017', 'dm017.xml');
}

/** The shipped DM017 specification, read and with its code lists expanded: ready for `compileSpec`. */
export async function loadDm017Spec(): Promise<QuerySpecDocument> {
  const path = dm017SpecPath();
  return loadSpec(await readFile(path, 'utf8'), {
    readMembers: (href) => readFile(join(dirname(path), href), 'utf8'),
  });
}
