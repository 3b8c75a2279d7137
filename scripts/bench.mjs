#!/usr/bin/env node
// Runs every package's `bench` script, one at a time, so that one benchmark's memory never
// counts against another's. Benchmarks print `BENCH {json}` lines; this echoes them at the end.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const only = process.argv.slice(2);
const lines = [];
let failed = false;
for (const dir of readdirSync(join(root, 'packages'))) {
  const cwd = join(root, 'packages', dir);
  const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
  if (!pkg.scripts?.bench) continue;
  if (only.length && !only.includes(dir)) continue;
  console.log(`\n=== bench ${pkg.name}`);
  const r = spawnSync(join(root, 'node_modules', '.bin', 'pnpm'), ['run', 'bench'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(r.stdout ?? '');
  for (const line of (r.stdout ?? '').split('\n')) if (line.startsWith('BENCH ')) lines.push(line);
  if (r.status !== 0) failed = true;
}
console.log('\n=== summary');
for (const line of lines) console.log(line);
if (lines.length === 0) console.log('no benchmarks ran');
process.exit(failed ? 1 : 0);
