// @xmtp/node-sdk 5.5.0 has no Client.close(): the native client (and its SQLite pool and workers) lives until
// garbage collection. The bindings client does have releaseDbConnection(), but the SDK keeps it in a private
// field. The SDK's `libxmtpVersion` getter calls a bindings method on that private client synchronously, so a
// wrapper on that one prototype method can observe which native client belongs to an SDK client.
import { Client as NativeClient } from '@xmtp/node-bindings';
import type { Client } from '@xmtp/node-sdk';

let observed: NativeClient | undefined;
let hooked = false;

function hook(): void {
  if (hooked) return;
  const original = NativeClient.prototype.libxmtpVersion;
  NativeClient.prototype.libxmtpVersion = function (this: NativeClient): string {
    observed = this;
    return original.call(this);
  };
  hooked = true;
}

/** The bindings client behind an SDK client. */
export function nativeClientOf(client: Client<unknown>): NativeClient {
  hook();
  observed = undefined;
  void client.libxmtpVersion;
  const native = observed as NativeClient | undefined;
  observed = undefined;
  if (!native) throw new Error('could not reach the native XMTP client (SDK internals changed?)');
  return native;
}

/**
 * Closes the client's database connections now, so the file is no longer open in this process once its lock is
 * released. Later calls through this client fail ("Pool needs to reconnect"), which is what an evicted or fenced
 * client should do.
 */
export function closeClientDatabase(client: Client<unknown>): void {
  nativeClientOf(client).releaseDbConnection();
}
