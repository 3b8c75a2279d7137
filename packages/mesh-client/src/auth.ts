import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/** The parts of an `NHSMESH` Authorization header, in header order. */
export interface MeshAuthToken {
  mailboxId: string;
  nonce: string;
  nonceCount: number;
  /** UTC, `yyyyMMddHHmm`. */
  timestamp: string;
  /** Lower-case hex HMAC-SHA256. */
  hmac: string;
}

export interface MeshCredentials {
  mailboxId: string;
  mailboxPassword: string;
  sharedKey: string;
}

const SCHEME = 'NHSMESH';

/** `yyyyMMddHHmm` in UTC: MESH tokens carry minute precision and the server checks a 2-hour window. */
export function formatMeshTimestamp(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    pad(date.getUTCFullYear(), 4) +
    pad(date.getUTCMonth() + 1) +
    pad(date.getUTCDate()) +
    pad(date.getUTCHours()) +
    pad(date.getUTCMinutes())
  );
}

/** Parses `yyyyMMddHHmm` (UTC); undefined when it is not a real minute. */
export function parseMeshTimestamp(timestamp: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(timestamp);
  if (!m) return undefined;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi));
  return date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi
    ? date
    : undefined;
}

/**
 * The HMAC of a token. The signed string puts the password between the count and the timestamp,
 * which is not the header order: `mailbox:nonce:count:password:timestamp`.
 */
export function computeMeshHmac(
  credentials: MeshCredentials,
  token: Pick<MeshAuthToken, 'nonce' | 'nonceCount' | 'timestamp'>,
): string {
  const mailboxId = credentials.mailboxId.toUpperCase();
  const signed = `${mailboxId}:${token.nonce}:${token.nonceCount}:${credentials.mailboxPassword}:${token.timestamp}`;
  return createHmac('sha256', Buffer.from(credentials.sharedKey, 'utf8'))
    .update(Buffer.from(signed, 'utf8'))
    .digest('hex');
}

/**
 * Builds the `Authorization` header value for one request. A token is single-use, so callers make a
 * fresh one for every request, chunk and retry; by default each gets a new UUID nonce.
 */
export function createMeshAuthorization(
  credentials: MeshCredentials,
  options: { now?: Date; nonce?: string; nonceCount?: number } = {},
): string {
  const mailboxId = credentials.mailboxId.toUpperCase();
  const nonce = options.nonce ?? randomUUID();
  const nonceCount = options.nonceCount ?? 0;
  const timestamp = formatMeshTimestamp(options.now ?? new Date());
  const hmac = computeMeshHmac(credentials, { nonce, nonceCount, timestamp });
  return `${SCHEME} ${mailboxId}:${nonce}:${nonceCount}:${timestamp}:${hmac}`;
}

/**
 * Parses an `NHSMESH` header as MESH does: scheme case-insensitive, exactly five colon-separated
 * parts, a digits-only count, no space in the mailbox. Undefined when malformed.
 */
export function parseMeshAuthorization(header: string | undefined | null): MeshAuthToken | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space).toUpperCase() !== SCHEME) return undefined;
  const parts = header.slice(space + 1).split(':');
  if (parts.length !== 5) return undefined;
  const [mailboxId, nonce, count, timestamp, hmac] = parts as [string, string, string, string, string];
  if (
    !mailboxId ||
    /\s/.test(mailboxId) ||
    !nonce ||
    !/^\d{1,9}$/.test(count) ||
    !/^[0-9a-fA-F]+$/.test(hmac)
  ) {
    return undefined;
  }
  return { mailboxId, nonce, nonceCount: Number(count), timestamp, hmac };
}

/** Constant-time, case-insensitive comparison of a presented HMAC with the expected one. */
export function meshHmacMatches(presented: string, expected: string): boolean {
  const a = Buffer.from(presented.toLowerCase(), 'utf8');
  const b = Buffer.from(expected.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
