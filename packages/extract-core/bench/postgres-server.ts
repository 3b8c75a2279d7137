/**
 * A throwaway PostgreSQL server for the SQL benchmark, like the one `.ci/run` starts for the tests: Debian's
 * package (the newest major installed), a cluster in a temporary folder, run as the `postgres` user when this
 * process is root, stopped and deleted by `stop()`. `GPES_BENCH_PG_URL` names an existing server instead.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchServer {
  readonly url: string;
  readonly version: string;
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function startBenchServer(): Promise<BenchServer | undefined> {
  const given = process.env.GPES_BENCH_PG_URL;
  if (given) return { url: given, version: 'external', stop() {} };
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const major = readdirSync(base)
    .sort((a, b) => Number(a) - Number(b))
    .at(-1);
  if (!major) return undefined;
  const bin = join(base, major, 'bin');
  const root = mkdtempSync(join(tmpdir(), 'gpes-bench-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(root, uid, gid);
  }
  const run = (cmd: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'ignore' })
      : execFileSync(join(bin, cmd), args, { stdio: 'ignore' });
  const port = await freePort();
  const data = join(root, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  run('pg_ctl', [
    '-D',
    data,
    '-l',
    join(root, 'server.log'),
    '-w',
    '-o',
    `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c shared_buffers=512MB -c work_mem=64MB -c max_wal_size=4GB`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    version: major,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
