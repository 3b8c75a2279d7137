/**
 * Query Results throughput and memory. Run: `pnpm --filter @gpes/messages run bench`
 * (QR_BENCH_MB=20 for a quick trial; the default is the 200 MB the targets are set for).
 *
 * Encode: `encodeQueryResults` vs writing the same bytes by plain string concatenation (no validation, no
 * escaping), both drained to a byte counter. Decode: `decodeQueryResultsStream` vs raw saxes tokenisation (the
 * same saxes options, no-op handlers) of the same file, both through a streaming UTF-8 TextDecoder.
 * The records come from a small pool of synthetic patients cycled with fresh RIDs, so generating them costs
 * almost nothing in either arm. The document is streamed to a file in os.tmpdir() and deleted at the end.
 */

import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { QrRecord, QueryResultsHeader } from '@gpes/messages';
import { decodeQueryResultsStream, encodeQueryResults } from '@gpes/messages';
import { SaxesParser } from 'saxes';
import { SYNTHETIC_QR_HEADER } from '../test/support/query-results.js';

const TARGET_BYTES = Number(process.env.QR_BENCH_MB ?? 200) * 1024 * 1024;
const MIB = 1024 * 1024;

const header: QueryResultsHeader = {
  ...SYNTHETIC_QR_HEADER,
  gpetESqiAuthenticationSignature: '3C4D5E6F-0000-4000-8000-000000000003',
  queryName: 'Synthetic benchmark',
};

/** Deterministic PRNG (mulberry32): the same document on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A synthetic NHS number in the 999 test range with a valid check digit. */
function nhsNumber(n: number): string {
  for (let k = n; ; k++) {
    const body = `999${String(k % 1_000_000).padStart(6, '0')}`;
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += Number(body[i]) * (10 - i);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return body + (check === 11 ? '0' : String(check));
  }
}

function pool(size: number): QrRecord[] {
  const rnd = prng(42);
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = () =>
    `${1990 + Math.floor(rnd() * 30)}-${pad(1 + Math.floor(rnd() * 12))}-${pad(1 + Math.floor(rnd() * 28))}`;
  const records: QrRecord[] = [];
  for (let i = 0; i < size; i++) {
    if (i % 50 === 0) {
      records.push({
        kind: 'aggregate',
        aid: '957080F1-4EB8-4547-A3C6-267E2A53BD1A',
        description: 'Count',
        value: String(i),
      });
      continue;
    }
    const journals = Array.from({ length: 1 + Math.floor(rnd() * 15) }, (_, j) => ({
      qid: 2,
      lid: j + 1,
      columns: {
        DATE: date(),
        CODE: String(100000000 + Math.floor(rnd() * 900000000)),
        'VALUE1-CONDITION': rnd() < 0.4 ? (rnd() * 200).toFixed(1) : '',
        'VALUE2-CONDITION': '',
        'VALUE1-PRESCRIPTION': '',
        'VALUE2-PRESCRIPTION': '',
      },
    }));
    records.push({
      kind: 'patient-level',
      patientTables: [
        {
          qid: 1,
          lid: 1,
          columns: {
            'DATE-OF-BIRTH': date(),
            'NHS-NUMBER': nhsNumber(i),
            POSTCODE: 'SR1 3BG',
            PRACTICE: 'A34561',
            SEX: rnd() < 0.5 ? '1' : '2',
          },
        },
      ],
      journalsTables: journals,
    });
  }
  return records;
}

const POOL = pool(2000);
/** Average bytes per pooled record, to know how many records make the target size. */
const RECORD_COUNT = (() => {
  let bytes = 0;
  for (const r of POOL) bytes += concatRecord(r, 1000000).length;
  return Math.ceil(TARGET_BYTES / (bytes / POOL.length));
})();

function* records(): Generator<QrRecord> {
  for (let i = 0; i < RECORD_COUNT; i++) yield POOL[i % POOL.length] as QrRecord;
}

// ---- baseline writer: plain concatenation, same layout, no checks, no escaping ----------------------

function concatRecord(r: QrRecord, rid: number): string {
  if (r.kind === 'aggregate') {
    return `      <Aggregate-Record RID="${rid}" AID="${r.aid}" Description="${r.description}">${r.value}</Aggregate-Record>\n`;
  }
  let s = `      <Patient-Level-Record RID="${rid}">\n`;
  for (const [name, rows] of [
    ['Patient-Table', r.patientTables],
    ['Journals-Table', r.journalsTables],
  ] as const) {
    for (const row of rows) {
      s += `        <${name} QID="${row.qid}" LID="${row.lid}"`;
      for (const k in row.columns) s += ` ${k}="${row.columns[k]}"`;
      s += '/>\n';
    }
  }
  return `${s}      </Patient-Level-Record>\n`;
}

async function* concatDocument(prologue: string): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let buffer = prologue;
  let rid = 0;
  for (const r of records()) {
    buffer += concatRecord(r, ++rid);
    if (buffer.length >= 65_536) {
      yield encoder.encode(buffer);
      buffer = '';
    }
  }
  yield encoder.encode(`${buffer}    </Query-Results-Records>\n  </Query-Results>\n</GPES-E-Q-QR-Message>\n`);
}

// ---- measurement ---------------------------------------------------------------------------------

let peakRss = 0;
const sampleRss = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
};

async function drain(chunks: AsyncIterable<Uint8Array>): Promise<number> {
  let bytes = 0;
  let n = 0;
  for await (const c of chunks) {
    bytes += c.length;
    if (++n % 64 === 0) sampleRss();
  }
  return bytes;
}

