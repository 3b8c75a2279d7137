import type { BoundSpec } from '../compile/types.js';
import type { AggregateResult, PatientResult } from './types.js';

/** Accumulates patient results into the run's aggregate records (§5.2). */
export interface Tally {
  /** Adds one patient's result. Excluded and duplicate patients count towards nothing. */
  add(result: PatientResult): void;
  /** One record per declared aggregate output, in spec order, including counts of zero. */
  aggregates(): readonly AggregateResult[];
}

const MAX_DESCRIPTION = 255;

/**
 * The keys counts are held under: by the tally, by a specification set's counter and by the SQL runner, all read
 * back by {@link aggregatesFromCounts}. @internal
 */
export const tallyKey = {
  register: (id: string) => `i:${id}`,
  denominator: (id: string) => `d:${id}`,
  numerator: (id: string) => `n:${id}`,
  count: (name: string) => `c:${name}`,
} as const;

function description(d: string | undefined): { description?: string } {
  return d === undefined ? {} : { description: d.length > MAX_DESCRIPTION ? d.slice(0, MAX_DESCRIPTION) : d };
}

/**
 * Creates a tally for a bound spec. Tallies are plain counters: several can be merged by adding the results of
 * each part (the order of `add` calls does not matter).
 * @param spec a bound spec.
 */
export function createTally(spec: BoundSpec): Tally {
  // Built from the public document only, so any BoundSpec (e.g. one standing in for worker threads) can be tallied.
  const outputs = spec.spec.document.outputs;
  const counts = new Map<string, number>();
  const inc = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  return {
    add(result) {
      if (result.excluded !== undefined) return;
      for (const o of outputs) {
        switch (o.type) {
          case 'indicator': {
            if (o.kind === 'register') {
              if (result.populations[o.population]?.selected) inc(tallyKey.register(o.id));
              break;
            }
            const r = result.indicators[o.id];
            if (r?.denominator?.selected) inc(tallyKey.denominator(o.id));
            if (r?.denominator?.selected && r.numerator?.selected) inc(tallyKey.numerator(o.id));
            break;
          }
          case 'count':
            if (result.counts[o.name]?.selected) inc(tallyKey.count(o.name));
            break;
          default:
            break;
        }
      }
    },
    aggregates: () => aggregatesFromCounts(spec, counts),
  };
}

/**
 * The aggregate records of a spec from counts keyed by {@link tallyKey}: shared by the tally, the set's counter
 * and the SQL runner. @internal
 */
export function aggregatesFromCounts(
  spec: BoundSpec,
  counts: ReadonlyMap<string, number>,
): AggregateResult[] {
  const outputs = spec.spec.document.outputs;
  const out: AggregateResult[] = [];
  for (const o of outputs) {
    switch (o.type) {
      case 'indicator':
        if (o.kind === 'register') {
          out.push({
            aid: o.aid ?? o.id,
            ...description(o.description),
            value: String(counts.get(tallyKey.register(o.id)) ?? 0),
            source: { output: o.id },
          });
          break;
        }
        out.push({
          aid: o.denominator.aid,
          ...description(o.denominator.description),
          value: String(counts.get(tallyKey.denominator(o.id)) ?? 0),
          source: { output: o.id, part: 'denominator' },
        });
        out.push({
          aid: o.numerator.aid,
          ...description(o.numerator.description),
          value: String(counts.get(tallyKey.numerator(o.id)) ?? 0),
          source: { output: o.id, part: 'numerator' },
        });
        break;
      case 'count':
        out.push({
          aid: o.aid,
          ...description(o.description),
          value: String(counts.get(tallyKey.count(o.name)) ?? 0),
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
}
