// What the repository's scripts share: one step runner, and the TypeScript settings of a supplier's strict
// project, which both the docs check and the consumer test compile against.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..');

/** Runs one titled step in the repository root; exits with its status when it fails. */
export function step(title, cmd, args) {
  console.log(`\n=== ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${title} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status || 1);
  }
}

/** A strict supplier project: the settings the issue reports found the gaps with. */
export const strictConsumerCompilerOptions = Object.freeze({
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  module: 'nodenext',
  moduleResolution: 'nodenext',
  target: 'es2022',
  types: ['node'],
});

/**
 * The environment for a child `npm`: without the `npm_config_*` variables pnpm sets for its own settings
 * (`minimum-release-age`, …), which npm does not know and warns about.
 */
export function npmEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_config_/i.test(key)));
}

/** Runs a command to its end without blocking the event loop; resolves with its exit status and output. */
export function collect(cmd, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
