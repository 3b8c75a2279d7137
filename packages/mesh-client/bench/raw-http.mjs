// The informative "raw" arm of the send/receive benchmark: one plain node:http upload and one download of the
// same bytes against a server that discards and generates them (servers.mjs), with no MESH at all. It shows what
// loopback HTTP costs on this machine; it is not the ratio's baseline, because its server does no MESH work.
import { request } from 'node:http';

function upload(url, pieces, size) {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/upload`,
      {
        method: 'POST',
        headers: { 'content-length': String(size), 'content-type': 'application/octet-stream' },
      },
      (res) => {
        res.resume();
        res.on('end', resolve);
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const pump = () => {
      for (let next = pieces.next(); !next.done; next = pieces.next()) {
        if (!req.write(next.value)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

function download(url, size) {
  return new Promise((resolve, reject) => {
    request(`${url}/download?size=${size}`, (res) => {
      let bytes = 0;
      res.on('data', (data) => {
        bytes += data.length;
      });
      res.on('end', () =>
        bytes === size ? resolve() : reject(new Error(`raw download got ${bytes} bytes`)),
      );
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** Uploads then downloads `size` bytes; returns the seconds of each. */
export async function rawTransfer({ plainUrl, size, pieces }) {
  const started = performance.now();
  await upload(plainUrl, pieces, size);
  const uploaded = performance.now();
  await download(plainUrl, size);
  const done = performance.now();
  return { uploadSeconds: (uploaded - started) / 1000, downloadSeconds: (done - uploaded) / 1000 };
}
