// The input model's DDL: without indexes for a bulk load, then idempotently with them.
import { inputModelDdl, openPglite } from '@gpes/extract-core';
import { expect, it } from 'vitest';

it('creates the tables without indexes on request, and adds them when run again in full', async () => {
  const db = await openPglite();
  try {
    const indexes = async () =>
      (
        await db.query(
          `SELECT indexname FROM pg_indexes WHERE schemaname = 'gpes_ddl' AND indexname NOT LIKE '%_pkey' ORDER BY 1`,
        )
      ).map((r) => r.indexname);
    await db.exec(inputModelDdl('gpes_ddl', { indexes: false }));
    expect(await indexes()).toEqual([]);
    await db.exec(inputModelDdl('gpes_ddl'));
    await db.exec(inputModelDdl('gpes_ddl'));
    expect(await indexes()).toEqual(['journal_code', 'journal_patient', 'registration_patient']);
  } finally {
    await db.close();
  }
});
