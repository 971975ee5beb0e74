// Preloaded into a benchmarked gateway (`node --import ./bench/lib/memory-probe.mjs …`, spawned with an IPC channel):
// answers `{ type: 'memory' }` with process.memoryUsage(), so the parent can split RSS into the V8 heap, external
// memory and ArrayBuffers (all JS-owned) and the rest (native: libxmtp, SQLite, malloc arenas, the profiler). With
// `gc: true` and the gateway under --expose-gc it collects first, so heapUsed is what is live, not garbage not yet
// collected. The answer also carries what libxmtp's SQLite holds (its xmtp_sqlite_memory_bytes gauge; needs
// `npm run build`). `{ type: 'heap-snapshot', file }` writes a V8 heap snapshot there (seconds of pause; diagnosis only).
import v8 from 'node:v8';

const sqliteMemoryUsed = () =>
  import('../../libs/xmtp/dist/index.js').then(({ sqliteMemory }) => sqliteMemory()?.usedBytes).catch(() => undefined);

process.on('message', async (message) => {
  if (message?.type === 'memory') {
    const collected = Boolean(message.gc && typeof globalThis.gc === 'function');
    if (collected) globalThis.gc();
    const usage = process.memoryUsage();
    process.send?.({ type: 'memory', usage, collected, sqliteMemory: await sqliteMemoryUsed() });
  } else if (message?.type === 'heap-snapshot') {
    process.send?.({ type: 'heap-snapshot', file: v8.writeHeapSnapshot(message.file) });
  }
});
// The IPC channel must not keep a stopping gateway alive.
process.channel?.unref();
