import { isMeshError, type MeshClient } from '@gpes/mesh-client';
import type { MeshPort, SendFailure } from './outbox.js';

/** Adapts a {@link MeshClient} to what the durable outbox needs. */
export function meshPort(client: MeshClient, options: { chunkSizeBytes?: number } = {}): MeshPort {
  return {
    async send(request) {
      const result = await client.sendMessage({
        to: request.to,
        workflowId: request.workflowId,
        localId: request.localId,
        subject: request.subject,
        fileName: request.fileName,
        contentType: request.contentType,
        compressed: request.compressed,
        body: { path: request.path },
        ...(options.chunkSizeBytes !== undefined ? { chunkSizeBytes: options.chunkSizeBytes } : {}),
        // Throwing here (a simulated crash) abandons the upload after this chunk, as a dying process would.
        onUploadProgress: (progress) => request.onChunk(progress.chunk, progress.totalChunks),
        signal: request.signal,
      });
      return { messageId: result.messageId, chunks: result.totalChunks };
    },
    async findByLocalId(localId, signal, attemptClosedAt) {
      // reconcileSend answers "not found" only after the grace period since the attempt closed (or since now).
      const found = await client.reconcileSend(localId, {
        signal,
        ...(attemptClosedAt ? { attemptClosedAt } : {}),
      });
      return found === undefined ? undefined : { messageId: found.messageId, status: found.status };
    },
    attemptClosedAt(error) {
      return isMeshError(error) ? error.attemptClosedAt : undefined;
    },
  };
}

/**
 * Which send failures are final. MESH refusing the message (unknown recipient 12, workflow not registered 17,
 * sender not allowed 16), or a message too large, will fail the same way again; everything else (network, 5xx,
 * an unknown outcome) is reconciled through tracking and retried on the next cycle.
 */
export function classifySendError(error: unknown): SendFailure {
  if (isMeshError(error)) {
    if (
      error.code === 'SEND_REJECTED' ||
      error.code === 'PAYLOAD_TOO_LARGE' ||
      error.code === 'INVALID_ARGUMENT' ||
      error.code === 'INVALID_REQUEST'
    ) {
      return 'rejected';
    }
  }
  return 'unknown';
}
