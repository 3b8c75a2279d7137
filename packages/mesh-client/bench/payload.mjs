// Synthetic payload bytes generated on the fly (no file, never the whole payload in memory): 1 MiB pieces of
// pseudo-random bytes, each stamped with its index so that no two pieces are identical.
import { randomBytes } from 'node:crypto';

const PIECE = 1024 * 1024;
const template = randomBytes(PIECE);

export function* payloadPieces(size) {
  for (let offset = 0, index = 0; offset < size; offset += PIECE, index++) {
    const piece = Buffer.from(template.subarray(0, Math.min(PIECE, size - offset)));
    if (piece.length >= 4) piece.writeUInt32BE(index, 0);
    yield piece;
  }
}

export async function* payloadStream(size) {
  yield* payloadPieces(size);
}
