import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSpec } from '../compile/compile.js';
import { dm017SpecPath, loadDm017Spec } from './index.js';

describe('the shipped DM017 specification', () => {
  it('is a file in the package', () => {
    expect(existsSync(dm017SpecPath())).toBe(true);
  });

  it('loads with its code lists expanded and compiles', async () => {
    const doc = await loadDm017Spec();
    const dmCod = doc.clusters.find((c) => c.name === 'DM_COD');
    expect(dmCod?.members?.length).toBe(79);
    expect(() => compileSpec(doc)).not.toThrow();
  });
});
