#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
// Builds only the packages whose build inputs changed since their last build, so a second `npm run demo` or
// `npm run bench` starts at once. Inputs are hashed (content, not mtimes: a checkout or a copy changes mtimes
// without changing anything); the hash of the last build is kept in dist/.build-inputs. `npm test` always
// builds from scratch and never uses this.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const pnpm = join(root, 'node_modules', '.bin', 'pnpm');
const STAMP = join('dist', '.build-inputs');

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && !e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** What tsup reads: the sources, the build and compiler settings, the manifest (entries, externals). */
function inputsHash(dir) {
  const hash = createHash('sha256');
  const inputs = [
    ...files(join(dir, 'src')),
    ...['package.json', 'tsup.config.ts', 'tsconfig.json'].map((f) => join(dir, f)),
    join(root, 'tsconfig.base.json'),
  ].filter((f) => existsSync(f));
  for (const file of inputs.sort()) hash.update(relative(root, file)).update('\0').update(readFileSync(file));
  return hash.digest('hex');
}

// Packages in dependency order (messages before extract-core), as `pnpm -r` sorts them.
const order = ['messages', 'mesh-client', 'extract-core', 'cli'];
const dirs = readdirSync(join(root, 'packages')).sort((a, b) => {
  const rank = (d) => (order.includes(d) ? order.indexOf(d) : order.length);
  return rank(a) - rank(b);
});
for (const name of dirs) {
  const dir = join(root, 'packages', name);
  const hash = inputsHash(dir);
  const stamp = join(dir, STAMP);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
    console.log(`packages/${name}: up to date`);
    continue;
  }
  console.log(`packages/${name}: building`);
  const r = spawnSync(pnpm, ['run', 'build'], { cwd: dir, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status || 1);
  writeFileSync(stamp, hash);
}
