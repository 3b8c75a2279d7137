import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests run against the TypeScript sources; the packaging tests check the built dist separately.
const alias = [
  { find: /^@gpes\/mesh-client\/testing$/, replacement: src('./packages/mesh-client/src/testing/index.ts') },
  { find: /^@gpes\/mesh-client$/, replacement: src('./packages/mesh-client/src/index.ts') },
  { find: /^@gpes\/messages\/testing$/, replacement: src('./packages/messages/src/testing/index.ts') },
  { find: /^@gpes\/messages\/experimental$/, replacement: src('./packages/messages/src/experimental.ts') },
  { find: /^@gpes\/messages$/, replacement: src('./packages/messages/src/index.ts') },
  {
    find: /^@gpes\/extract-core\/testing$/,
    replacement: src('./packages/extract-core/src/testing/index.ts'),
  },
  { find: /^@gpes\/extract-core$/, replacement: src('./packages/extract-core/src/index.ts') },
];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['packages/*/src/**/*.test.ts'] } },
      {
        extends: true,
        // Hooks start embedded databases and servers, which takes seconds on a busy 2-core CI machine.
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      { extends: true, test: { name: 'packaging', include: ['test/**/*.test.ts'], testTimeout: 60_000 } },
      {
        extends: true,
        test: { name: 'examples', include: ['examples/*/src/**/*.test.ts'], testTimeout: 120_000 },
      },
    ],
  },
});
