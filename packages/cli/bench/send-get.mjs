#!/usr/bin/env node
// Benchmark: the BUILT `gpes` command sends a 200 MiB file to the fake MESH server (`gpes fake-mesh`, bodies kept
// on disk, in its own process), then a second `gpes` process downloads it; the two files must be identical byte for
// byte. Each `gpes` process reports its own peak RSS (process.resourceUsage().maxRSS, through a preloaded module),
// which must stay under 256 MiB. Prints a `BENCH {json}` line for each command; exits 1 when a target is missed.
// Usage: node bench/send-get.mjs          BENCH_CLI_SIZE_MIB=50 node bench/send-get.mjs
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { collect } from '../../../scripts/steps.mjs';

const MiB = 1024 * 1024;
const sizeMiB = Number(process.env.BENCH_CLI_SIZE_MIB ?? 200);
const RSS_LIMIT_MIB = 256;
const bin = join(import.meta.dirname, '..', 'bin', 'gpes.js');
const preload = `data:text/javascript,${encodeURIComponent(
  "process.on('exit',()=>process.stderr.write('MAXRSS_KIB '+process.resourceUsage().maxRSS+'\\n'))",
)}`;

/** Deterministic, incompressible-looking bytes (xorshift), written in 1 MiB pieces. */
async function writePayload(path, bytes) {
  let x = 0x9e3779b9;
  async function* pieces() {
    for (let done = 0; done < bytes; done += MiB) {
      const piece = Buffer.allocUnsafe(Math.min(MiB, bytes - done));
      for (let i = 0; i + 4 <= piece.length; i += 4) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        piece.writeUInt32LE(x >>> 0, i);
      }
      yield piece;
    }
  }
  await pipeline(pieces, createWriteStream(path));
}

async function sha256(path) {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Runs `gpes` (piped, not a terminal); resolves with its output, status, seconds and peak RSS. */
async function gpes(args, env, cwd) {
  const started = process.hrtime.bigint();
  const r = await collect(process.execPath, ['--import', preload, bin, ...args], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rssKiB = Number(/MAXRSS_KIB (\d+)/.exec(r.stderr)?.[1] ?? Number.NaN);
  return { ...r, seconds, peakRssMiB: Math.round((rssKiB / 1024) * 10) / 10 };
}

const dir = mkdtempSync(join(tmpdir(), 'gpes-cli-bench-'));
const server = spawn(process.execPath, [bin, 'fake-mesh', '--storage-dir', join(dir, 'store')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let ok = false;
try {
  const url = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    server.on('close', () => reject(new Error(`gpes fake-mesh exited:\n${out}`)));
  });
  const env = (mailbox) => ({
    MESH_URL: url,
    MESH_MAILBOX_ID: mailbox,
    MESH_PASSWORD: 'password',
    MESH_SHARED_KEY: 'TestKey',
  });
  await writePayload(join(dir, 'payload.bin'), sizeMiB * MiB);

  const send = await gpes(
    ['mailbox', 'send', 'payload.bin', '--to', 'X26ABC2', '--workflow', 'BENCH_WF'],
    env('X26ABC1'),
    dir,
  );
  const messageId = /^sent (\S+)/m.exec(send.stdout)?.[1];
  if (send.status !== 0 || !messageId)
    throw new Error(`gpes mailbox send failed:\n${send.stdout}${send.stderr}`);
  const progressLines = send.stderr.split('\n').filter((l) => l.startsWith('sending payload.bin:')).length;

  const get = await gpes(['mailbox', 'get', messageId, '-o', 'back.bin', '--ack'], env('X26ABC2'), dir);
  if (get.status !== 0) throw new Error(`gpes mailbox get failed:\n${get.stdout}${get.stderr}`);
  const identical = (await sha256(join(dir, 'payload.bin'))) === (await sha256(join(dir, 'back.bin')));

  ok = identical && send.peakRssMiB < RSS_LIMIT_MIB && get.peakRssMiB < RSS_LIMIT_MIB && progressLines > 0;
  const r = (n) => Math.round(n * 100) / 100;
  /** One BENCH line for a run of `gpes`: its peak RSS against the limit, its time and rate. */
  const line = (what, run, extra) =>
    console.log(
      `BENCH ${JSON.stringify({
        name: `gpes mailbox ${what}, peak RSS of the gpes process`,
        value: r(run.peakRssMiB),
        unit: 'MiB',
        baseline: RSS_LIMIT_MIB,
        ratio: r(run.peakRssMiB / RSS_LIMIT_MIB),
        target: '< 1',
        seconds: r(run.seconds),
        mibPerSecond: r(sizeMiB / run.seconds),
        ...extra,
      })}`,
    );
  line(`send ${sizeMiB} MiB`, send, { progressLines });
  line(`get ${sizeMiB} MiB to a file`, get, { identical });
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('close', resolve));
  rmSync(dir, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
