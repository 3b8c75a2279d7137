// Plain node:http helpers for testing the fake MESH server without the real client: the server must be checked
// independently of @gpes/mesh-client's own code.
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createMeshAuthorization } from '../../src/auth.js';

export const V2 = 'application/vnd.mesh.v2+json';
export const SHARED_KEY = 'TestKey';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json<T = Record<string, unknown>>(): T;
  text(): string;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | string;
  tls?: { ca?: string; cert?: string; key?: string };
}

/** One HTTP request with nothing added (no Accept, no Accept-Encoding, no decompression). */
export function raw(baseUrl: string, r: RawRequest): Promise<RawResponse> {
  const url = new URL(r.path, baseUrl);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: r.method ?? 'GET', headers: r.headers, agent: false, ...(r.tls ?? {}) },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('response aborted')));
        res.on('end', () => {
          if (!res.complete) {
            reject(new Error('response incomplete'));
            return;
          }
          const body = Buffer.concat(parts);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: <T>() => JSON.parse(body.toString('utf8')) as T,
            text: () => body.toString('utf8'),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

export interface Mailbox {
  id: string;
  password: string;
}

export const MB1: Mailbox = { id: 'X26ABC1', password: 'password' };
export const MB2: Mailbox = { id: 'X26ABC2', password: 'password' };

/** A fresh NHSMESH header for `mailbox`. */
export function auth(
  mailbox: Mailbox,
  options: { now?: Date; nonce?: string; nonceCount?: number } = {},
): string {
  return createMeshAuthorization(
    { mailboxId: mailbox.id, mailboxPassword: mailbox.password, sharedKey: SHARED_KEY },
    options,
  );
}

/** An authenticated v2 request as `mailbox` (fresh token each call). */
export function mesh(
  baseUrl: string,
  mailbox: Mailbox,
  r: RawRequest & { now?: Date; v1?: boolean },
): Promise<RawResponse> {
  return raw(baseUrl, {
    ...r,
    headers: {
      accept: r.v1 ? 'application/json' : V2,
      authorization: auth(mailbox, r.now ? { now: r.now } : {}),
      ...r.headers,
    },
  });
}

export const HANDSHAKE_HEADERS = {
  'mex-clientversion': 'fake-tests==1.0',
  'mex-osname': 'Linux',
  'mex-osversion': '6.0',
  'mex-osarchitecture': 'x86_64',
};

/** Sends a whole message from `from` to `to`; returns the response. */
export function sendMessage(
  baseUrl: string,
  from: Mailbox,
  to: string,
  body: Buffer | string,
  headers: OutgoingHttpHeaders = {},
): Promise<RawResponse> {
  return mesh(baseUrl, from, {
    method: 'POST',
    path: `/messageexchange/${from.id}/outbox`,
    headers: {
      'mex-to': to,
      'mex-workflowid': 'TEST_WORKFLOW',
      'content-type': 'application/octet-stream',
      ...headers,
    },
    body,
  });
}

/** The id in a v2 send/chunk response. */
export function messageId(res: RawResponse): string {
  return res.json<{ message_id: string }>().message_id;
}
