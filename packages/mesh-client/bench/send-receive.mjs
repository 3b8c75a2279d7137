#!/usr/bin/env node
// Benchmark: send then receive a payload in chunks through the fake MESH server over loopback with the BUILT
// client, against a baseline that performs the same MESH exchange with bare node:http (plain-mesh.mjs) on the same
// server in the same run. Every measurement runs in a fresh process, so the peak RSS is that arm's own; the
// servers run in another process (not measured). See docs/mesh-client/benchmark.md for the method.
// Usage: node bench/send-receive.mjs            (256 MiB and 1 GiB, best of 3 rounds)
//        BENCH_SIZES_MIB=16,64 BENCH_ROUNDS=1 node bench/send-receive.mjs
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { payloadPieces, payloadStream } from './payload.mjs';
import { plainMeshTransfer } from './plain-mesh.mjs';
import { rawTransfer } from './raw-http.mjs';

const MiB = 1024 * 1024;
const here = fileURLToPath(new URL('.', import.meta.url));
const SENDER = 'X26ABC1';
const RECIPIENT = 'X26ABC2';
/**
 * Every arm first moves this much through the same path, untimed: the one-off cost of loading and compiling code
 * on first use (undici's fetch and ky for the client, about 0.25 s here; far less for node:http, which is built
 * in) belongs to a process's start, not to its transfer rate. The peak RSS still includes it.
 */
const WARM_UP_BYTES = 64 * 1024;
const credentials = (mailboxId) => ({ mailboxId, mailboxPassword: 'password', sharedKey: 'TestKey' });

/** The arms, each run in its own process. `server` says which server it talks to. */
const ARMS = {
  client: { server: 'mesh', run: runClient },
  baseline: { server: 'mesh', run: runBaseline },
  raw: { server: 'plain', run: runRaw },
};

async function orchestrate() {
  const sizes = (process.env.BENCH_SIZES_MIB ?? '256,1024').split(',').map((s) => Number(s.trim()));
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
  for (const sizeMiB of sizes) {
    const servers = fork(`${here}servers.mjs`, [], {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      execArgv: ['--import', 'tsx'],
    });
    const [line] = await once(servers.stdout, 'data');
    const urls = JSON.parse(String(line).split('\n')[0]);
    const best = {};
    let failed = false;
    for (let round = 0; round < rounds && !failed; round++) {
      // The order alternates so that neither the client nor its baseline always runs first (warmer caches,
      // or a load spike from the other agents on this machine, would otherwise favour one side).
      const order = round % 2 === 0 ? ['baseline', 'client', 'raw'] : ['client', 'baseline', 'raw'];
      for (const arm of order) {
        const url = ARMS[arm].server === 'mesh' ? urls.meshUrl : urls.plainUrl;
        const serverCpu = await serverCpuSeconds(servers);
        const result = await child(arm, sizeMiB, url);
        if (!result) {
          failed = true;
          break;
        }
        result.serverCpuSeconds = (await serverCpuSeconds(servers)) - serverCpu;
        best[arm] = keepBest(best[arm], result);
        if (ARMS[arm].server === 'mesh') {
          // Frees the stored message, so the server's memory does not grow over the rounds.
          servers.send('reset');
          await once(servers, 'message');
        }
      }
    }
    servers.disconnect();
    await once(servers, 'exit');
    if (failed) {
      process.exitCode = 1;
      continue;
    }
    report(sizeMiB, best, rounds);
  }
}

async function serverCpuSeconds(servers) {
  servers.send('cpu');
  const [answer] = await once(servers, 'message');
  return answer.cpuSeconds;
}

/** The fastest round counts (the one least disturbed by other load); the peak RSS is the highest of all rounds. */
function keepBest(previous, result) {
  if (!previous) return result;
  const faster = result.seconds < previous.seconds ? result : previous;
  return { ...faster, peakRssMiB: Math.max(previous.peakRssMiB, result.peakRssMiB) };
}

