/**
 * Entry point of a pool worker thread (built as `dist/parallel-worker.{js,cjs}`). It compiles and binds the spec
 * once, then evaluates batches with `BoundSpec.evaluate`, exactly as the calling thread would.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { RunContext, SubsumptionProvider } from '../bind/types.js';
import { compileSpec } from '../compile/compile.js';
import type { BoundSpec } from '../compile/types.js';
import { compileSpecSet } from '../evaluate/set.js';
import type { PatientResult } from '../evaluate/types.js';
import type { PatientRecord } from '../record.js';
import { type BatchRequest, subsumptionKey, type WorkerInit, type WorkerMessage } from './protocol.js';

function describe(error: unknown): { name: string; code?: string } {
  const name = error instanceof Error ? error.name : typeof error;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? { name, code } : { name };
}

/** Something that evaluates one record: a bound spec, or a bound set (one result per specification). */
type Evaluator = (record: PatientRecord) => PatientResult | readonly PatientResult[];

async function bindInWorker(init: WorkerInit, decision: () => 'include' | 'exclude'): Promise<Evaluator> {
  const run: { -readonly [K in keyof RunContext]: RunContext[K] } = { ...init.run };
  const descendants = init.descendants;
  if (descendants) {
    const provider: SubsumptionProvider = {
      async descendantsOf(codeSchemeId, code) {
        return descendants[subsumptionKey(codeSchemeId, code)] ?? [];
      },
    };
    run.subsumption = provider;
  }
  if (init.sharingHook) run.detailedCareRecordSharing = decision;
  if (init.specs) {
    const set = await compileSpecSet(init.specs).bind(run);
    return (record) => set.evaluate(record);
  }
  const bound: BoundSpec = await compileSpec(init.spec as string).bind(run);
  return (record) => bound.evaluate(record);
}

function serve(port: MessagePort, init: WorkerInit): void {
  const post = (message: WorkerMessage) => port.postMessage(message);
  // The care-record-sharing decision for the record being evaluated, set just before `evaluate`: the vendor's
  // hook is a function, so the calling thread runs it and sends its answers with each batch.
  let sharing: 'include' | 'exclude' = 'include';
  bindInWorker(init, () => sharing).then(
    (evaluate) => {
      port.on('message', (request: BatchRequest) => {
        const results: (PatientResult | readonly PatientResult[])[] = [];
        try {
          for (let i = 0; i < request.records.length; i++) {
            sharing = request.sharing?.[i] ?? 'include';
            results.push(evaluate(request.records[i]!));
          }
        } catch (error) {
          post({ type: 'batchFailed', id: request.id, ...describe(error) });
          return;
        }
        post({ type: 'results', id: request.id, results: results as readonly PatientResult[] });
      });
      port.on('messageerror', () => post({ type: 'unreadable' }));
      post({ type: 'ready' });
    },
    (error: unknown) => post({ type: 'initFailed', ...describe(error) }),
  );
}

if (!parentPort) throw new Error('parallel-worker must run in a worker thread');
serve(parentPort, workerData as WorkerInit);
