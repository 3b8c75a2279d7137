// The servers of the send/receive benchmark, in their own process so that the client's RSS is measured alone:
// the fake MESH server (from the built dist) and a plain node:http server for the baseline.
import { createServer } from 'node:http';
import { payloadPieces } from './payload.mjs';

// The built fake server when it loads; otherwise its sources (this process runs with the tsx loader). The server
// is not what is measured: it only needs to behave like MESH.
let testing;
try {
  testing = await import('../dist/testing.js');
} catch {
  testing = await import('../src/testing/index.ts');
}
const fake = await testing.startFakeMesh({ maxRecordedRequests: 100 });
const plain = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method === 'POST' && url.pathname === '/upload') {
    let bytes = 0;
    req.on('data', (data) => {
      bytes += data.length;
    });
    req.on('end', () => res.end(JSON.stringify({ bytes })));
    return;
  }
  if (req.method === 'GET' && url.pathname === '/download') {
    const size = Number(url.searchParams.get('size'));
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
    const pieces = payloadPieces(size);
    const pump = () => {
      for (let next = pieces.next(); !next.done; next = pieces.next()) {
        if (!res.write(next.value)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
    return;
  }
  res.writeHead(404).end();
});
await new Promise((resolve) => plain.listen(0, '127.0.0.1', resolve));
const address = plain.address();
process.stdout.write(
  `${JSON.stringify({ meshUrl: fake.url, plainUrl: `http://127.0.0.1:${address.port}` })}\n`,
);
process.on('message', (message) => {
  if (message === 'reset') {
    fake.reset();
    process.send?.('reset-done');
  }
  // This process's CPU time so far, so that the orchestrator can tell the server's share of each arm.
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuSeconds: (user + system) / 1e6 });
  }
});
process.on('disconnect', async () => {
  await fake.close();
  plain.close();
  process.exit(0);
});
