// Packs the publishable packages exactly as `pnpm publish` would (pnpm rewrites `workspace:` ranges to the
// versions being published), and proves the tarballs carry no workspace protocol. Shared by the package checks,
// the consumer test and the release script, so what is checked is what is published.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..');
const pnpm = join(root, 'node_modules', '.bin', 'pnpm');

/** Every directory under packages/ whose package.json is not private, with its name and version. */
export function publishablePackages() {
  return readdirSync(join(root, 'packages'))
    .map((dir) => ({
      dir: join(root, 'packages', dir),
      ...JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')),
    }))
    .filter((pkg) => !pkg.private)
    .map(({ dir, name, version }) => ({ dir, name, version }));
}

/** Reads one file out of a .tgz without unpacking it to disk. */
export function readFromTarball(tarball, path) {
  const r = spawnSync('tar', ['-xzOf', tarball, `package/${path}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path} is not in ${tarball}: ${r.stderr}`);
  return r.stdout;
}

/** Packs each publishable package into `dest`; returns `{ name, version, dir, tarball }` for each. */
export function packAll(dest) {
  mkdirSync(dest, { recursive: true });
  return publishablePackages().map((pkg) => {
    const before = new Set(readdirSync(dest));
    const r = spawnSync(pnpm, ['pack', '--pack-destination', dest], { cwd: pkg.dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pnpm pack failed for ${pkg.name}:\n${r.stdout}${r.stderr}`);
    const file = readdirSync(dest).find((f) => !before.has(f) && f.endsWith('.tgz'));
    if (!file) throw new Error(`pnpm pack wrote no tarball for ${pkg.name}`);
    const tarball = join(dest, file);
    const manifest = readFromTarball(tarball, 'package.json');
    if (manifest.includes('workspace:'))
      throw new Error(`${file} still has a workspace: range in package.json`);
    return { ...pkg, tarball };
  });
}
