import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Loads each *built* package the way a vendor's plain Node program would: by package name,
// through the exports map, once with `import` and once with `require`, without any bundler or
// TypeScript in between. `npm test` builds before it runs the tests.

const root = join(import.meta.dirname, '..', '..');
const packages = ['mesh-client', 'messages', 'extract-core', 'cli'] as const;

interface PackageJson {
  name: string;
  version: string;
  exports: Record<string, unknown>;
}

const manifest = (dir: string): PackageJson =>
  JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as PackageJson;

/** Every subpath with code behind it, as a specifier: `@gpes/x`, `@gpes/x/testing`, … */
const specifiers = (dir: string): string[] => {
  const pkg = manifest(dir);
  return Object.keys(pkg.exports)
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));
};

let sandbox: string;

beforeAll(() => {
  for (const dir of packages) {
    const dist = join(root, 'packages', dir, 'dist');
    if (!existsSync(join(dist, 'index.js')) || !existsSync(join(dist, 'index.cjs'))) {
      throw new Error(`packages/${dir} is not built: run \`pnpm run build\` (npm test does it) first`);
    }
  }
  sandbox = mkdtempSync(join(tmpdir(), 'gpes-dual-'));
  mkdirSync(join(sandbox, 'node_modules', '@gpes'), { recursive: true });
  for (const dir of packages) {
    symlinkSync(join(root, 'packages', dir), join(sandbox, 'node_modules', '@gpes', dir), 'dir');
  }
});

afterAll(() => {
  if (sandbox) rmSync(sandbox, { recursive: true, force: true });
});

const runNode = (file: string): unknown =>
  JSON.parse(execFileSync(process.execPath, [file], { cwd: sandbox, encoding: 'utf8' }));

describe.each(packages)('@gpes/%s from a plain Node program', (dir) => {
  it('loads with import, and every subpath exports the package version', () => {
    const file = join(sandbox, `${dir}.mjs`);
    const lines = specifiers(dir).map(
      (s, i) =>
        `import * as m${i} from '${s}';\nout['${s}'] = { version: m${i}.VERSION, keys: Object.keys(m${i}).length };`,
    );
    writeFileSync(file, `const out = {};\n${lines.join('\n')}\nconsole.log(JSON.stringify(out));\n`);
    const out = runNode(file) as Record<string, { version: string; keys: number }>;
    for (const s of specifiers(dir)) {
      expect(out[s]?.version).toBe(manifest(dir).version);
      expect(out[s]?.keys).toBeGreaterThan(0);
    }
  });

  it('loads with require, and exposes the same names as the ESM build', () => {
    const file = join(sandbox, `${dir}.cjs`);
    const lines = specifiers(dir).map((s) => `out['${s}'] = Object.keys(require('${s}')).sort();`);
    writeFileSync(file, `const out = {};\n${lines.join('\n')}\nconsole.log(JSON.stringify(out));\n`);
    const cjs = runNode(file) as Record<string, string[]>;

    const esmFile = join(sandbox, `${dir}-keys.mjs`);
    const esmLines = specifiers(dir).map(
      (s, i) => `import * as m${i} from '${s}';\nout['${s}'] = Object.keys(m${i}).sort();`,
    );
    writeFileSync(esmFile, `const out = {};\n${esmLines.join('\n')}\nconsole.log(JSON.stringify(out));\n`);
    const esm = runNode(esmFile) as Record<string, string[]>;

    for (const s of specifiers(dir)) {
      expect(cjs[s]).toContain('VERSION');
      expect(cjs[s]).toEqual(esm[s]);
    }
  });

  it('declares the same version in src/version.ts as in package.json', async () => {
    const { VERSION } = (await import(join(root, 'packages', dir, 'src', 'version.ts'))) as {
      VERSION: string;
    };
    expect(VERSION).toBe(manifest(dir).version);
  });
});
