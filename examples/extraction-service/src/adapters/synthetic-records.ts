import { generatePopulation } from '@gpes/extract-core/testing';
import type { PracticeRecordSource } from '../service/ports.js';

/** Options of {@link syntheticRecordSource}. */
export interface SyntheticRecordOptions {
  /** Practice ODS code → number of synthetic patients. */
  readonly practices: Readonly<Record<string, number>>;
  /** The date the populations are built around (normally the extract's achievement date). */
  readonly referenceDate: string;
  /** Base seed; each practice's population is seeded with it and the practice code. @default 'gpes-demo' */
  readonly seed?: string;
}

/**
 * A record source of seeded synthetic patients (`@gpes/extract-core/testing`), for the demo and tests only: every
 * record is synthetic (999-range NHS numbers, ZZ99 postcodes). A vendor replaces this with its own record store.
 * The same options always give the same patients, so an evaluation redone after a restart sees the same data.
 */
export function syntheticRecordSource(options: SyntheticRecordOptions): PracticeRecordSource {
  return {
    hasPractice: (practiceId) => Object.hasOwn(options.practices, practiceId),
    patients: (practiceId) =>
      generatePopulation({
        seed: `${options.seed ?? 'gpes-demo'}:${practiceId}`,
        size: options.practices[practiceId] ?? 0,
        referenceDate: options.referenceDate,
        practiceOdsCode: practiceId,
      }),
  };
}

/**
 * Parses `A81001=10000,A81002=10000` (practice=patients) as read from `GPES_SYNTHETIC_PRACTICES`.
 * @throws RangeError naming the bad entry.
 */
export function parseSyntheticPractices(text: string): Record<string, number> {
  const practices: Record<string, number> = {};
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([A-Z][0-9]{5})=(\d{1,7})$/.exec(item);
    if (!match) throw new RangeError(`GPES_SYNTHETIC_PRACTICES: '${item}' is not PRACTICE=PATIENTS`);
    practices[match[1] as string] = Number(match[2]);
  }
  return practices;
}
