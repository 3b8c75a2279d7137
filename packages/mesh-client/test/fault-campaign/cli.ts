// Runs the fault campaign for any number of seeds and prints a summary.
//   pnpm --filter @gpes/mesh-client fault-campaign --seeds 10000 [--first-seed 1] [--concurrency 6]
// Exit status 1 when any seed lost, duplicated or corrupted a message.
import { parseArgs } from 'node:util';
import { formatSummary, runCampaign } from './campaign.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1000' },
    'first-seed': { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '6' },
  },
});
const seeds = Number(values.seeds);
let done = 0;
const summary = await runCampaign({
  seeds,
  firstSeed: Number(values['first-seed']),
  concurrency: Number(values.concurrency),
  onSeed: (r) => {
    done++;
    if (r.problems.length > 0 && r.lost + r.duplicated + r.corrupted + r.acknowledgedTwice > 0) {
      console.log(`seed ${r.seed}: ${r.problems.join('; ')}`);
    }
    if (done % 500 === 0) console.log(`… ${done}/${seeds} seeds`);
  },
});
console.log(formatSummary(summary));
process.exitCode = summary.failedSeeds.length > 0 ? 1 : 0;
