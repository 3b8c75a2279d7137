import type { BoundSpec } from '../compile/types.js';
import { type BoundEngine, ENGINE } from './engine.js';
import type { AggregateResult, PatientResult } from './types.js';

/** Accumulates patient results into the run's aggregate records (§5.2). */
export interface Tally {
  /** Adds one patient's result. Excluded and duplicate patients count towards nothing. */
  add(result: PatientResult): void;
  /** One record per declared aggregate output, in spec order, including counts of zero. */
  aggregates(): readonly AggregateResult[];
}

const MAX_DESCRIPTION = 255;

function description(d: string | undefined): { description?: string } {
  return d === undefined ? {} : { description: d.length > MAX_DESCRIPTION ? d.slice(0, MAX_DESCRIPTION) : d };
}

function engineOf(spec: BoundSpec): BoundEngine {
  const engine = (spec as unknown as Record<symbol, BoundEngine | undefined>)[ENGINE];
  if (!engine) throw new TypeError('createTally needs a BoundSpec from CompiledSpec.bind');
  return engine;
}

/**
 * Creates a tally for a bound spec. Tallies are plain counters: several can be merged by adding the results of
 * each part (the order of `add` calls does not matter).
 * @param spec a bound spec.
 */
export function createTally(spec: BoundSpec): Tally {
  const program = engineOf(spec).program;
  const pops = program.populations;
  const counts = new Map<string, number>();
  const inc = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  return {
    add(result) {
      if (result.excluded !== undefined) return;
      for (const o of program.outputs) {
        switch (o.type) {
          case 'registerIndicator':
            if (result.populations[(pops[o.population] as { name: string }).name]?.selected) inc(`i:${o.id}`);
            break;
          case 'proportionIndicator': {
            const r = result.indicators[o.id];
            if (r?.denominator?.selected) inc(`d:${o.id}`);
            if (r?.denominator?.selected && r.numerator?.selected) inc(`n:${o.id}`);
            break;
          }
          case 'count':
            if (result.counts[o.name]?.selected) inc(`c:${o.name}`);
            break;
          default:
            break;
        }
      }
    },
    aggregates() {
      const out: AggregateResult[] = [];
      for (const o of program.outputs) {
        switch (o.type) {
          case 'registerIndicator':
            out.push({
              aid: o.aid,
              ...description(o.description),
              value: String(counts.get(`i:${o.id}`) ?? 0),
              source: { output: o.id },
            });
            break;
          case 'proportionIndicator':
            out.push({
              aid: o.denominator.aid,
              ...description(o.denominator.description),
              value: String(counts.get(`d:${o.id}`) ?? 0),
              source: { output: o.id, part: 'denominator' },
            });
            out.push({
              aid: o.numerator.aid,
              ...description(o.numerator.description),
              value: String(counts.get(`n:${o.id}`) ?? 0),
              source: { output: o.id, part: 'numerator' },
            });
            break;
          case 'count':
            out.push({
              aid: o.aid,
              ...description(o.description),
              value: String(counts.get(`c:${o.name}`) ?? 0),
              source: { output: o.name },
            });
            break;
          case 'parameterValue':
            out.push({
              aid: o.aid,
              ...description(o.description),
              value: String(spec.parameterValues[o.parameter] ?? ''),
              source: { output: o.parameter },
            });
            break;
          default:
            break;
        }
      }
      return out;
    },
  };
}