/**
 * Runs `fn` and returns its CPU seconds (user + system of this process). CPU time, not wall time: the
 * machines this runs on are shared, and another process's load would otherwise move the ratios. Wall
 * time is printed alongside for reference.
 */
async function time<T>(label: string, fn: () => Promise<T>): Promise<[T, number]> {
  global.gc?.();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = await fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  const seconds = (cpu.user + cpu.system) / 1e6;
  console.log(`${label}: ${seconds.toFixed(2)} s CPU, ${wall.toFixed(2)} s wall`);
  return [value, seconds];
}

function bench(name: string, value: number, unit: string, baseline?: number): void {
  const line: Record<string, unknown> = { name, value: Number(value.toFixed(2)), unit };
  if (baseline !== undefined) {
    line.baseline = Number(baseline.toFixed(2));
    line.ratio = Number((value / baseline).toFixed(3));
  }
  console.log(`BENCH ${JSON.stringify(line)}`);
}

interface ArmResult {
  readonly cpuSeconds: number;
  readonly bytes: number;
  readonly count: number;
  readonly peakRssBytes: number;
}

/** One measured arm, run in a fresh process: saxes' code is shared, so an arm run after another would
 * inherit its JIT state (a no-op-handler saxes run first is ~2.5x faster than the same run afterwards). */
async function arm(name: string, file: string): Promise<void> {
  let bytes = 0;
  let count = 0;
  const [, cpuSeconds] = await time(name, async () => {
    if (name === 'encode') bytes = await drain(encodeQueryResults(header, records()));
    else if (name === 'concat') {
      const prologue = (
        await new Response(
          Readable.toWeb(Readable.from(encodeQueryResults(header, []))) as ReadableStream,
        ).text()
      ).split('    </Query-Results-Records>')[0] as string;
      bytes = await drain(concatDocument(prologue));
    } else if (name === 'saxes') {
      const sax = new SaxesParser({ xmlns: false, position: true });
      sax.on('opentag', () => count++);
      sax.on('closetag', () => count++);
      sax.on('text', () => count++);
      const decoder = new TextDecoder('utf-8', { fatal: true });
      let n = 0;
      for await (const chunk of createReadStream(file, { highWaterMark: 65_536 })) {
        bytes += (chunk as Uint8Array).length;
        sax.write(decoder.decode(chunk as Uint8Array, { stream: true }));
        if (++n % 64 === 0) sampleRss();
      }
      sax.close();
    } else {
      let ok = false;
      let n = 0;
      for await (const event of decodeQueryResultsStream(createReadStream(file, { highWaterMark: 65_536 }))) {
        if (event.type === 'record') count++;
        else if (event.type === 'end') ok = event.ok;
        else if (event.type === 'issue')
          throw new Error(`unexpected issue ${event.issue.code} at ${event.issue.path}`);
        if (++n % 4096 === 0) sampleRss();
      }
      if (!ok) throw new Error('decode did not end ok');
      bytes = statSync(file).size;
    }
  });
  sampleRss();
  const peakRssBytes = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
  console.log(`ARM ${JSON.stringify({ cpuSeconds, bytes, count, peakRssBytes } satisfies ArmResult)}`);
}

function runArm(name: string, file: string): ArmResult {
  const script = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...process.execArgv, script, 'arm', name, file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('ARM '));
  for (const l of r.stdout.split('\n')) if (l && !l.startsWith('ARM ')) console.log(`  ${l}`);
  if (r.status !== 0 || line === undefined) throw new Error(`bench arm ${name} failed (status ${r.status})`);
  return JSON.parse(line.slice(4)) as ArmResult;
}

async function main(): Promise<void> {
  const file = join(tmpdir(), `gpes-qr-bench-${process.pid}.xml`);
  try {
    await pipeline(Readable.from(encodeQueryResults(header, records())), createWriteStream(file));
    const size = statSync(file).size;
    console.log(`QR document: ${(size / MIB).toFixed(1)} MiB, ${RECORD_COUNT} records`);

    const encode = runArm('encode', file);
    const concat = runArm('concat', file);
    if (encode.bytes !== concat.bytes || encode.bytes !== size) {
      throw new Error(`byte counts differ: encoder ${encode.bytes}, baseline ${concat.bytes}, file ${size}`);
    }
    bench('messages.qr.encode', size / MIB / encode.cpuSeconds, 'MB/s', size / MIB / concat.cpuSeconds);

    const saxes = runArm('saxes', file);
    const decode = runArm('decode', file);
    if (decode.count !== RECORD_COUNT)
      throw new Error(`decoded ${decode.count} records, expected ${RECORD_COUNT}`);
    bench('messages.qr.decode', size / MIB / decode.cpuSeconds, 'MB/s', size / MIB / saxes.cpuSeconds);

    for (const [name, r] of [
      ['encode', encode],
      ['decode', decode],
    ] as const) {
      const mib = r.peakRssBytes / MIB;
      console.log(`RSS peak (${name}): ${mib.toFixed(1)} MiB (target < 256 MiB)`);
      console.log(
        `BENCH ${JSON.stringify({ name: `messages.qr.${name}.peak-rss`, value: Number(mib.toFixed(1)), unit: 'MiB', baseline: 256, ratio: Number((mib / 256).toFixed(3)) })}`,
      );
    }
  } finally {
    if (process.env.QR_BENCH_KEEP) console.log(`kept ${file}`);
    else rmSync(file, { force: true });
  }
}

if (process.argv[2] === 'arm') await arm(process.argv[3] as string, process.argv[4] as string);
else await main();
