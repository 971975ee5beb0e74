import type { ServerWritableStream } from '@grpc/grpc-js';

/** Open server streams, so that stopping the devnet can end them instead of waiting forever. */
export class StreamRegistry {
  private readonly open = new Map<ServerWritableStream<unknown, unknown>, () => void>();

  add(call: ServerWritableStream<unknown, unknown>, cleanup: () => void): void {
    this.open.set(call, cleanup);
  }

  remove(call: ServerWritableStream<unknown, unknown>): void {
    this.open.delete(call);
  }

  get size(): number {
    return this.open.size;
  }

  endAll(): void {
    for (const [call, cleanup] of [...this.open]) {
      cleanup();
      call.end();
    }
  }
}
