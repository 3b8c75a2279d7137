// A seeded, reproducible fault campaign: random faults injected by the fake MESH server at random requests, over
// single and multi-chunk sends (following the README's reconcile rule), listing, download and acknowledgement (the
// inbox processor). Each seed is one independent run on its own fake server; a seed fails when a message is lost,
// duplicated or corrupted, or when the processor hands an already acknowledged message to its handler.
import { createHash } from 'node:crypto';
import { createInboxProcessor, isMeshError, MeshClient, type MeshClientOptions } from '../../src/index.js';
import { type FakeFault, type FakeMesh, type FakeRoute, startFakeMesh } from '../../src/testing/index.js';

const MiB = 1024 * 1024;
const WORKFLOW = 'FAULT_CAMPAIGN_WF';
const SENDER = 'X26ABC1';
const RECIPIENT = 'X26ABC2';

/** Per-attempt client timeout (ms) for small requests; uploads get more in proportion to their size. */
export const BASE_TIMEOUT_MS = 40;
/** Longest delay fault: three times the timeout of the request it delays. */
const DELAY_FACTOR = 3;

/** mulberry32: a small, fast, seedable PRNG (the same seed gives the same campaign). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Everything one seed found. Counters are per logical message. */
export interface SeedResult {
  seed: number;
  messages: number;
  chunkedMessages: number;
  bytes: number;
  faults: number;
  ambiguousSends: number;
  lost: number;
  duplicated: number;
  corrupted: number;
  /** Handler calls for a message MESH already had as acknowledged. */
  acknowledgedTwice: number;
  /** What went wrong, for the summary (no payloads). */
  problems: string[];
}

