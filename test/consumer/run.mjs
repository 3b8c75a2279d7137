#!/usr/bin/env node
// The consumer test: what a supplier gets from the packed tarballs, outside this workspace. Every publishable
// package is packed (scripts/pack.mjs), installed with npm into two fresh projects in a temporary folder (one ESM,
// one CommonJS) with nothing from the workspace, compiled with strict settings (nodenext,
// exactOptionalPropertyTypes, noUncheckedIndexedAccess) and run: test/consumer/project/smoke.ts. Then each
// package's bins answer `--help` through npx. npm fetches the packages' own dependencies from the registry or its
// cache, as a supplier's install would.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packAll, root } from '../../scripts/pack.mjs';
import { npmEnv, strictConsumerCompilerOptions } from '../../scripts/steps.mjs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function run(title, cmd, args, cwd) {
  console.log(`--- ${title}`);
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: npmEnv() });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.status !== 0) {
    console.error(output);
    throw new Error(`${title} failed (exit ${r.status ?? r.signal})`);
  }
  return output;
}

const work = mkdtempSync(join(tmpdir(), 'gpes-consumer-'));
let ok = false;
try {
  const packed = packAll(join(work, 'tarballs'));
  for (const type of ['module', 'commonjs']) {
    const dir = join(work, type === 'module' ? 'esm' : 'cjs');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: `gpes-consumer-${type}`,
        private: true,
        type,
        dependencies: Object.fromEntries(packed.map((p) => [p.name, `file:${p.tarball}`])),
        devDependencies: { '@types/node': rootManifest.devDependencies['@types/node'] },
      }),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          ...strictConsumerCompilerOptions,
          outDir: 'out',
          skipLibCheck: false,
        },
        files: ['smoke.ts'],
      }),
    );
    copyFileSync(join(import.meta.dirname, 'project', 'smoke.ts'), join(dir, 'smoke.ts'));
    const install = run(
      `npm install (${type})`,
      npm,
      ['install', '--no-audit', '--no-fund', '--prefer-offline'],
      dir,
    );
    if (/npm warn/i.test(install)) throw new Error(`npm install (${type}) warned:\n${install}`);
    run(`tsc (${type}, strict nodenext)`, process.execPath, [tsc, '-p', dir], dir);
    console.log(run(`node out/smoke.js (${type})`, process.execPath, ['out/smoke.js'], dir));
  }
  const esm = join(work, 'esm');
  // Every bin of every package, and at least these (`npx gpes --help` is the CLI's "done when").
  const expectedBins = new Set(['gpes', 'gpes-fake-mesh']);
  for (const p of packed) {
    const { bin } = JSON.parse(readFileSync(join(esm, 'node_modules', p.name, 'package.json'), 'utf8'));
    for (const name of Object.keys(typeof bin === 'string' ? { [p.name.split('/')[1]]: bin } : (bin ?? {}))) {
      const help = run(`npx ${name} --help`, npx, ['--no-install', name, '--help'], esm);
      if (!/usage/i.test(help)) throw new Error(`${name} --help printed no usage:\n${help}`);
      expectedBins.delete(name);
    }
  }
  if (expectedBins.size > 0) throw new Error(`no bin installed for: ${[...expectedBins].join(', ')}`);
  ok = true;
  console.log('consumer test passed: packed tarballs install, compile strictly and run as ESM and CommonJS');
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
