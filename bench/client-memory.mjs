// npm run bench:client-memory — the raw @xmtp/node-sdk's own memory under a steady message load, without the gateway:
// how a hosted identity's native memory grows, and how many SQLite connections each client's database has open.
// N clients in a DM ring, in a child process of their own (the devnet runs in this one), each streaming all its
// messages, with C closed-loop senders for BENCH_CLIENT_MEMORY_SECONDS. Every 30 s the child's RSS, anonymous memory
// and OS threads are printed; the slope after the first minute closes the run.
//
// Knobs: BENCH_CLIENT_MEMORY_CLIENTS (20), BENCH_CLIENT_MEMORY_CONCURRENCY (4), BENCH_CLIENT_MEMORY_SECONDS (300),
// BENCH_CLIENT_MEMORY_RESTREAM (1: at the end, end every message stream and sample again, to see what the streams
// held), BENCH_CLIENT_MEMORY_RELEASE (1: then close every client's database and sample again),
// BENCH_CLIENT_MEMORY_SQLITE_MB (SQLite's soft heap limit in the child, as the gateway's XMTP_SQLITE_MEMORY_MB; 0: none). MALLOC_* and XMTP_SDK reach the child. Prints only; nothing is written.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { memorySlope, processMemoryDetail } from './lib/process-memory.mjs';
import { sqliteConnections } from './lib/sqlite-connections.mjs';

const CLIENTS = Number(process.env.BENCH_CLIENT_MEMORY_CLIENTS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CLIENT_MEMORY_CONCURRENCY ?? 4);
const SECONDS = Number(process.env.BENCH_CLIENT_MEMORY_SECONDS ?? 300);
const RELEASE = process.env.BENCH_CLIENT_MEMORY_RELEASE === '1';
const RESTREAM = process.env.BENCH_CLIENT_MEMORY_RESTREAM === '1';
const SQLITE_MB = Number(process.env.BENCH_CLIENT_MEMORY_SQLITE_MB ?? 0);
const SAMPLE_MS = 30_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (bytes) => bytes / 2 ** 20;

if (process.argv[2] === 'clients') {
  await runClients(process.argv[3]);
} else {
  await main();
}

