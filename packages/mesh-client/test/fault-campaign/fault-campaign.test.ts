import { expect, it } from 'vitest';
import { formatSummary, runCampaign } from './campaign.js';

// A few hundred seeds in every test run; `pnpm --filter @gpes/mesh-client fault-campaign --seeds 10000` runs more
// (docs/mesh-client/fault-campaign.md). FAULT_CAMPAIGN_SEEDS / FAULT_CAMPAIGN_FIRST_SEED override the range here.
const seeds = Number(process.env.FAULT_CAMPAIGN_SEEDS ?? 200);
const firstSeed = Number(process.env.FAULT_CAMPAIGN_FIRST_SEED ?? 1);

it(`loses, duplicates and corrupts nothing over ${seeds} seeds of random faults`, {
  timeout: 600_000,
}, async () => {
  const summary = await runCampaign({ seeds, firstSeed, concurrency: 6 });
  console.log(formatSummary(summary));
  expect(summary.failedSeeds).toEqual([]);
  expect(summary).toMatchObject({ lost: 0, duplicated: 0, corrupted: 0, acknowledgedTwice: 0 });
  expect(summary.faults).toBeGreaterThan(seeds);
});
