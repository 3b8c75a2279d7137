import type { FakeMailbox, FakeMailboxConfig, FakeMailboxes } from './types.js';

/** A registered mailbox with defaults applied. */
export type MailboxRecord = FakeMailbox;

/** The mesh-sandbox canned mailboxes, so the standalone server works out of the box for sandbox-style suites. */
export const DEFAULT_MAILBOXES: readonly FakeMailboxConfig[] = [
  { id: 'X26ABC1', password: 'password', name: 'TESTMB1', odsCode: 'X26' },
  { id: 'X26ABC2', password: 'password', name: 'TESTMB2', odsCode: 'X26' },
  { id: 'X26ABC3', password: 'password', name: 'TESTMB3', odsCode: 'X27' },
];

const MAILBOX_ID = /^[A-Za-z0-9_-]{1,100}$/;

function normalise(config: FakeMailboxConfig): MailboxRecord {
  if (typeof config?.id !== 'string' || !MAILBOX_ID.test(config.id)) {
    throw new TypeError('fake MESH mailbox id must be 1-100 letters, digits, "_" or "-"');
  }
  if (typeof config.password !== 'string' || config.password.length === 0) {
    throw new TypeError(`fake MESH mailbox ${config.id.toUpperCase()} needs a non-empty password`);
  }
  const id = config.id.toUpperCase();
  for (const key of ['workflows', 'sends', 'receives'] as const) {
    const list = config[key];
    if (list !== undefined && (!Array.isArray(list) || !list.every((w) => typeof w === 'string' && w))) {
      throw new TypeError(`fake MESH mailbox ${id}: ${key} must be a list of workflow ids`);
    }
  }
  const restricted =
    config.workflows !== undefined || config.sends !== undefined || config.receives !== undefined;
  return {
    id,
    password: config.password,
    name: config.name ?? id,
    odsCode: (config.odsCode ?? 'X26').toUpperCase(),
    ...(restricted
      ? {
          sends: [...new Set([...(config.workflows ?? []), ...(config.sends ?? [])])],
          receives: [...new Set([...(config.workflows ?? []), ...(config.receives ?? [])])],
          workflows: [
            ...new Set([...(config.workflows ?? []), ...(config.sends ?? []), ...(config.receives ?? [])]),
          ],
        }
      : {}),
  };
}

/** Mailboxes and their workflow registrations; drives auth, routing (code 12/17) and endpoint lookup. */
export class MailboxRegistry implements FakeMailboxes {
  readonly #mailboxes = new Map<string, MailboxRecord>();

  constructor(initial: readonly FakeMailboxConfig[]) {
    for (const m of initial) this.add(m);
  }

  add(mailbox: FakeMailboxConfig): void {
    const record = normalise(mailbox);
    this.#mailboxes.set(record.id, record);
  }

  remove(mailboxId: string): boolean {
    return this.#mailboxes.delete(mailboxId.toUpperCase());
  }

  get(mailboxId: string): MailboxRecord | undefined {
    const r = this.#mailboxes.get(mailboxId.toUpperCase());
    if (!r) return undefined;
    const copy = (list: readonly string[] | undefined) => (list ? [...list] : undefined);
    return {
      ...r,
      ...(r.sends ? { sends: copy(r.sends) } : {}),
      ...(r.receives ? { receives: copy(r.receives) } : {}),
      ...(r.workflows ? { workflows: copy(r.workflows) } : {}),
    };
  }

  list(): readonly string[] {
    return [...this.#mailboxes.keys()];
  }

  /** @internal */
  record(mailboxId: string): MailboxRecord | undefined {
    return this.#mailboxes.get(mailboxId.toUpperCase());
  }

  /** @internal whether `mailboxId` may send (or receive) `workflowId`; unrestricted mailboxes may use any. */
  allows(mailboxId: string, workflowId: string, role: 'send' | 'receive'): boolean {
    const r = this.#mailboxes.get(mailboxId.toUpperCase());
    if (!r) return false;
    const list = role === 'send' ? r.sends : r.receives;
    return !list || list.includes(workflowId);
  }

  /**
   * @internal mailboxes registered to receive a workflow, optionally within one ODS code: what endpoint lookup and
   * workflow search answer (mesh-api.md §4.9). Unrestricted mailboxes are not registered for anything.
   */
  registeredFor(workflowId: string, odsCode?: string): MailboxRecord[] {
    return [...this.#mailboxes.values()].filter(
      (r) =>
        r.receives?.includes(workflowId) && (odsCode === undefined || r.odsCode === odsCode.toUpperCase()),
    );
  }

  /** @internal */
  clear(): void {
    this.#mailboxes.clear();
  }
}
