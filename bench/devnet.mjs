// npm run bench:devnet — throughput, stream latency and CPU share of the devnet with real SDK clients,
// in-memory vs persistent store, plus a write-heavy comparison of store candidates. Needs `npm run build`.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestClients } from '@mailroom/xmtp/testing';
import { startChildDevnet } from './devnet/child-devnet.mjs';
import { measureStores } from './devnet/store-writes.mjs';
import { machineLine, percentile, writeSection } from './lib/report.mjs';

const GROUP_SIZE = 5;
const WINDOW_MS = Number(process.env.BENCH_DEVNET_WINDOW_MS ?? 15_000);
const CLIENT_COUNTS = [10, 50];

async function runScenario(clientCount, persistent) {
  const dataDir = persistent ? mkdtempSync(path.join(os.tmpdir(), 'devnet-bench-data-')) : undefined;
  const devnet = await startChildDevnet({ dataDir });
  const peers = await createTestClients(devnet.url, clientCount, { inMemoryDb: true });
  try {
    const groups = [];
    for (let i = 0; i < clientCount; i += GROUP_SIZE) {
      const members = peers.clients.slice(i, i + GROUP_SIZE);
      const creatorGroup = await members[0].client.conversations.createGroup(members.slice(1).map((m) => m.inboxId));
      const handles = [creatorGroup];
      for (const member of members.slice(1)) {
        await member.client.conversations.sync();
        handles.push(await member.client.conversations.getConversationById(creatorGroup.id));
      }
      groups.push({ members, handles });
    }

    // One listener per group measures delivery latency of everyone else's messages.
    const sentAt = new Map();
    const latencies = [];
    const streams = [];
    for (const group of groups) {
      const listener = group.members[group.members.length - 1];
      streams.push(
        await listener.client.conversations.streamAllMessages({
          onValue: (message) => {
            const started = typeof message.content === 'string' ? sentAt.get(message.content) : undefined;
            if (started !== undefined) latencies.push(performance.now() - started);
          },
        }),
      );
    }
    // First message of each member settles the key-update commit libxmtp sends before a member's first post.
    for (const group of groups) for (const handle of group.handles) await handle.sendText('warm-up');

    let sent = 0;
    let failures = 0;
    const cpuDevnetStart = devnet.cpuSeconds();
    const cpuSelfStart = process.cpuUsage();
    const wallStart = performance.now();
    const deadline = wallStart + WINDOW_MS;
    await Promise.all(
      groups.flatMap((group) =>
        group.handles.map(async (handle, index) => {
          for (let n = 0; performance.now() < deadline; n++) {
            const text = `${group.members[index].inboxId.slice(0, 8)}-${n}`;
            sentAt.set(text, performance.now());
            try {
              await handle.sendText(text);
              sent++;
            } catch {
              failures++;
            }
          }
        }),
      ),
    );
    const wallSeconds = (performance.now() - wallStart) / 1000;
    const devnetCpu = devnet.cpuSeconds() - cpuDevnetStart;
    const selfCpuUsage = process.cpuUsage(cpuSelfStart);
    const clientsCpu = (selfCpuUsage.user + selfCpuUsage.system) / 1e6;
    await new Promise((resolve) => setTimeout(resolve, 1000)); // let streams drain
    for (const stream of streams) await stream.end();

    latencies.sort((a, b) => a - b);
    return {
      clientCount,
      store: persistent ? 'journal (data dir)' : 'in memory',
      groups: groups.length,
      sent,
      failures,
      perSecond: sent / wallSeconds,
      delivered: latencies.length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      devnetCpu,
      clientsCpu,
      devnetShare: devnetCpu / (devnetCpu + clientsCpu),
      devnetCores: devnetCpu / wallSeconds,
    };
  } finally {
    await peers.cleanup();
    await devnet.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

const started = Date.now();
const loadBefore = os.loadavg()[0];
const storeResults = await measureStores();
const scenarios = [];
for (const clientCount of CLIENT_COUNTS) {
  for (const persistent of [false, true]) {
    const result = await runScenario(clientCount, persistent);
    scenarios.push(result);
    console.log(JSON.stringify(result));
  }
}
const loadAfter = os.loadavg()[0];

const fmt = (n, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';
const markdown = `
## Devnet (\`apps/devnet\`)

Command: \`npm run build && npm run bench:devnet\` · ${machineLine()} · run ${new Date(started).toISOString().slice(0, 16)}Z, took ${fmt((Date.now() - started) / 1000)} s · 1-min load average ${fmt(loadBefore, 1)} before, ${fmt(loadAfter, 1)} after.

### Real SDK clients through the devnet

The devnet runs as a child process (\`node apps/devnet/dist/cli.js\`); its CPU time is read from \`/proc/<pid>/stat\`. All SDK clients
(@xmtp/node-sdk 5.5.0, in-memory client databases, device sync off) run in the benchmark process, whose CPU time (\`process.cpuUsage\`,
all threads, including libxmtp's MLS work) is the "clients" column. Groups of ${GROUP_SIZE}; every member sends texts back to back for
${WINDOW_MS / 1000} s; one member per group streams with \`streamAllMessages\` and records the time from the \`sendText\` call to delivery.

| clients | store | groups | messages/s | sent (failed) | stream p50 | stream p99 | devnet CPU | clients CPU | devnet share of CPU | devnet cores used |
|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${scenarios
  .map(
    (s) =>
      `| ${s.clientCount} | ${s.store} | ${s.groups} | ${fmt(s.perSecond)} | ${s.sent} (${s.failures}) | ${fmt(s.p50, 1)} ms | ${fmt(s.p99, 1)} ms | ${fmt(s.devnetCpu, 2)} s | ${fmt(s.clientsCpu, 2)} s | ${fmt(s.devnetShare * 100, 1)} % | ${fmt(s.devnetCores, 2)} |`,
  )
  .join('\n')}

### Store candidates under a write-heavy load

One ${300}-byte group message per write, each acknowledged only after it is stored (the devnet's pattern: one write per RPC).

| store | writes | writes/s | notes |
|---|---:|---:|---|
${storeResults
  .map(
    (r) =>
      `| ${r.label} | ${r.count} | ${fmt(r.perSecond)} | ${[r.bytesPerRecord ? `${r.bytesPerRecord} B/record on disk` : '', r.replay ? `replay ${r.replay}` : ''].filter(Boolean).join('; ')} |`,
  )
  .join('\n')}

Reading: the journal is what \`--data-dir\` uses. It keeps every write on disk before the RPC answers (safe against a crash of the devnet
process; \`--fsync\` also survives power loss) and is far above the rate real clients can produce; Postgres (one INSERT per RPC, as the real
node does) would cap the devnet at its commit rate, add a service to run, and buy nothing a test network needs. better-sqlite3 needs a
native build here and \`node:sqlite\` does not exist on Node 20, so neither was a candidate.
Caveat: this machine has 2 cores and other engineers may have been running test suites at the same time; the load averages above show
how busy it was. Latency and throughput are bounded by the clients' MLS work on those 2 cores, not by the devnet.
`;
await writeSection('devnet', markdown);
console.log(markdown);
process.exit(0);
