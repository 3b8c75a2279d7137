#!/usr/bin/env node
// Packs every publishable package the way `pnpm publish` would and checks the tarball:
// publint --strict (package.json, exports, files) and attw (types for each condition, ESM and CJS).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const out = mkdtempSync(join(tmpdir(), 'gpes-pack-'));
let failed = false;

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) failed = true;
  return r.status === 0;
}

try {
  for (const dir of readdirSync(join(root, 'packages'))) {
    const cwd = join(root, 'packages', dir);
    console.log(`\n--- @gpes/${dir}`);
    const dest = join(out, dir);
    if (!run(bin('pnpm'), ['pack', '--pack-destination', dest], cwd)) continue;
    const [tarball] = readdirSync(dest);
    run(bin('publint'), ['run', join(dest, tarball), '--strict'], cwd);
    run(bin('attw'), [join(dest, tarball), '--profile', 'node16', '--format', 'table-flipped'], cwd);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
