#!/usr/bin/env node
// Everything up to publishing, in one command (`npm run release`):
//   1. `changeset version`: pending changesets become version bumps and CHANGELOG entries;
//   2. build, then publint and attw on the packed tarballs (scripts/check-packages.mjs); with --ci (from
//      scripts/check.mjs, which has built already) steps 1 and 2's build are skipped: CI must not consume changesets;
//   3. pack every publishable package into release/ (real version ranges, no `workspace:`);
//   4. `npm publish --dry-run` of each tarball against a loopback stand-in registry, so npm's own checks run
//      without the network and without credentials.
// Publishing itself stays a deliberate human step; the last lines print the command.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { packAll, root } from './pack.mjs';
import { collect, npmEnv, step } from './steps.mjs';

const ci = process.argv.includes('--ci');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs a command with npm's environment to its end; resolves with its exit status and output. */
const run = (cmd, args, cwd) => collect(cmd, args, { cwd, env: npmEnv() });

/** npm's dist-tag for a version: a pre-release publishes under its identifier (`beta`), never as `latest`. */
const distTag = (version) => /^\d+\.\d+\.\d+-([a-z]+)/i.exec(version)?.[1] ?? 'latest';

// In CI (`--ci`), scripts/check.mjs has built the packages already, and the changesets stay for the release.
if (!ci) {
  step('version packages from changesets', bin('changeset'), ['version']);
  step('build packages', bin('pnpm'), ['run', 'build']);
}
step('package checks (publint, attw)', process.execPath, [join(root, 'scripts', 'check-packages.mjs')]);

const dest = ci ? mkdtempSync(join(tmpdir(), 'gpes-release-')) : join(root, 'release');
if (!ci) rmSync(dest, { recursive: true, force: true });
console.log('\n=== pack');
const packed = packAll(dest);
for (const p of packed) console.log(`${p.name}@${p.version} → ${relative(root, p.tarball)}`);

// A registry that knows no package: `npm publish --dry-run` asks whether the version exists, then stops.
const registry = createServer((_req, res) => {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{}');
});
await new Promise((ok) => registry.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${registry.address().port}/`;
let failed = false;
try {
  for (const p of packed) {
    console.log(`\n=== npm publish --dry-run ${p.name}@${p.version} (tag ${distTag(p.version)})`);
    // Not spawnSync: the stand-in registry answers from this process's event loop.
    const r = await run(
      npm,
      [
        'publish',
        '--dry-run',
        p.tarball,
        '--tag',
        distTag(p.version),
        '--registry',
        url,
        `--${url.slice(5)}:_authToken=dry-run`,
      ],
      dest,
    );
    const output = `${r.stdout}${r.stderr}`;
    // npm's notices list every file; the summary lines and any warning are what a release manager reads.
    console.log(
      output
        .split('\n')
        .filter((l) => !/^npm notice [\d.]+[kMG]?B /.test(l))
        .join('\n'),
    );
    if (r.status !== 0 || /npm (warn|error)/i.test(output)) failed = true;
  }
} finally {
  registry.close();
  if (ci) rmSync(dest, { recursive: true, force: true });
}
if (failed) {
  console.error('\nnpm publish --dry-run reported a problem (above).');
  process.exit(1);
}
if (!ci) {
  console.log(
    `\nReady. Tarballs in ${relative(root, dest)}/. Install one with: npm install ./${relative(root, packed[0].tarball)}`,
  );
  console.log(
    'Publish (maintainers, after review): for f in release/*.tgz; do npm publish "$f" --tag <tag>; done',
  );
}