/** The payload of a logical message: deterministic from the seed, distinct at every offset. */
function payload(random: () => number, size: number): Buffer {
  const block = Buffer.alloc(Math.min(size, 64 * 1024));
  for (let i = 0; i + 4 <= block.length; i += 4) block.writeUInt32LE((random() * 2 ** 32) >>> 0, i);
  const body = Buffer.alloc(size);
  for (let offset = 0, n = 0; offset < size; offset += block.length, n++) {
    block.copy(body, offset);
    // Every block differs: a misplaced block changes the hash.
    if (offset + 4 <= size) body.writeUInt32LE(n, offset);
  }
  return body;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** One random fault for a request whose client timeout is `timeoutMs`. */
function randomFault(random: () => number, timeoutMs: number): FakeFault {
  const r = random();
  if (r < 0.15) return 'reset';
  if (r < 0.27) return { reset: 'request' };
  if (r < 0.39) return 'truncate';
  if (r < 0.6) return { delayMs: Math.round(timeoutMs * (1.1 + random() * (DELAY_FACTOR - 1.1))) };
  if (r < 0.8) return { status: [500, 502, 503, 504][Math.floor(random() * 4)] as number };
  return { status: 429, retryAfterSeconds: 0 };
}

/** Arms 0..2 faults on each of `routes`, each with probability `p`. */
function armFaults(
  fake: FakeMesh,
  random: () => number,
  routes: readonly FakeRoute[],
  timeoutMs: number,
  p: number,
): number {
  let armed = 0;
  for (const route of routes) {
    for (let i = 0; i < 2; i++) {
      if (random() >= p) break;
      fake.failNext(route, randomFault(random, timeoutMs));
      armed++;
    }
  }
  return armed;
}

interface Logical {
  name: string;
  body: Buffer;
  hash: string;
  chunkSizeBytes: number;
  compress: boolean;
}

/** Runs one seed. Never throws for a campaign finding: they are counted in the result. */
export async function runSeed(seed: number, options: { multiChunkRate?: number } = {}): Promise<SeedResult> {
  const random = prng(seed);
  const result: SeedResult = {
    seed,
    messages: 0,
    chunkedMessages: 0,
    bytes: 0,
    faults: 0,
    ambiguousSends: 0,
    lost: 0,
    duplicated: 0,
    corrupted: 0,
    acknowledgedTwice: 0,
    problems: [],
  };
  const fake = await startFakeMesh({ nhsSandboxGzip: random() < 0.3 });
  const base: MeshClientOptions = {
    baseUrl: fake.url,
    mailboxId: SENDER,
    mailboxPassword: 'password',
    sharedKey: 'TestKey',
    timeoutMs: BASE_TIMEOUT_MS,
    retry: { limit: 4, delayMs: 1, backoffLimitMs: 10, jitter: true },
  };
  const receiver = new MeshClient({ ...base, mailboxId: RECIPIENT });
  try {
    const count = 1 + Math.floor(random() * 3);
    const logical: Logical[] = [];
    for (let i = 0; i < count; i++) {
      const chunked = random() < (options.multiChunkRate ?? 0.03);
      // Bodies from 1 KiB to several MiB, mostly small; chunked ones over two or three 5 MiB chunks.
      const size = chunked
        ? 5 * MiB + 1 + Math.floor(random() * 6 * MiB)
        : random() < 0.85
          ? 1024 + Math.floor(random() * 63 * 1024)
          : 64 * 1024 + Math.floor(random() * 3 * MiB);
      const body = payload(random, size);
      logical.push({
        name: `s${seed}-m${i}`,
        body,
        hash: sha256(body),
        chunkSizeBytes: 5 * MiB,
        compress: random() < 0.4,
      });
      result.messages++;
      result.bytes += size;
      if (chunked) result.chunkedMessages++;
    }

    for (const message of logical) {
      // The per-attempt timeout grows with the upload; delay faults last up to DELAY_FACTOR times it.
      const timeoutMs = Math.min(
        8 * BASE_TIMEOUT_MS,
        BASE_TIMEOUT_MS + Math.ceil(message.body.length / MiB) * 30,
      );
      const sender = new MeshClient({
        ...base,
        timeoutMs,
        // Longer than any delay fault: the fake may store a fully received request after the client gave up.
        // The slack covers the fake server finishing a delayed request on a loaded machine (250 ms was exceeded once
        // with a 1M-patient benchmark running beside the suite).
        reconcileGraceMs: DELAY_FACTOR * timeoutMs + 1000,
      });
      try {
        await sendOnce(fake, sender, random, message, timeoutMs, result);
      } finally {
        await sender.close();
      }
    }

    // Receive with the inbox processor, faults on listing, download and acknowledgement.
    const received = new Map<string, string>(); // messageId → hash of what the handler stored
    const processor = createInboxProcessor({
      client: receiver,
      failureBackoffMs: 0,
      pollIntervalMs: 0,
      handler: async (message) => {
        if (fake.message(message.messageId)?.status === 'acknowledged') {
          result.acknowledgedTwice++;
          result.problems.push(`handler got acknowledged message ${message.localId ?? '?'}`);
        }
        received.set(message.messageId, sha256(await message.buffer()));
      },
    });
    for (let pass = 0; pass < 40 && fake.inbox(RECIPIENT).length > 0; pass++) {
      result.faults += armFaults(fake, random, ['inbox', 'download', 'acknowledge'], BASE_TIMEOUT_MS, 0.25);
      await processor.runOnce();
    }

    // The verdict, per logical message, from what MESH delivered and what the handler stored.
    for (const message of logical) {
      const delivered = fake.messages.filter(
        (m) =>
          m.messageType === 'DATA' &&
          m.localId?.startsWith(`${message.name}-`) &&
          (m.status === 'accepted' || m.status === 'acknowledged'),
      );
      if (delivered.length === 0) {
        result.lost++;
        result.problems.push(`${message.name}: never delivered`);
        continue;
      }
      if (delivered.length > 1) {
        result.duplicated++;
        result.problems.push(`${message.name}: delivered ${delivered.length} times`);
      }
      for (const d of delivered) {
        const hash = received.get(d.messageId);
        if (hash === undefined) {
          result.lost++;
          result.problems.push(`${message.name}: delivered but never handled (status ${d.status})`);
        } else if (hash !== message.hash) {
          result.corrupted++;
          result.problems.push(`${message.name}: handled bytes differ from the bytes sent`);
        }
        if (d.status !== 'acknowledged') result.problems.push(`${message.name}: not acknowledged`);
      }
    }
  } catch (error) {
    result.problems.push(`seed aborted: ${describe(error)}`);
    result.lost++;
  } finally {
    await receiver.close();
    await fake.close();
  }
  return result;
}

function describe(error: unknown): string {
  return isMeshError(error) ? `${error.code} ${error.message}` : String(error);
}

/**
 * Sends one logical message exactly once, as the README's recipe says: on SEND_OUTCOME_UNKNOWN, reconcile by local
 * id; send again only when MESH has nothing (same local id) or an upload that will never complete (new local id).
 */
async function sendOnce(
  fake: FakeMesh,
  client: MeshClient,
  random: () => number,
  message: Logical,
  timeoutMs: number,
  result: SeedResult,
): Promise<void> {
  let attempt = 0;
  let localId = `${message.name}-a${attempt}`;
  for (let round = 0; round < 30; round++) {
    result.faults += armFaults(fake, random, ['send', 'chunk'], timeoutMs, 0.3);
    try {
      await client.sendMessage({
        to: RECIPIENT,
        workflowId: WORKFLOW,
        body: message.body,
        localId,
        compress: message.compress,
        chunkSizeBytes: message.chunkSizeBytes,
      });
      return;
    } catch (error) {
      if (!isMeshError(error)) throw error;
      if (error.code === 'SEND_OUTCOME_UNKNOWN') {
        result.ambiguousSends++;
        const found = await reconcile(fake, client, random, localId, result);
        if (found === 'duplicate') return;
        if (found?.complete) return;
        if (found) localId = `${message.name}-a${++attempt}`; // stuck in "uploading": a new local id
        continue;
      }
      if (error.messageId !== undefined) {
        // A later chunk refused outright: the upload will never complete; start again under a new local id.
        localId = `${message.name}-a${++attempt}`;
        continue;
      }
      if (error.code === 'THROTTLED' || error.code === 'NETWORK') continue; // provably not sent (429, refused)
      throw error;
    }
  }
  result.problems.push(`${message.name}: gave up sending after 30 rounds`);
}

async function reconcile(
  fake: FakeMesh,
  client: MeshClient,
  random: () => number,
  localId: string,
  result: SeedResult,
): Promise<{ complete: boolean } | undefined | 'duplicate'> {
  for (let round = 0; ; round++) {
    result.faults += armFaults(fake, random, ['tracking'], BASE_TIMEOUT_MS, 0.2);
    try {
      return await client.reconcileSend(localId);
    } catch (error) {
      if (isMeshError(error) && error.code === 'AMBIGUOUS_LOCAL_ID') {
        result.problems.push(`${localId}: several messages share the local id`);
        return 'duplicate';
      }
      if (round >= 20) throw error;
    }
  }
}

/** Summary of many seeds. */
export interface CampaignSummary {
  seeds: number;
  firstSeed: number;
  messages: number;
  chunkedMessages: number;
  megabytes: number;
  faults: number;
  ambiguousSends: number;
  lost: number;
  duplicated: number;
  corrupted: number;
  acknowledgedTwice: number;
  failedSeeds: { seed: number; problems: string[] }[];
  seconds: number;
}

/** Runs seeds `firstSeed .. firstSeed + seeds - 1`, `concurrency` at a time. */
export async function runCampaign(options: {
  seeds: number;
  firstSeed?: number;
  concurrency?: number;
  multiChunkRate?: number;
  onSeed?: (result: SeedResult) => void;
}): Promise<CampaignSummary> {
  const firstSeed = options.firstSeed ?? 1;
  const started = performance.now();
  const summary: CampaignSummary = {
    seeds: options.seeds,
    firstSeed,
    messages: 0,
    chunkedMessages: 0,
    megabytes: 0,
    faults: 0,
    ambiguousSends: 0,
    lost: 0,
    duplicated: 0,
    corrupted: 0,
    acknowledgedTwice: 0,
    failedSeeds: [],
    seconds: 0,
  };
  let next = firstSeed;
  const end = firstSeed + options.seeds;
  const worker = async () => {
    while (next < end) {
      const seed = next++;
      const r = await runSeed(seed, {
        ...(options.multiChunkRate !== undefined && { multiChunkRate: options.multiChunkRate }),
      });
      summary.messages += r.messages;
      summary.chunkedMessages += r.chunkedMessages;
      summary.megabytes += r.bytes / 1e6;
      summary.faults += r.faults;
      summary.ambiguousSends += r.ambiguousSends;
      summary.lost += r.lost;
      summary.duplicated += r.duplicated;
      summary.corrupted += r.corrupted;
      summary.acknowledgedTwice += r.acknowledgedTwice;
      if (r.lost + r.duplicated + r.corrupted + r.acknowledgedTwice > 0) {
        summary.failedSeeds.push({ seed, problems: r.problems });
      }
      options.onSeed?.(r);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  summary.megabytes = Math.round(summary.megabytes * 10) / 10;
  summary.seconds = Math.round((performance.now() - started) / 100) / 10;
  return summary;
}

/** The summary as printed by the script and the test. */
export function formatSummary(s: CampaignSummary): string {
  const lines = [
    `fault campaign: seeds ${s.firstSeed}..${s.firstSeed + s.seeds - 1} (${s.seeds}) in ${s.seconds} s`,
    `  messages ${s.messages} (${s.chunkedMessages} multi-chunk), ${s.megabytes} MB, faults injected ${s.faults}, ambiguous sends reconciled ${s.ambiguousSends}`,
    `  lost ${s.lost}, duplicated ${s.duplicated}, corrupted ${s.corrupted}, acknowledged twice ${s.acknowledgedTwice}`,
  ];
  for (const f of s.failedSeeds.slice(0, 20)) lines.push(`  seed ${f.seed}: ${f.problems.join('; ')}`);
  return lines.join('\n');
}
