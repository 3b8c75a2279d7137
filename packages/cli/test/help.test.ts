import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../src/index.js';
import { gpes } from './support.js';

// The help texts are part of the interface operators learn: a change must be deliberate. To accept a change,
// run the tests with UPDATE_GOLDEN=1 and review the diff of test/golden/.
const golden = (name: string, actual: string) => {
  const path = join(import.meta.dirname, 'golden', name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
};

describe('help', () => {
  it('gpes --help matches test/golden/gpes-help.txt', async () => {
    const r = await gpes(['--help']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    golden('gpes-help.txt', r.stdout);
  });

  it('gpes mailbox send --help matches test/golden/mailbox-send-help.txt', async () => {
    const r = await gpes(['mailbox', 'send', '--help']);
    expect(r.status).toBe(0);
    golden('mailbox-send-help.txt', r.stdout);
  });

  it('-h is --help, and `gpes help <command>` is `gpes <command> --help`', async () => {
    expect((await gpes(['-h'])).stdout).toBe((await gpes(['--help'])).stdout);
    expect((await gpes(['help', 'spec'])).stdout).toBe((await gpes(['spec', '--help'])).stdout);
  });

  it('every command and subcommand has a help text with a usage line', async () => {
    const commands = [
      ['mailbox'],
      ...['check', 'inbox', 'send', 'get', 'ack', 'track', 'lookup', 'search'].map((c) => ['mailbox', c]),
      ['message'],
      ['message', 'validate'],
      ['message', 'convert'],
      ['spec'],
      ...['check', 'run', 'explain'].map((c) => ['spec', c]),
    ];
    for (const c of commands) {
      const r = await gpes([...c, '--help']);
      expect(r.status, c.join(' ')).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: gpes ${c.join(' ')} `));
    }
  });

  it('--version and -V print the version', async () => {
    expect(await gpes(['--version'])).toMatchObject({ status: 0, stdout: `${VERSION}\n` });
    expect((await gpes(['-V'])).stdout).toBe(`${VERSION}\n`);
  });

  it('an unknown command or option is a usage error (exit 2) with a pointer to --help', async () => {
    const r = await gpes(['mailbox', 'sned']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error: unknown command 'sned'");
    expect(r.stderr).toContain('(Did you mean send?)');
    const o = await gpes(['message', 'validate', 'x.xml', '--bogus']);
    expect(o.status).toBe(2);
    expect(o.stderr).toContain("error: unknown option '--bogus'");
    expect(o.stderr).toContain('(add --help for usage)');
  });
});
