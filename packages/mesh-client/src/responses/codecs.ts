import * as t from 'io-ts';

/*
 * Codecs for the JSON bodies of MESH responses (mesh-api.md §4). Each accepts the v2 body and the v1 shape the
 * client has always accepted (some proxies and older MESH paths still answer v1), and ignores fields it does not
 * know, because MESH adds fields without notice. Only the types of the fields the client reads are checked;
 * values the client tolerates (an unknown status, an unparseable date) are left to the normalisers.
 *
 * io-ts stays inside the package: these types never appear in an exported declaration.
 */

const nullable = <C extends t.Mixed>(codec: C, name: string) => t.union([codec, t.null], name);

/** Text MESH may send as a string or, for v1 codes such as `statusCode`, a number. */
const Text = t.union([t.string, t.number, t.null], 'string, number or null');

const OptionalString = nullable(t.string, 'string or null');

const NonNegativeInteger = new t.Type<number, number, unknown>(
  'non-negative integer',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0,
  (u, c) => (typeof u === 'number' && Number.isInteger(u) && u >= 0 ? t.success(u) : t.failure(u, c)),
  t.identity,
);

/** A present id: a non-empty string or (tracking and lookup, as MESH v1 sometimes does) a number. */
function isPresent(value: unknown): boolean {
  return (typeof value === 'string' && value !== '') || typeof value === 'number';
}

/**
 * Requires one of several spellings of a field (v2 `message_id`, v1 `messageID` / `messageId`) to be present.
 * The failure names the first spelling as the path and lists the others, so a v1 body is diagnosable too.
 */
function requireOneOf<C extends t.Mixed>(
  codec: C,
  keys: readonly [string, ...string[]],
): t.Type<t.TypeOf<C>, t.OutputOf<C>, unknown> {
  const [first] = keys;
  const expected = `expected ${keys.join(', ')} (one of them)`;
  return new t.Type<t.TypeOf<C>, t.OutputOf<C>, unknown>(
    codec.name,
    (u): u is t.TypeOf<C> => codec.is(u) && keys.some((k) => isPresent((u as Record<string, unknown>)[k])),
    (u, c) => {
      const decoded = codec.validate(u, c);
      if (decoded._tag === 'Left') return decoded;
      const record = decoded.right as Record<string, unknown>;
      if (keys.some((k) => isPresent(record[k]))) return decoded;
      return t.failure(record[first], t.appendContext(c, first, codec, record[first]), expected);
    },
    codec.encode,
  );
}

/** `202` from `POST /outbox`: v2 `{message_id}`, v1 `{messageID}` (and `messageId`, seen in the wild). */
export const SendResponse = requireOneOf(
  t.partial({ message_id: OptionalString, messageID: OptionalString, messageId: OptionalString }, 'object'),
  ['message_id', 'messageID', 'messageId'],
);
export type SendResponse = t.TypeOf<typeof SendResponse>;

const InboxLinks = t.partial({ self: OptionalString, next: OptionalString }, 'object');

/**
 * `GET /inbox`: v2 `{messages, links: {self, next?}, approx_inbox_count}`; v1 `{messages}`. `links.next` is
 * present only when there is another page.
 */
export const InboxResponse = t.intersection(
  [
    t.type({ messages: t.array(t.string, 'array of strings') }),
    t.partial({
      links: nullable(InboxLinks, 'object or null'),
      approx_inbox_count: nullable(t.number, 'number or null'),
    }),
  ],
  'object',
);
export type InboxResponse = t.TypeOf<typeof InboxResponse>;

/** `GET /count`: `{count}` (v1 adds `internalID`, `allResultsIncluded`). */
export const CountResponse = t.type({ count: NonNegativeInteger }, 'object');
export type CountResponse = t.TypeOf<typeof CountResponse>;

/** `GET /outbox/tracking…`: the v2 snake_case body or the v1 camelCase body (tracking by local id is v1 only). */
export const TrackingResponse = requireOneOf(
  t.partial(
    {
      message_id: Text,
      messageId: Text,
      messageID: Text,
      status: Text,
      local_id: Text,
      localId: Text,
      workflow_id: Text,
      workflowId: Text,
      filename: Text,
      fileName: Text,
      recipient: Text,
      recipient_name: Text,
      recipientName: Text,
      recipient_ods_code: Text,
      meshRecipientOdsCode: Text,
      recipientOrgCode: Text,
      // v2 sends a boolean, v1 `SUCCESS` / `ERROR`.
      status_success: t.union([t.boolean, t.string, t.null], 'boolean, string or null'),
      statusSuccess: t.union([t.boolean, t.string, t.null], 'boolean, string or null'),
      status_code: Text,
      statusCode: Text,
      status_event: Text,
      statusEvent: Text,
      status_description: Text,
      statusDescription: Text,
      // Timestamps come in several formats (mesh-api.md §4.8); parsing them is the normaliser's job.
      status_timestamp: Text,
      statusTimestamp: Text,
      upload_timestamp: Text,
      uploadTimestamp: Text,
      expiry_time: Text,
      expiryTime: Text,
    },
    'object',
  ),
  ['message_id', 'messageId', 'messageID'],
);
export type TrackingResponse = t.TypeOf<typeof TrackingResponse>;

/** One mailbox: v2 `{mailbox_id, mailbox_name}`, v1 `{address, description, endpoint_type}`. */
const MailboxEntry = requireOneOf(
  t.partial(
    {
      mailbox_id: Text,
      address: Text,
      mailboxId: Text,
      mailbox_name: Text,
      description: Text,
      mailboxName: Text,
    },
    'object',
  ),
  ['mailbox_id', 'address', 'mailboxId'],
);

/** Endpoint lookup and workflow search: `{results: [...]}` in both versions (v1 adds `query_id`). */
export const MailboxResults = t.type({ results: t.array(MailboxEntry, 'array of objects') }, 'object');
export type MailboxResults = t.TypeOf<typeof MailboxResults>;