async function main() {
  const { startDevnet } = await import('@mailroom/devnet');
  const devnet = await startDevnet({ port: 0 });
  const child = fork(fileURLToPath(import.meta.url), ['clients', devnet.url], {
    env: { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' },
  });
  const ask = (message, answer) =>
    new Promise((resolve) => {
      const onMessage = (m) => m.type === answer && (child.off('message', onMessage), resolve(m));
      child.on('message', onMessage);
      child.send(message);
    });
  await new Promise((resolve) => child.once('message', resolve));
  console.log(`${CLIENTS} clients, ${CONCURRENCY} senders for ${SECONDS} s`);
  const samples = [];
  const started = performance.now();
  const running = ask({ type: 'run' }, 'ran');
  let done = false;
  void running.then(() => (done = true));
  const take = async () => {
    const { sent, sqliteMemory } = await ask({ type: 'count' }, 'count');
    const memory = processMemoryDetail(child.pid);
    const sqlite = sqliteConnections(child.pid);
    const at = (performance.now() - started) / 1000;
    samples.push({ at, sent, ...memory, sqliteMemory, notSqlite: memory.anonymous - sqliteMemory });
    console.log(
      `${at.toFixed(0).padStart(4)} s: ${String(sent).padStart(6)} sent, RSS ${mib(memory.rss).toFixed(0)} MiB, anonymous ${mib(memory.anonymous).toFixed(0)} MiB (SQLite holds ${mib(sqliteMemory).toFixed(0)}), ${memory.threads} threads, ${sqlite.connections} SQLite connections on ${sqlite.databases} databases (at most ${sqlite.most} on one)`,
    );
  };
  await take();
  while (!done) {
    await Promise.race([sleep(SAMPLE_MS), running]);
    await take();
  }
  const perMinute = (key) => memorySlope(samples, 60, key);
  const first = samples[0];
  const last = samples[samples.length - 1];
  console.log(
    `slope after the first minute: RSS ${perMinute('rss').toFixed(1)} MiB/min, anonymous ${perMinute('anonymous').toFixed(1)} MiB/min ` +
      `(SQLite ${perMinute('sqliteMemory').toFixed(1)}, the rest ${perMinute('notSqlite').toFixed(1)}); ` +
      `${last.sent} messages, ${((mib(last.anonymous - first.anonymous) * 1024) / Math.max(1, last.sent)).toFixed(1)} KiB of anonymous memory a message`,
  );
  if (RESTREAM) {
    await ask({ type: 'end-streams' }, 'streams-ended');
    await sleep(5_000);
    const { sqliteMemory } = await ask({ type: 'count' }, 'count');
    const memory = processMemoryDetail(child.pid);
    console.log(
      `after ending every message stream: RSS ${mib(memory.rss).toFixed(0)} MiB, anonymous ${mib(memory.anonymous).toFixed(0)} MiB (SQLite holds ${mib(sqliteMemory).toFixed(0)}), ${memory.threads} threads`,
    );
  }
  if (RELEASE) {
    await ask({ type: 'release' }, 'released');
    await sleep(5_000);
    const memory = processMemoryDetail(child.pid);
    console.log(
      `after closing every client's database: RSS ${mib(memory.rss).toFixed(0)} MiB, anonymous ${mib(memory.anonymous).toFixed(0)} MiB, ${memory.threads} threads`,
    );
  }
  child.send({ type: 'stop' });
  await new Promise((resolve) => child.once('exit', resolve));
  await devnet.stop();
}

async function runClients(apiUrl) {
  const { createTestClients } = await import('@mailroom/xmtp/testing');
  const { xmtpSdk, boundXmtpMemory, sqliteMemory } = await import('@mailroom/xmtp');
  const clients = await createTestClients(apiUrl, CLIENTS);
  // After createTestClients, which selects the SDK (XMTP_SDK).
  boundXmtpMemory({ sqliteMemoryBytes: SQLITE_MB * 2 ** 20 });
  const sqliteUsed = () => sqliteMemory()?.usedBytes ?? NaN;
  const members = clients.clients.map((c) => c.client);
  const dms = [];
  for (let i = 0; i < CLIENTS; i++)
    dms.push(await members[i].conversations.createDm(members[(i + 1) % CLIENTS].inboxId));
  for (const member of members) await member.conversations.sync();
  const streams = [];
  let received = 0;
  for (const member of members) {
    const stream = await member.conversations.streamAllMessages({ disableSync: true });
    streams.push(stream);
    void (async () => {
      for await (const message of stream) if (message && message.senderInboxId !== member.inboxId) received++;
    })();
  }
  let sent = 0;
  process.on('message', async (message) => {
    if (message.type === 'run') {
      const deadline = Date.now() + SECONDS * 1000;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, worker) => {
          for (let i = worker; Date.now() < deadline; i += CONCURRENCY) {
            await dms[i % dms.length].sendText(`memory ${i}`);
            sent++;
          }
        }),
      );
      process.send({ type: 'ran', sent, received });
    } else if (message.type === 'count') {
      process.send({ type: 'count', sent, received, sqliteMemory: sqliteUsed() });
    } else if (message.type === 'end-streams') {
      for (const stream of streams.splice(0)) await stream.end().catch(() => undefined);
      globalThis.gc?.();
      process.send({ type: 'streams-ended' });
    } else if (message.type === 'release') {
      for (const member of members) xmtpSdk().closeClientDatabase(member);
      process.send({ type: 'released' });
    } else if (message.type === 'stop') {
      for (const stream of streams) await stream.end().catch(() => undefined);
      await clients.cleanup().catch(() => undefined);
      process.exit(0);
    }
  });
  process.send({ type: 'ready' });
}
