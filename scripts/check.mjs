#!/usr/bin/env node
// The whole test suite, in the order that fails fastest. `.ci/run` and `npm test` run exactly this.
// It ends with one plain summary line, `tests: N passed, N failed`, taken from vitest's JSON report.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { step } from './steps.mjs';

const root = join(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const report = join(root, '.vitest-results.json');

step('lint and format (biome)', bin('biome'), ['ci', '.']);
step('type-check root', bin('tsc'), ['-p', 'tsconfig.json']);
step('type-check packages and examples', bin('pnpm'), [
  '-r',
  '--workspace-concurrency=1',
  'run',
  'typecheck',
]);
step('build packages', bin('pnpm'), ['run', 'build']);
step('docs: every TypeScript snippet compiles, every relative link resolves', process.execPath, [
  join(root, 'scripts', 'check-docs.mjs'),
]);
step('release dry run (publint, attw, pack, npm publish --dry-run)', process.execPath, [
  join(root, 'scripts', 'release.mjs'),
  '--ci',
]);
step('consumer test (packed tarballs outside the workspace, ESM and CommonJS)', process.execPath, [
  join(root, 'test', 'consumer', 'run.mjs'),
]);

console.log('\n=== tests (vitest: unit, integration, packaging, examples)');
rmSync(report, { force: true });
const r = spawnSync(
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile=${report}`],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (!existsSync(report)) {
  console.error('vitest wrote no report.');
  process.exit(r.status || 1);
}
const results = JSON.parse(readFileSync(report, 'utf8'));
const passed = results.numPassedTests;
const failed = results.numFailedTests + (results.numFailedTestSuites ?? 0);
const skipped = results.numPendingTests + results.numTodoTests;
if (skipped > 0) console.error(`${skipped} test(s) skipped or todo: the suite allows none.`);
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(r.status !== 0 || failed > 0 || skipped > 0 || passed === 0 ? 1 : 0);
