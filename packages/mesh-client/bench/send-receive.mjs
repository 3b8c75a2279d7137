#!/usr/bin/env node
// Benchmark: send then receive a payload through the fake MESH server over loopback with the BUILT client, and
// compare with a plain node:http upload + download of the same bytes in the same run. Each payload size runs in
// a fresh client process (so its peak RSS is its own); the servers run in another process (not measured).
// Usage: node bench/send-receive.mjs            (256 MiB and 1 GiB)
//        BENCH_SIZES_MIB=16,64 BENCH_ROUNDS=1 node bench/send-receive.mjs
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { payloadPieces, payloadStream } from './payload.mjs';

const MiB = 1024 * 1024;
const here = fileURLToPath(new URL('.', import.meta.url));

async function orchestrate() {
  const sizes = (process.env.BENCH_SIZES_MIB ?? '256,1024').split(',').map((s) => Number(s.trim()));
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2));
  for (const sizeMiB of sizes) {
    const servers = fork(`${here}servers.mjs`, [], {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      execArgv: ['--import', 'tsx'],
    });
    const [line] = await once(servers.stdout, 'data');
    const urls = JSON.parse(String(line).split('\n')[0]);
    // Baseline and client alternate, and the best round of each counts: on a shared machine the load changes
    // between runs, and the fastest run is the one least disturbed by it.
    let baseline;
    let mesh;
    for (let round = 0; round < rounds; round++) {
      const b = await child(['--baseline', String(sizeMiB), urls.plainUrl]);
      const m = await child(['--mesh', String(sizeMiB), urls.meshUrl]);
      if (!b || !m) break;
      servers.send('reset');
      await once(servers, 'message');
      // Fastest time of each; the highest peak RSS of each (memory must stay bounded in every round).
      baseline = {
        seconds: Math.min(b.seconds, baseline?.seconds ?? Number.POSITIVE_INFINITY),
        peakRssMiB: Math.max(b.peakRssMiB, baseline?.peakRssMiB ?? 0),
      };
      mesh = {
        chunks: m.chunks,
        seconds: Math.min(m.seconds, mesh?.seconds ?? Number.POSITIVE_INFINITY),
        peakRssMiB: Math.max(m.peakRssMiB, mesh?.peakRssMiB ?? 0),
      };
    }
    servers.disconnect();
    await once(servers, 'exit');
    if (!baseline || !mesh) {
      process.exitCode = 1;
      continue;
    }
    report(sizeMiB, baseline, mesh, rounds);
  }
}

/** Runs one measurement in a fresh process and returns the JSON it prints last. */
async function child(args) {
  const proc = fork(fileURLToPath(import.meta.url), args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let out = '';
  proc.stdout.on('data', (data) => {
    out += data;
  });
  const [code] = await once(proc, 'exit');
  if (code !== 0) return undefined;
  return JSON.parse(out.trim().split('\n').at(-1));
}

function report(sizeMiB, baseline, mesh, rounds) {
  const round = (n) => Math.round(n * 100) / 100;
  const throughput = (2 * sizeMiB) / mesh.seconds;
  const base = (2 * sizeMiB) / baseline.seconds;
  console.log(
    `BENCH ${JSON.stringify({
      name: `mesh-client send+receive ${sizeMiB} MiB (${mesh.chunks} chunks) vs node:http, best of ${rounds}`,
      value: round(throughput),
      unit: 'MiB/s',
      baseline: round(base),
      ratio: round(throughput / base),
      target: '>= 0.7',
    })}`,
  );
  console.log(
    `BENCH ${JSON.stringify({
      name: `mesh-client peak RSS ${sizeMiB} MiB`,
      value: round(mesh.peakRssMiB),
      unit: 'MiB',
      baseline: round(baseline.peakRssMiB),
      ratio: round(mesh.peakRssMiB / baseline.peakRssMiB),
      target: '< 256',
    })}`,
  );
  console.log(
    `RSS mesh-client process alone (servers and the node:http baseline run in other processes): payload ${sizeMiB} MiB, peak ${round(mesh.peakRssMiB)} MiB; node:http baseline process peak ${round(baseline.peakRssMiB)} MiB`,
  );
}

/** Peak RSS of this process so far, in MiB (getrusage maxRSS, which also catches peaks between samples). */
function peakRssMiB() {
  return Math.max(process.resourceUsage().maxRSS / 1024, process.memoryUsage().rss / MiB);
}

function plainUpload(url, size) {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/upload`,
      {
        method: 'POST',
        headers: { 'content-length': String(size), 'content-type': 'application/octet-stream' },
      },
      (res) => {
        res.resume();
        res.on('end', resolve);
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const pieces = payloadPieces(size);
    const pump = () => {
      for (let next = pieces.next(); !next.done; next = pieces.next()) {
        if (!req.write(next.value)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

function plainDownload(url, size) {
  return new Promise((resolve, reject) => {
    request(`${url}/download?size=${size}`, (res) => {
      let bytes = 0;
      res.on('data', (data) => {
        bytes += data.length;
      });
      res.on('end', () => (bytes === size ? resolve() : reject(new Error(`baseline got ${bytes} bytes`))));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

async function runBaseline(sizeMiB, plainUrl) {
  const size = sizeMiB * MiB;
  const start = performance.now();
  await plainUpload(plainUrl, size);
  await plainDownload(plainUrl, size);
  const seconds = (performance.now() - start) / 1000;
  console.log(JSON.stringify({ seconds, peakRssMiB: peakRssMiB() }));
}

async function runMesh(sizeMiB, meshUrl) {
  const { MeshClient } = await import('../dist/index.js');
  const size = sizeMiB * MiB;
  const common = { baseUrl: meshUrl, mailboxPassword: 'password', sharedKey: 'TestKey' };
  const sender = new MeshClient({ ...common, mailboxId: 'X26ABC1' });
  const recipient = new MeshClient({ ...common, mailboxId: 'X26ABC2' });
  const start = performance.now();
  const sent = await sender.sendMessage({
    to: 'X26ABC2',
    workflowId: 'GPES_BENCH',
    body: payloadStream(size),
    contentLength: size,
  });
  const message = await recipient.retrieveMessage(sent.messageId);
  let received = 0;
  for await (const piece of message.body) received += piece.length;
  await recipient.acknowledgeMessage(sent.messageId);
  const seconds = (performance.now() - start) / 1000;
  await sender.close();
  await recipient.close();
  if (received !== size) throw new Error(`received ${received} of ${size} bytes`);
  console.log(JSON.stringify({ seconds, chunks: sent.totalChunks, peakRssMiB: peakRssMiB() }));
}

const [mode, sizeArg, url] = process.argv.slice(2);
if (mode === '--baseline' || mode === '--mesh') {
  (mode === '--baseline' ? runBaseline : runMesh)(Number(sizeArg), url).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  await orchestrate();
}
