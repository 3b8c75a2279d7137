import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeMesh, startFakeMesh } from '../../src/testing/index.js';
import { workflowMatcher } from '../../src/testing/routes/inbox.js';
import { MB2, mesh } from './fake-helpers.js';

interface Page {
  messages: string[];
  links: { self: string; next?: string };
  approx_inbox_count: number;
}

let fake: FakeMesh;
beforeEach(async () => {
  fake = await startFakeMesh({ defaultPageSize: 3 });
});
afterEach(async () => {
  await fake.close();
});

async function seed(workflows: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const workflowId of workflows)
    ids.push(await fake.deliver({ to: 'X26ABC2', workflowId, body: workflowId }));
  return ids;
}

/** Follows links.next from `path`, exactly as a client must: the link is host-relative. */
async function walk(path: string): Promise<Page[]> {
  const pages: Page[] = [];
  let next: string | undefined = path;
  while (next) {
    expect(next.startsWith('/messageexchange/')).toBe(true);
    const res = await mesh(fake.url, MB2, { path: next });
    expect(res.status).toBe(200);
    const page = res.json<Page>();
    pages.push(page);
    next = page.links.next;
  }
  return pages;
}

describe('inbox pagination', () => {
  it('pages with host-relative links.next until the inbox is exhausted', async () => {
    const ids = await seed(['A', 'B', 'C', 'D', 'E', 'F', 'G']);
    const pages = await walk('/messageexchange/X26ABC2/inbox');
    expect(pages.map((p) => p.messages.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap((p) => p.messages)).toEqual(ids);
    expect(pages.every((p) => p.approx_inbox_count === 7)).toBe(true);
    expect(pages[0]?.links.self).toBe('/messageexchange/X26ABC2/inbox');
    expect(pages[1]?.links.self).toBe(pages[0]?.links.next);
    expect(pages[2]?.links.next).toBeUndefined();
  });

  it('honours max_results (10..5000) and keeps it in links.next', async () => {
    const ids = await seed(Array.from({ length: 12 }, (_, i) => `WF${i}`));
    const pages = await walk('/messageexchange/X26ABC2/inbox?max_results=10');
    expect(pages.map((p) => p.messages.length)).toEqual([10, 2]);
    expect(pages[0]?.links.next).toContain('max_results=10');
    expect(pages.flatMap((p) => p.messages)).toEqual(ids);
  });

  it.each(['9', '5001', 'ten'])('refuses max_results=%s', async (value) => {
    const res = await mesh(fake.url, MB2, { path: `/messageexchange/X26ABC2/inbox?max_results=${value}` });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ detail: [{ loc: ['query', 'max_results'] }] });
  });

  it('refuses forged, short or foreign cursors', async () => {
    await seed(['A', 'B', 'C', 'D']);
    const first = (await mesh(fake.url, MB2, { path: '/messageexchange/X26ABC2/inbox' })).json<Page>();
    const cursor = new URL(first.links.next!, fake.url).searchParams.get('continue_from')!;
    expect(cursor.length).toBeGreaterThanOrEqual(24);
    for (const bad of ['short', 'x'.repeat(30)]) {
      const res = await mesh(fake.url, MB2, { path: `/messageexchange/X26ABC2/inbox?continue_from=${bad}` });
      expect(res.status).toBe(400);
    }
    // X26ABC1's own inbox does not accept X26ABC2's cursor.
    const foreign = await mesh(
      fake.url,
      { id: 'X26ABC1', password: 'password' },
      {
        path: `/messageexchange/X26ABC1/inbox?continue_from=${encodeURIComponent(cursor)}`,
      },
    );
    expect(foreign.status).toBe(400);
  });

  it('filters by workflow, returning empty pages while links.next still leads on', async () => {
    const ids = await seed(['OTHER', 'OTHER', 'OTHER', 'GPES_X', 'OTHER', 'GPES_Y']);
    const pages = await walk('/messageexchange/X26ABC2/inbox?workflow_filter=GPES_*');
    expect(pages[0]?.messages).toEqual([]);
    expect(new URL(pages[0]!.links.next!, fake.url).searchParams.get('workflow_filter')).toBe('GPES_*');
    expect(pages.flatMap((p) => p.messages)).toEqual([ids[3], ids[5]]);
  });

  it.each(['x', 'y'.repeat(256)])('refuses a workflow_filter of bad length', async (filter) => {
    const res = await mesh(fake.url, MB2, {
      path: `/messageexchange/X26ABC2/inbox?workflow_filter=${filter}`,
    });
    expect(res.status).toBe(400);
  });

  it('lists REPORTs and DATA from the inbox only, not other mailboxes', async () => {
    await fake.deliver({ to: 'X26ABC1', workflowId: 'WF', body: 'not for X26ABC2' });
    const ids = await seed(['A']);
    const res = await mesh(fake.url, MB2, { path: '/messageexchange/X26ABC2/inbox' });
    expect(res.json<Page>().messages).toEqual(ids);
  });
});

describe('workflow filter patterns', () => {
  it.each([
    ['WF', 'WF', true],
    ['WF', 'WF2', false],
    ['!WF', 'WF', false],
    ['!WF', 'WF2', true],
    ['WF*', 'WF2', true],
    ['WF*', 'XWF', false],
    ['!WF*', 'WF2', false],
    ['!WF*', 'XWF', true],
    ['*MID*', 'A_MID_B', true],
    ['*MID*', 'AMIB', false],
    ['!*MID*', 'A_MID_B', false],
    ['!*MID*', 'AMIB', true],
  ])('%s matches %s: %s', (filter, workflow, expected) => {
    expect(workflowMatcher(filter)(workflow)).toBe(expected);
  });
});
