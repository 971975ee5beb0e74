import { status } from '@grpc/grpc-js';

/** An expected failure caused by the request; answered with its gRPC status instead of INTERNAL. */
export class RpcError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

export const invalidArgument = (message: string) => new RpcError(status.INVALID_ARGUMENT, message);
export const notFound = (message: string) => new RpcError(status.NOT_FOUND, message);
export const resourceExhausted = (message: string) => new RpcError(status.RESOURCE_EXHAUSTED, message);

/** Largest list accepted in one request (the SDK batches far below this). */
export const MAX_ITEMS_PER_REQUEST = 1000;
/** Batch limits the real node enforces and the client honours. */
export const MAX_COMMIT_LOG_PUBLISHES = 10;
export const MAX_COMMIT_LOG_QUERIES = 20;
/** Entries one inbox's identity log may hold, as on the real node. */
export const MAX_IDENTITY_UPDATES_PER_INBOX = 256;

export function checkBatchSize(items: readonly unknown[] | undefined, max: number, what: string): void {
  if ((items?.length ?? 0) > max) throw resourceExhausted(`too many ${what}: ${items!.length} > ${max}`);
}

export function requireBytes(value: Uint8Array | undefined | null, field: string): Buffer {
  if (!value || value.length === 0) throw invalidArgument(`${field} is required`);
  return Buffer.from(value);
}
