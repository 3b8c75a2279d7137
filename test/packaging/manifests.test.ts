import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// What every published package promises in its manifest and README, checked against the files themselves.

const root = join(import.meta.dirname, '..', '..');
const packageDirs = readdirSync(join(root, 'packages'));

interface Manifest {
  name: string;
  private?: boolean;
  engines?: { node?: string };
  files?: string[];
  dependencies?: Record<string, string>;
}

const read = (path: string) => readFileSync(path, 'utf8');
const manifest = (dir: string): Manifest => JSON.parse(read(join(root, 'packages', dir, 'package.json')));

/** The lowest Node version a range admits: `>=20.18.1` → [20, 18, 1]; `^18.17.0 || >=20` → [18, 17, 0]. */
function floorOf(range: string): number[] {
  const match = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(range);
  if (!match) throw new Error(`cannot read the Node range ${range}`);
  return match.slice(1).map((n) => Number(n ?? 0));
}
/** Negative, zero or positive as version `a` is lower than, equal to or higher than `b`. */
function compare(a: number[], b: number[]): number {
  const at = a.findIndex((n, i) => n !== b[i]);
  return at === -1 ? 0 : (a[at] ?? 0) - (b[at] ?? 0);
}

/** The engines floor of each runtime dependency, as installed for that package. */
function dependencyFloors(dir: string): { name: string; floor: number[] }[] {
  return Object.keys(manifest(dir).dependencies ?? {}).flatMap((name) => {
    // pnpm links each dependency into the package's own node_modules; some export maps hide package.json.
    const dep = JSON.parse(
      read(join(root, 'packages', dir, 'node_modules', name, 'package.json')),
    ) as Manifest;
    return dep.engines?.node ? [{ name, floor: floorOf(dep.engines.node) }] : [];
  });
}

describe.each(packageDirs)('packages/%s', (dir) => {
  const pkg = manifest(dir);
  const readme = read(join(root, 'packages', dir, 'README.md'));

  it('ships the MIT licence and its changelog', () => {
    expect(read(join(root, 'packages', dir, 'LICENSE'))).toBe(read(join(root, 'LICENSE')));
    expect(read(join(root, 'packages', dir, 'CHANGELOG.md'))).toMatch(new RegExp(`^# ${pkg.name}\\n`));
    expect(pkg.files).toEqual(expect.arrayContaining(['LICENSE', 'CHANGELOG.md']));
  });

  it('declares the Node floor of its runtime dependencies, and the README says the same', () => {
    const declared = floorOf(pkg.engines?.node ?? '');
    for (const dep of dependencyFloors(dir)) {
      expect(
        compare(declared, dep.floor),
        `${dep.name} needs Node ${dep.floor.join('.')}`,
      ).toBeGreaterThanOrEqual(0);
    }
    expect(readme).toContain(`Node.js ${declared.join('.')} or newer`);
  });

  it('names exactly its runtime dependencies in the README', () => {
    const paragraph = readme.split('\n\n').find((p) => p.includes('Runtime dependencies:')) ?? '';
    const statement = paragraph.slice(paragraph.indexOf('Runtime dependencies:')).split(/\.\s/)[0] ?? '';
    const named = new Set([...statement.matchAll(/`([@\w./-]+)`/g)].map((m) => m[1]));
    expect(named).toEqual(new Set(Object.keys(pkg.dependencies ?? {})));
  });
});

describe('one Node range', () => {
  it('is the same for every published package, and no lower than any dependency needs', () => {
    const ranges = new Set(packageDirs.map((dir) => manifest(dir).engines?.node));
    expect(ranges.size).toBe(1);
    const [range] = ranges;
    const needed = packageDirs
      .flatMap(dependencyFloors)
      .reduce((max, dep) => (compare(dep.floor, max) > 0 ? dep.floor : max), [20, 0, 0]);
    expect(floorOf(range ?? '')).toEqual(needed);
  });
});
