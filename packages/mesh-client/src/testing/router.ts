import type { Exchange } from './http/exchange.js';
import { endpointLookup, ping, workflowSearch } from './routes/directory.js';
import { acknowledge, download } from './routes/download.js';
import { handshake } from './routes/handshake.js';
import { countInbox, listInbox } from './routes/inbox.js';
import { sendMessage, uploadChunk } from './routes/outbox.js';
import { trackById, trackByLocalId } from './routes/tracking.js';
import type { ServerState } from './state.js';
import type { FakeRoute } from './types.js';

/** A matched request: its route name and the handler bound to its path parameters. */
export interface Match {
  route: FakeRoute;
  /** Handlers that read a request body (the request-reset fault cuts those mid-body). */
  hasBody: boolean;
  run(ex: Exchange, state: ServerState): void | Promise<void>;
}

/** Why a request matched nothing: an unknown path (404) or a known path with the wrong method (405). */
export type Miss = { status: 404 | 405 };

const seg = (s: string | undefined) => s ?? '';

/** Maps method + path to a MESH endpoint. */
export function matchRoute(method: string, pathname: string): Match | Miss {
  let parts: string[];
  try {
    parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { status: 404 };
  }
  if (parts[0] !== 'messageexchange' || parts.length < 2) return { status: 404 };
  const [, first, second, third, fourth, fifth] = parts;
  const n = parts.length;
  const get = method === 'GET';
  const m = (route: FakeRoute, ok: boolean, run: Match['run'], hasBody = false): Match | Miss =>
    ok ? { route, run, hasBody } : { status: 405 };
  {
    if (first === '_ping' && n === 2) return m('ping', get, (ex) => ping(ex));
    if (first === 'endpointlookup' && n === 4) {
      return m('lookup', get, (ex, s) => endpointLookup(ex, s, seg(second), seg(third)));
    }
    if (first === 'workflowsearch' && n === 3) {
      return m('workflowsearch', get, (ex, s) => workflowSearch(ex, s, seg(second)));
    }
    const mailbox = seg(first);
    if (n === 2) return m('handshake', get || method === 'POST', (ex, s) => handshake(ex, s, mailbox));
    if (second === 'outbox') {
      if (n === 3) return m('send', method === 'POST', (ex, s) => sendMessage(ex, s, mailbox), true);
      if (third === 'tracking') {
        if (n === 4) return m('tracking', get, (ex, s) => trackById(ex, s, mailbox));
        if (n === 5) return m('tracking', get, (ex, s) => trackByLocalId(ex, s, mailbox, seg(fourth)));
      }
      if (n === 5) {
        return m(
          'chunk',
          method === 'POST',
          (ex, s) => uploadChunk(ex, s, mailbox, seg(third), seg(fourth)),
          true,
        );
      }
    }
    if (second === 'count' && n === 3) return m('count', get, (ex, s) => countInbox(ex, s, mailbox));
    if (second === 'inbox') {
      const read = get || method === 'HEAD';
      if (n === 3) return m('inbox', get, (ex, s) => listInbox(ex, s, mailbox));
      if (n === 4) return m('download', read, (ex, s) => download(ex, s, mailbox, seg(third)));
      if (n === 5) return m('download', read, (ex, s) => download(ex, s, mailbox, seg(third), seg(fourth)));
      if (n === 6 && fourth === 'status' && fifth === 'acknowledged') {
        return m('acknowledge', method === 'PUT', (ex, s) => acknowledge(ex, s, mailbox, seg(third)));
      }
    }
  }
  return { status: 404 };
}
