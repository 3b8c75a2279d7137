// The baseline of the send/receive benchmark: the same MESH exchange the client performs, against the same fake
// MESH server, done with bare node:http. Same routes (outbox POST, chunk POSTs, inbox GETs, acknowledgement PUT),
// same chunk size, same headers and a fresh NHSMESH token per request; and nothing else: no retries, no response
// validation, no read-ahead, no ky/undici. Client time / baseline time is then what the client itself adds.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';

/** One request; resolves with the response once its headers arrive. `body` writes (and ends) the request. */
function exchange(agent, method, url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, resolve);
    req.on('error', reject);
    if (body) body(req, reject);
    else req.end();
  });
}

function readAll(res) {
  return new Promise((resolve, reject) => {
    const parts = [];
    res.on('data', (part) => parts.push(part));
    res.on('end', () => resolve(Buffer.concat(parts)));
    res.on('error', reject);
  });
}

function countBytes(res) {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    res.on('data', (part) => {
      bytes += part.length;
    });
    res.on('end', () => resolve(bytes));
    res.on('error', reject);
  });
}

async function expectStatus(res, ok, what) {
  if (ok.includes(res.statusCode)) return res;
  const text = (await readAll(res)).toString('utf8').slice(0, 300);
  throw new Error(`baseline ${what}: HTTP ${res.statusCode} ${text}`);
}

/** Reads `length` bytes from an iterator of payload pieces, splitting a piece at the chunk boundary. */
function takeBytes(source, length) {
  let left = length;
  return {
    next() {
      if (left === 0) return undefined;
      let piece = source.rest;
      source.rest = undefined;
      if (!piece) {
        const step = source.pieces.next();
        if (step.done) throw new Error('payload ended early');
        piece = step.value;
      }
      if (piece.length > left) {
        source.rest = piece.subarray(left);
        piece = piece.subarray(0, left);
      }
      left -= piece.length;
      return piece;
    },
  };
}

/** Writes pieces with back-pressure, then ends the request. */
function pump(pieces) {
  return (req, reject) => {
    const write = () => {
      try {
        for (let piece = pieces.next(); piece; piece = pieces.next()) {
          if (!req.write(piece)) {
            req.once('drain', write);
            return;
          }
        }
        req.end();
      } catch (error) {
        req.destroy();
        reject(error);
      }
    };
    write();
  };
}

/**
 * Sends `size` bytes of `pieces` from `from` to `to` in chunks of `chunkSize`, downloads every chunk and
 * acknowledges the message. Returns the seconds spent uploading and downloading (+ acknowledging).
 */
export async function plainMeshTransfer({ meshUrl, size, chunkSize, pieces, from, to, auth, accept }) {
  const agent = new Agent({ keepAlive: true });
  const totalChunks = Math.max(1, Math.ceil(size / chunkSize));
  const source = { pieces, rest: undefined };
  const started = performance.now();
  let messageId;
  for (let n = 1; n <= totalChunks; n++) {
    const length = Math.min(chunkSize, size - (n - 1) * chunkSize);
    const headers = {
      accept,
      authorization: auth(from),
      'content-type': 'application/octet-stream',
      'content-length': String(length),
      ...(totalChunks > 1 && { 'mex-chunk-range': `${n}:${totalChunks}` }),
      ...(n === 1 && { 'mex-to': to, 'mex-workflowid': 'GPES_BENCH', 'mex-localid': randomUUID() }),
    };
    const path = n === 1 ? 'outbox' : `outbox/${messageId}/${n}`;
    const res = await exchange(
      agent,
      'POST',
      `${meshUrl}/messageexchange/${from}/${path}`,
      headers,
      pump(takeBytes(source, length)),
    );
    await expectStatus(res, [202], `chunk ${n}`);
    const answer = await readAll(res);
    if (n === 1) messageId = JSON.parse(answer.toString('utf8')).message_id;
  }
  const uploaded = performance.now();
  let received = 0;
  for (let n = 1; n <= totalChunks; n++) {
    const suffix = n === 1 ? '' : `/${n}`;
    const res = await exchange(agent, 'GET', `${meshUrl}/messageexchange/${to}/inbox/${messageId}${suffix}`, {
      accept,
      authorization: auth(to),
      'accept-encoding': 'gzip',
    });
    await expectStatus(res, [200, 206], `download ${n}`);
    received += await countBytes(res);
  }
  const ack = await exchange(
    agent,
    'PUT',
    `${meshUrl}/messageexchange/${to}/inbox/${messageId}/status/acknowledged`,
    { accept, authorization: auth(to) },
  );
  await expectStatus(ack, [200], 'acknowledge');
  await readAll(ack);
  const done = performance.now();
  agent.destroy();
  if (received !== size) throw new Error(`baseline received ${received} of ${size} bytes`);
  return {
    uploadSeconds: (uploaded - started) / 1000,
    downloadSeconds: (done - uploaded) / 1000,
    totalChunks,
  };
}
