import { type Exchange, sendJson } from '../http/exchange.js';
import type { ServerState } from '../state.js';

/** `GET /messageexchange/endpointlookup/{ods}/{workflow}`: mailboxes of an organisation registered for a workflow. */
export function endpointLookup(ex: Exchange, state: ServerState, odsCode: string, workflowId: string) {
  const found = state.registry.registeredFor(workflowId, odsCode);
  if (ex.version === 2) {
    sendJson(ex, 200, { results: found.map((m) => ({ mailbox_id: m.id, mailbox_name: m.name })) });
  } else {
    sendJson(ex, 200, {
      query_id: `${odsCode.toUpperCase()}_${workflowId}`,
      results: found.map((m) => ({ address: m.id, description: m.name, endpoint_type: 'MESH' })),
    });
  }
}

/** `GET /messageexchange/workflowsearch/{workflow}`: every mailbox registered for a workflow. */
export function workflowSearch(ex: Exchange, state: ServerState, workflowId: string) {
  const found = state.registry.registeredFor(workflowId);
  sendJson(ex, 200, {
    results: found.map((m) => ({ mailbox_id: m.id, mailbox_name: m.name, ods_code: m.odsCode })),
  });
}

/** `GET /messageexchange/_ping`: liveness, no authentication. */
export function ping(ex: Exchange): void {
  sendJson(ex, 200, { env: 'fake', status: 'running', outcome: 'Yes' });
}
