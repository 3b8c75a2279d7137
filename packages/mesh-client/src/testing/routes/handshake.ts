import { authenticate } from '../http/authenticate.js';
import { type Exchange, sendEmpty, sendJson, sendValidationError } from '../http/exchange.js';
import { header, validateMexHeaders } from '../http/mex-headers.js';
import type { ServerState } from '../state.js';

/** `POST|GET /messageexchange/{mailbox}`: validates the mailbox and the client's mex-* identity headers. */
export function handshake(ex: Exchange, state: ServerState, mailboxId: string) {
  const mailbox = authenticate(ex, state, mailboxId);
  if (!mailbox || !validateMexHeaders(ex)) return;
  const required = ['mex-clientversion', 'mex-osname', 'mex-osversion'];
  if (state.options.requireOsArchitecture) required.push('mex-osarchitecture');
  for (const name of required) {
    if (!header(ex, name).trim()) return sendValidationError(ex, 'header', name, 'field required');
  }
  if (ex.version === 2) sendEmpty(ex, 200);
  else sendJson(ex, 200, { mailboxId: mailbox.id });
}
