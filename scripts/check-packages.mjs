#!/usr/bin/env node
// Packs every publishable package the way `pnpm publish` would and checks the tarball:
// publint --strict (package.json, exports, files) and attw (types for each condition, ESM and CJS).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packAll, root } from './pack.mjs';

const bin = (name) => join(root, 'node_modules', '.bin', name);
const out = mkdtempSync(join(tmpdir(), 'gpes-pack-'));
let failed = false;

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}

try {
  for (const { name, dir, tarball } of packAll(out)) {
    console.log(`\n--- ${name}`);
    run(bin('publint'), ['run', tarball, '--strict'], dir);
    run(bin('attw'), [tarball, '--profile', 'node16', '--format', 'table-flipped'], dir);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