/** Runs one arm in a fresh process and returns the JSON it prints last. */
async function child(arm, sizeMiB, url) {
  const proc = fork(fileURLToPath(import.meta.url), ['--arm', arm, String(sizeMiB), url], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let out = '';
  proc.stdout.on('data', (data) => {
    out += data;
  });
  const [code] = await once(proc, 'exit');
  if (code !== 0) return undefined;
  return JSON.parse(out.trim().split('\n').at(-1));
}

function report(sizeMiB, { client, baseline, raw }, rounds) {
  const r = (n) => Math.round(n * 100) / 100;
  const rate = (arm) => (2 * sizeMiB) / arm.seconds;
  const chunkMiB = r(client.chunkSize / MiB);
  console.log(
    `BENCH ${JSON.stringify({
      name: `mesh-client send+receive ${sizeMiB} MiB (${client.chunks} chunks of ${chunkMiB} MiB) vs node:http doing the same MESH exchange on the same fake server, best of ${rounds}`,
      value: r(rate(client)),
      unit: 'MiB/s',
      baseline: r(rate(baseline)),
      ratio: r(rate(client) / rate(baseline)),
      target: '>= 0.7',
    })}`,
  );
  console.log(
    `BENCH ${JSON.stringify({
      name: `mesh-client peak RSS, send+receive ${sizeMiB} MiB (client process alone)`,
      value: r(client.peakRssMiB),
      unit: 'MiB',
      baseline: r(baseline.peakRssMiB),
      ratio: r(client.peakRssMiB / baseline.peakRssMiB),
      target: '< 256',
    })}`,
  );
  console.log(
    `BENCH ${JSON.stringify({
      name: `informative: raw node:http upload+download ${sizeMiB} MiB against a discard/generate server (no MESH, no ratio), best of ${rounds}`,
      value: r(rate(raw)),
      unit: 'MiB/s',
    })}`,
  );
  const detail = (arm) =>
    `wall ${r(arm.seconds)} s (upload ${r(arm.uploadSeconds)} s, download+ack ${r(arm.downloadSeconds)} s), CPU ${r(arm.cpuSeconds)} s (servers' process ${r(arm.serverCpuSeconds)} s), peak RSS ${r(arm.peakRssMiB)} MiB`;
  console.log(`DETAIL ${sizeMiB} MiB client:   ${detail(client)}`);
  console.log(`DETAIL ${sizeMiB} MiB baseline: ${detail(baseline)}`);
  console.log(`DETAIL ${sizeMiB} MiB raw:      ${detail(raw)}`);
}

/** Peak RSS of this process so far, in MiB (getrusage maxRSS, which also catches peaks between samples). */
function peakRssMiB() {
  return Math.max(process.resourceUsage().maxRSS / 1024, process.memoryUsage().rss / MiB);
}

async function runClient(size, meshUrl, CHUNK_LIMITS) {
  const { MeshClient } = await import('../dist/index.js');
  const chunkSize = CHUNK_LIMITS.defaultBytes;
  const sender = new MeshClient({ ...credentials(SENDER), baseUrl: meshUrl });
  const recipient = new MeshClient({ ...credentials(RECIPIENT), baseUrl: meshUrl });
  const transfer = async (bytes) => {
    const started = performance.now();
    const sent = await sender.sendMessage({
      to: RECIPIENT,
      workflowId: 'GPES_BENCH',
      body: payloadStream(bytes),
      contentLength: bytes,
      chunkSizeBytes: chunkSize,
    });
    const uploaded = performance.now();
    const message = await recipient.retrieveMessage(sent.messageId);
    let received = 0;
    for await (const piece of message.body) received += piece.length;
    await recipient.acknowledgeMessage(sent.messageId);
    const done = performance.now();
    if (received !== bytes) throw new Error(`received ${received} of ${bytes} bytes`);
    return {
      uploadSeconds: (uploaded - started) / 1000,
      downloadSeconds: (done - uploaded) / 1000,
      chunks: sent.totalChunks,
      chunkSize,
    };
  };
  await transfer(WARM_UP_BYTES);
  const cpuBefore = process.cpuUsage();
  const result = await transfer(size);
  const cpu = process.cpuUsage(cpuBefore);
  await sender.close();
  await recipient.close();
  return { ...result, cpu };
}

async function runBaseline(size, meshUrl, CHUNK_LIMITS) {
  const { createMeshAuthorization, MESH_ACCEPT_V2 } = await import('../dist/index.js');
  const chunkSize = CHUNK_LIMITS.defaultBytes;
  const transfer = (bytes) =>
    plainMeshTransfer({
      meshUrl,
      size: bytes,
      chunkSize,
      pieces: payloadPieces(bytes),
      from: SENDER,
      to: RECIPIENT,
      auth: (mailboxId) => createMeshAuthorization(credentials(mailboxId)),
      accept: MESH_ACCEPT_V2,
    });
  await transfer(WARM_UP_BYTES);
  const cpuBefore = process.cpuUsage();
  const result = await transfer(size);
  const cpu = process.cpuUsage(cpuBefore);
  return { ...result, chunks: result.totalChunks, chunkSize, cpu };
}

async function runRaw(size, plainUrl) {
  const transfer = (bytes) => rawTransfer({ plainUrl, size: bytes, pieces: payloadPieces(bytes) });
  await transfer(WARM_UP_BYTES);
  const cpuBefore = process.cpuUsage();
  const result = await transfer(size);
  return { ...result, cpu: process.cpuUsage(cpuBefore) };
}

async function measure(arm, sizeMiB, url) {
  const { CHUNK_LIMITS } = await import('../dist/index.js');
  const { cpu, ...result } = await ARMS[arm].run(sizeMiB * MiB, url, CHUNK_LIMITS);
  const seconds = result.uploadSeconds + result.downloadSeconds;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(JSON.stringify({ ...result, seconds, cpuSeconds, peakRssMiB: peakRssMiB() }));
}

const [mode, arm, sizeArg, url] = process.argv.slice(2);
if (mode === '--arm' && arm in ARMS) {
  measure(arm, Number(sizeArg), url).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  await orchestrate();
}
