import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    // The `gpes` command (package.json "bin", through the committed bin/gpes.js).
    main: 'src/main.ts',
  },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  treeshake: true,
  target: 'node20',
  platform: 'node',
  // import.meta.url in the CommonJS build (fake-mesh finds @gpes/mesh-client's bin through it).
  shims: true,
});
