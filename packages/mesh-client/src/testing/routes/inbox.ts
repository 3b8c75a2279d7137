import { randomBytes } from 'node:crypto';
import { authenticate } from '../http/authenticate.js';
import { type Exchange, sendJson, sendValidationError } from '../http/exchange.js';
import type { ServerState } from '../state.js';

/** Compiles a SPEC workflow filter: `WF`, `!WF`, `WF*`, `!WF*`, `*X*`, `!*X*`. */
export function workflowMatcher(filter: string): (workflowId: string) => boolean {
  const negate = filter.startsWith('!');
  const body = negate ? filter.slice(1) : filter;
  let test: (w: string) => boolean;
  if (body.length > 2 && body.startsWith('*') && body.endsWith('*')) {
    const inner = body.slice(1, -1);
    test = (w) => w.includes(inner);
  } else if (body.endsWith('*')) {
    const prefix = body.slice(0, -1);
    test = (w) => w.startsWith(prefix);
  } else {
    test = (w) => w === body;
  }
  return negate ? (w) => !test(w) : test;
}

interface Cursor {
  mailbox: string;
  afterSeq: number;
}

/** Opaque, base64 (with `+`, `/`, `=`), so a client that does not URL-decode `links.next` properly breaks here. */
function encodeCursor(cursor: Cursor): string {
  const json = JSON.stringify({ m: cursor.mailbox, s: cursor.afterSeq, r: randomBytes(6).toString('hex') });
  return Buffer.from(json, 'utf8').toString('base64');
}

function decodeCursor(text: string): Cursor | undefined {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as { m?: unknown; s?: unknown };
    if (typeof v.m === 'string' && typeof v.s === 'number' && Number.isInteger(v.s)) {
      return { mailbox: v.m, afterSeq: v.s };
    }
  } catch {
    // fall through: an unreadable cursor is a validation error
  }
  return undefined;
}

/** `GET /messageexchange/{mailbox}/inbox`: v2 pages with host-relative `links`, v1 up to 500 ids. */
export function listInbox(ex: Exchange, state: ServerState, mailboxId: string) {
  const mailbox = authenticate(ex, state, mailboxId);
  if (!mailbox) return;
  const all = state.store.inbox(mailbox.id);
  if (ex.version === 1) {
    sendJson(ex, 200, { messages: all.slice(0, 500).map((m) => m.id) });
    return;
  }
  const q = ex.url.searchParams;
  let pageSize = state.options.defaultPageSize;
  const maxResults = q.get('max_results');
  if (maxResults !== null) {
    const n = Number(maxResults);
    if (!/^\d+$/.test(maxResults) || n < 10 || n > 5000) {
      return sendValidationError(ex, 'query', 'max_results', 'ensure this value is between 10 and 5000');
    }
    pageSize = n;
  }
  let afterSeq = 0;
  const continueFrom = q.get('continue_from');
  if (continueFrom !== null) {
    const cursor =
      continueFrom.length >= 24 && continueFrom.length <= 1000 ? decodeCursor(continueFrom) : undefined;
    if (!cursor || cursor.mailbox !== mailbox.id) {
      return sendValidationError(ex, 'query', 'continue_from', 'invalid continuation token');
    }
    afterSeq = cursor.afterSeq;
  }
  const filterText = q.get('workflow_filter');
  let matches: (w: string) => boolean = () => true;
  if (filterText !== null) {
    if (filterText.length < 2 || filterText.length > 255) {
      return sendValidationError(ex, 'query', 'workflow_filter', 'ensure this value has 2 to 255 characters');
    }
    matches = workflowMatcher(filterText);
  }
  // Like live MESH, a page is a window over the inbox filtered afterwards, so a filtered page can be empty
  // while `links.next` still points at more: clients must keep following it.
  const remaining = all.filter((m) => m.seq > afterSeq);
  const window = remaining.slice(0, pageSize);
  const base = `/messageexchange/${mailbox.id}/inbox`;
  const links: { self: string; next?: string } = { self: `${base}${ex.url.search}` };
  const last = window.at(-1);
  if (remaining.length > pageSize && last) {
    const next = new URLSearchParams();
    if (maxResults !== null) next.set('max_results', maxResults);
    if (filterText !== null) next.set('workflow_filter', filterText);
    next.set('continue_from', encodeCursor({ mailbox: mailbox.id, afterSeq: last.seq }));
    links.next = `${base}?${next.toString()}`;
  }
  sendJson(ex, 200, {
    messages: window.filter((m) => matches(m.workflowId)).map((m) => m.id),
    links,
    approx_inbox_count: all.length,
  });
}

/** `GET /messageexchange/{mailbox}/count` (deprecated in SPEC, still served). */
export function countInbox(ex: Exchange, state: ServerState, mailboxId: string) {
  const mailbox = authenticate(ex, state, mailboxId);
  if (!mailbox) return;
  const count = state.store.inbox(mailbox.id).length;
  if (ex.version === 2) sendJson(ex, 200, { count });
  else
    sendJson(ex, 200, {
      count,
      internalID: `FAKE_${randomBytes(6).toString('hex')}`,
      allResultsIncluded: true,
    });
}
