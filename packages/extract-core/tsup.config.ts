import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    testing: 'src/testing/index.ts',
    // Loaded by file path from the pool (src/parallel/pool.ts), next to the module that starts it.
    'parallel-worker': 'src/parallel/worker.ts',
  },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' } },
  sourcemap: true,
  clean: true,
  treeshake: true,
  target: 'node20',
  platform: 'node',
  // The CJS build needs import.meta.url to locate the worker file.
  shims: true,
});
