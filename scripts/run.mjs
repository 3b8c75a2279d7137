#!/usr/bin/env node
// Entry point of the README's commands (`npm run demo`, `npm test`, `npm run bench`).
// A fresh machine has only Node and npm, so this installs the pinned pnpm through npx,
// installs the workspace from the lockfile, then hands over to the pnpm script.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const task = process.argv[2];
const tasks = { demo: 'demo:run', check: 'check', bench: 'bench:run', release: 'release:run' };
if (!task || !(task in tasks)) {
  console.error(`usage: node scripts/run.mjs <${Object.keys(tasks).join('|')}> [args...]`);
  process.exit(2);
}

const { packageManager, engines } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// The root's engines range (a plain `>=X.Y[.Z]`) is the one place the floor is written; this only reads it.
const floor = /^>=(\d+)\.(\d+)(?:\.(\d+))?$/.exec(engines.node);
if (!floor) throw new Error(`package.json engines.node must be a plain ">=X.Y.Z" range, not ${engines.node}`);
const need = floor.slice(1).map((n) => Number(n ?? 0));
const have = process.versions.node.split('.').map(Number);
const differs = need.findIndex((n, i) => have[i] !== n);
const tooOld = differs !== -1 && have[differs] < need[differs];
if (tooOld) {
  console.error(`Node ${process.versions.node} is too old: this project needs Node ${engines.node}.`);
  process.exit(1);
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const frozen = process.env.CI ? ['--frozen-lockfile'] : ['--frozen-lockfile', '--prefer-offline'];
run(npx, ['--yes', packageManager, 'install', ...frozen]);
run(npx, ['--yes', packageManager, 'run', tasks[task], ...process.argv.slice(3)]);
