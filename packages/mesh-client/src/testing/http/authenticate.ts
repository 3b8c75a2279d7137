import { computeMeshHmac, meshHmacMatches, parseMeshAuthorization, parseMeshTimestamp } from '../../auth.js';
import type { MailboxRecord } from '../registry.js';
import type { ServerState } from '../state.js';
import { type Exchange, sendError } from './exchange.js';

function forbidden(ex: Exchange, code: string, msg: string, event = 'AUTH'): undefined {
  sendError(ex, 403, { event, code, msg });
  return undefined;
}

/**
 * Validates the NHSMESH Authorization header for the mailbox in the path, as MESH does, plus the two checks
 * mesh-sandbox skips: the ±2-hour timestamp window (against the fake clock) and single use. Sends 403 and
 * returns undefined on failure.
 */
export function authenticate(
  ex: Exchange,
  state: ServerState,
  pathMailbox: string,
): MailboxRecord | undefined {
  const raw = ex.req.headers.authorization;
  if (!raw) return forbidden(ex, 'AuthorizationMissing', 'Error reading from Authorization header');
  const token = parseMeshAuthorization(raw);
  if (!token) return forbidden(ex, 'AuthorizationMalformed', 'Error reading from Authorization header');
  // The path mailbox is upper-cased, the token's is not: a lower-case mailbox in the token is a client bug.
  if (token.mailboxId !== pathMailbox.toUpperCase()) {
    return forbidden(ex, 'MailboxMismatch', 'Mailbox id does not match token');
  }
  const mailbox = state.registry.record(token.mailboxId);
  if (!mailbox) return forbidden(ex, 'EPL-151', 'No mailbox matched', 'SEND');
  const when = parseMeshTimestamp(token.timestamp);
  const now = state.clock.now().getTime();
  if (!when)
    return forbidden(ex, 'TimestampInvalid', 'Invalid Authentication Token: timestamp is not yyyyMMddHHmm');
  if (Math.abs(now - when.getTime()) > state.options.tokenWindowMs) {
    return forbidden(
      ex,
      'TimestampOutOfRange',
      'Invalid Authentication Token: timestamp outside the permitted window',
    );
  }
  const expected = computeMeshHmac(
    { mailboxId: mailbox.id, mailboxPassword: mailbox.password, sharedKey: state.options.sharedKey },
    token,
  );
  if (!meshHmacMatches(token.hmac, expected))
    return forbidden(ex, 'InvalidToken', 'Invalid Authentication Token');
  const key = `${mailbox.id}:${token.nonce}:${token.nonceCount}`;
  if (!state.tokens.use(key, when.getTime(), state.options.tokenWindowMs, now)) {
    return forbidden(ex, 'TokenReused', 'Invalid Authentication Token: token has already been used');
  }
  return mailbox;
}
