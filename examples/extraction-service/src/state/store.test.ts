import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isExtractionServiceError } from '../errors.js';
import { FileStateStore } from './store.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gpes-store-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('FileStateStore', () => {
  it('keeps every completed update across a reopen', async () => {
    const store = await FileStateStore.open(directory);
    await store.update((s) => {
      s.handled.M1 = { workflowId: 'GPDC_RTP', at: '2026-01-01T00:00:00Z', outcome: 'stored' };
    });
    await store.update((s) => {
      s.alerts.push({ at: '2026-01-01T00:00:00Z', code: 'DELIVERY_FAILED', message: 'x' });
    });
    const reopened = await FileStateStore.open(directory);
    expect(Object.keys(reopened.state.handled)).toEqual(['M1']);
    expect(reopened.state.alerts).toHaveLength(1);
  });

  it('applies concurrent updates one after another without losing any', async () => {
    const store = await FileStateStore.open(directory);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.update((s) => {
          s.handled[`M${i}`] = { workflowId: 'W', at: 'now', outcome: 'ok' };
        }),
      ),
    );
    expect(Object.keys((await FileStateStore.open(directory)).state.handled)).toHaveLength(20);
  });

  it('leaves the state unchanged when the mutation throws, and keeps working afterwards', async () => {
    const store = await FileStateStore.open(directory);
    await expect(
      store.update((s) => {
        s.handled.BAD = { workflowId: 'W', at: 'now', outcome: 'ok' };
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(store.state.handled.BAD).toBeUndefined();
    await store.update((s) => {
      s.handled.GOOD = { workflowId: 'W', at: 'now', outcome: 'ok' };
    });
    expect(Object.keys((await FileStateStore.open(directory)).state.handled)).toEqual(['GOOD']);
  });

  it('hands out snapshots that cannot change the stored state', async () => {
    const store = await FileStateStore.open(directory);
    const snapshot = store.state as { alerts: unknown[] };
    snapshot.alerts.push({ anything: true });
    expect(store.state.alerts).toHaveLength(0);
  });

  it('refuses a state file it cannot read instead of starting afresh', async () => {
    await writeFile(join(directory, 'state.json'), '{"version":1,');
    const error = await FileStateStore.open(directory).catch((e: unknown) => e);
    expect(isExtractionServiceError(error) && error.code).toBe('STATE_CORRUPT');
    await writeFile(join(directory, 'state.json'), '{"version":7}');
    const other = await FileStateStore.open(directory).catch((e: unknown) => e);
    expect(isExtractionServiceError(other) && other.code).toBe('STATE_CORRUPT');
  });

  it('writes spool files whole and removes what a stopped write left behind', async () => {
    const store = await FileStateStore.open(directory);
    async function* parts() {
      yield 'abc';
      yield Buffer.from('def');
    }
    expect(await store.writeSpool('doc.xml', parts())).toBe(6);
    expect(await readFile(store.spoolPath('doc.xml'), 'utf8')).toBe('abcdef');

    async function* failing() {
      yield 'partial';
      throw new Error('stopped');
    }
    await expect(store.writeSpool('qr.xml', failing())).rejects.toThrow('stopped');
    expect(await readdir(store.spoolDirectory)).toEqual(['doc.xml']);

    // A crash between the temporary write and the rename leaves a .partial file: the next open removes it.
    await writeFile(join(store.spoolDirectory, 'qr.xml.123.partial'), 'half');
    const reopened = await FileStateStore.open(directory);
    expect(await readdir(reopened.spoolDirectory)).toEqual(['doc.xml']);
  });
});
