// npm run bench:pipeline — issue #13's side-by-side, in one run on one devnet: N identities in a DM ring (each sends to
// the next), C closed-loop senders for D seconds, every message received by the next identity and POSTed to a local
// webhook receiver. First the raw @xmtp/node-sdk pipeline as one process (clients stream all messages → HTTP POST),
// then the gateway as one process on Postgres + Redis (REST send → hosted identity → signed webhook), same N, C, D.
// The devnet, the gateway's load generator and the receiver run in this process. Needs `npm run build` and Linux.
//
// Knobs: BENCH_PIPELINE_IDENTITIES (20), BENCH_PIPELINE_CONCURRENCY (4,1), BENCH_PIPELINE_SECONDS (30),
// BENCH_PIPELINE_GRACE_SECONDS (30), BENCH_PIPELINE_CPU_PROFILE_DIR (a V8 CPU profile of the gateway),
// BENCH_PIPELINE_NODE_ARGS (more node flags for the gateway, e.g. --perf-basic-prof),
// BENCH_PG_STATEMENTS (1: the gateway prints its Postgres statements by count at exit), WEBHOOK_ENDPOINT_CONCURRENCY,
// XMTP_DB_POOL_SIZE and XMTP_SQLITE_MMAP_MB (the gateway's, when set), XMTP_SDK (auto|5|6, both
// sides; SDK 6 under `PATH=$PWD/.cache/glibc/bin:$PATH`, its own section), REDIS_URL
// (redis://127.0.0.1:6379), DATABASE_URL (the server's `test` database).
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startDevnet } from '@mailroom/devnet';
import { spawnGateway, stopProcess, waitForReady } from './lib/gateway-process.mjs';
import { startMessageReceiver } from './lib/message-receiver.mjs';
import { CLOCK_TICKS, machineCpuTicks, processName, processTicks } from './lib/proc-cpu.mjs';
import { machineLine, percentile, writeSection } from './lib/report.mjs';
import { readJson, withScratchDatabase } from './lib/scratch-database.mjs';

const N = Number(process.env.BENCH_PIPELINE_IDENTITIES ?? 20);
const CONCURRENCY = (process.env.BENCH_PIPELINE_CONCURRENCY ?? '4,1').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_PIPELINE_SECONDS ?? 30);
const GRACE_SECONDS = Number(process.env.BENCH_PIPELINE_GRACE_SECONDS ?? 30);
/** The gateway's own settings the bench passes on when set. */
const GATEWAY_KNOBS = ['WEBHOOK_ENDPOINT_CONCURRENCY', 'XMTP_DB_POOL_SIZE', 'XMTP_SQLITE_MMAP_MB'];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const sorted = (v) => [...v].sort((a, b) => a - b);
const epochMs = () => performance.timeOrigin + performance.now();
const f1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');

const BENCH_DATABASE = `bench_pipeline_${process.pid}`;

/** CPU seconds that processes other than this benchmark's used between two snapshots, with the busiest by name. */
function otherWork(before, after) {
  const sides = new Set(children.map((c) => String(c.pid)));
  const byName = new Map();
  // Where this benchmark's own CPU went: the bench process (devnet, load generator, receiver), the side measured
  // (raw worker or gateway), its Postgres backends and Redis.
  const parts = { bench: 0, side: 0, postgres: 0, redis: 0 };
  let seconds = 0;
  for (const [pid, t] of after) {
    const used = (t - (before.get(pid) ?? 0)) / CLOCK_TICKS;
    if (used <= 0) continue;
    if (pid === String(process.pid)) {
      parts.bench += used;
      continue;
    }
    if (sides.has(pid)) {
      parts.side += used;
      continue;
    }
    const name = processName(pid, BENCH_DATABASE);
    // This benchmark's Postgres backends and the shared Redis work for the gateway: not "other" work.
    if (name === 'postgres (this benchmark)') parts.postgres += used;
    else if (name.startsWith('redis-server')) parts.redis += used;
    else {
      seconds += used;
      byName.set(name, (byName.get(name) ?? 0) + used);
    }
  }
  const top = [...byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([name, used]) => `${name} ${used.toFixed(1)} s`);
  return { seconds, top, parts };
}
const children = [];

/** Receives webhook POSTs; counts each unique message of a phase once, with its lag from the send's start. */
function startReceiver(phases) {
  return startMessageReceiver(
    (event, receivedAt) => {
      const [tag, phaseName, , sentAt] = String(event.data?.text ?? '').split(' ');
      const phase = tag === 'pipeline' ? phases.get(phaseName) : undefined;
      if (!phase) return;
      phase.received++;
      phase.lags.push(receivedAt - Number(sentAt));
      phase.lastReceivedAt = performance.now();
    },
    { keepAliveTimeout: 60_000 },
  );
}

function newPhase(phases, name, concurrency) {
  const phase = {
    name,
    concurrency,
    received: 0,
    lags: [],
    latencies: [],
    sent: 0,
    failed: 0,
    seconds: 0,
    lastReceivedAt: 0,
  };
  phases.set(name, phase);
  return phase;
}

/** Runs `send` for the phase, waits for its deliveries, and measures the machine's CPU over both. */
async function measure(phase, send, roundTrips) {
  const ticks0 = machineCpuTicks();
  const procs0 = processTicks();
  const trips0 = roundTrips ? await roundTrips() : undefined;
  const started = performance.now();
  await send();
  phase.seconds = (performance.now() - started) / 1000;
  const graceStart = performance.now();
  while (phase.received < phase.sent && performance.now() - graceStart < GRACE_SECONDS * 1000) await sleep(50);
  // Delivered messages per second over the whole phase: sending, plus the tail still in flight when sending ended.
  const end = Math.max(started + phase.seconds * 1000, phase.lastReceivedAt || 0);
  phase.deliverySeconds = (end - started) / 1000;
  const ticks1 = machineCpuTicks();
  phase.others = otherWork(procs0, processTicks());
  phase.cpuCoreSeconds = (ticks1.busy - ticks0.busy) / CLOCK_TICKS;
  phase.cpuShare = (ticks1.busy - ticks0.busy) / (ticks1.total - ticks0.total);
  if (roundTrips) {
    const trips1 = await roundTrips();
    phase.roundTrips = { send: trips1.send - trips0.send, other: trips1.other - trips0.other };
  }
  phase.load = os.loadavg()[0];
}

function summary(phase) {
  const latencies = sorted(phase.latencies);
  const lags = sorted(phase.lags);
  return {
    name: phase.name,
    concurrency: phase.concurrency,
    sent: phase.sent,
    failed: phase.failed,
    received: phase.received,
    throughput: phase.received / phase.deliverySeconds,
    cpuMsPerMessage: (1000 * phase.cpuCoreSeconds) / Math.max(1, phase.received),
    cpuShare: phase.cpuShare,
    ownCpuMsPerMessage: (1000 * Math.max(0, phase.cpuCoreSeconds - phase.others.seconds)) / Math.max(1, phase.received),
    otherCpuSeconds: phase.others.seconds,
    cpuCoreSeconds: phase.cpuCoreSeconds,
    sendP50: percentile(latencies, 50),
    sendP99: percentile(latencies, 99),
    lagP50: percentile(lags, 50),
    lagP99: percentile(lags, 99),
    roundTrips: phase.roundTrips,
    others: phase.others,
    load: phase.load,
  };
}

// ——— raw SDK pipeline ———

async function runRaw(devnet, receiver, phases) {
  const child = fork(path.join(root, 'bench/lib/raw-pipeline-worker.mjs'), [devnet.url, String(N), receiver.url], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  const next = (type) =>
    new Promise((resolve, reject) => {
      const onMessage = (m) => m.type === type && (child.off('message', onMessage), resolve(m));
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`raw pipeline exited ${code}`)));
    });
  await next('ready');
  const results = [];
  try {
    const runPhase = async (phase) => {
      child.send({
        type: 'run',
        phase: phase.name,
        concurrency: phase.concurrency,
        seconds: phase.name.startsWith('warm') ? 5 : SECONDS,
      });
      const ran = await next('ran');
      phase.latencies = ran.latencies;
      phase.sent = ran.sent;
      phase.failed = ran.failed;
    };
    const warm = newPhase(phases, 'warmraw', 4);
    await measure(warm, () => runPhase(warm));
    for (const c of CONCURRENCY) {
      const phase = newPhase(phases, `raw${c}`, c);
      console.log(`raw SDK: ${c} senders for ${SECONDS} s…`);
      await measure(phase, () => runPhase(phase));
      results.push(summary(phase));
      console.log(describe(results.at(-1)));
    }
  } finally {
    child.send({ type: 'stop' });
    await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
  }
  return results;
}

// ——— the gateway ———

function startGateway(databaseUrl, devnetUrl, dataDir) {
  const profile = process.env.BENCH_PIPELINE_CPU_PROFILE_DIR;
  const child = spawnGateway({
    databaseUrl,
    devnetUrl,
    dataDir,
    nodeArgs: [
      ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : []),
      ...(process.env.BENCH_PIPELINE_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      '--import',
      './bench/lib/pg-round-trips.mjs',
    ],
    env: {
      BENCH_PG_STATEMENTS: process.env.BENCH_PG_STATEMENTS ?? '',
      XMTP_MAX_LIVE_CLIENTS: String(N + 10),
      XMTP_SDK: process.env.XMTP_SDK ?? 'auto',
      ...Object.fromEntries(GATEWAY_KNOBS.filter((k) => process.env[k]).map((k) => [k, process.env[k]])),
    },
    ipc: true,
  });
  children.push(child);
  return child;
}

function askRoundTrips(child) {
  return new Promise((resolve) => {
    const onMessage = (m) => m.type === 'pg-round-trips' && (child.off('message', onMessage), resolve(m.counts));
    child.on('message', onMessage);
    child.send({ type: 'pg-round-trips' });
  });
}

const call = (base, credential, method, route, body) =>
  fetch(`${base}${route}`, {
    method,
    headers: {
      ...(credential ? { authorization: `Bearer ${credential}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });

async function runGateway(databaseUrl, devnet, receiver, phases) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-pipeline-'));
  const gateway = startGateway(databaseUrl, devnet.url, dataDir);
  try {
    const base = await waitForReady(gateway);
    sdkVersion = (await fetch(`${base}/readyz`).then((r) => r.json())).xmtpSdk;
    const must = (...args) => call(base, ...args).then(readJson);
    const signup = await must('', 'POST', '/v1/admin/signup', {
      tenantName: 'pipeline',
      email: `pipeline-${process.pid}@bench.test`,
      password: 'bench-password-123',
    });
    const { key } = await must(signup.accessToken, 'POST', '/v1/api-keys', { name: 'pipeline' });
    await must(key, 'POST', '/v1/webhooks', { url: receiver.url, events: ['message.received'] });
    const ids = [];
    for (let i = 0; i < N; i++) ids.push(await must(key, 'POST', '/v1/identities', { label: `pipeline ${i}` }));
    const routes = [];
    for (let i = 0; i < N; i++) {
      const dm = await must(key, 'POST', `/v1/identities/${ids[i].id}/conversations/dm`, {
        peer: ids[(i + 1) % N].inboxId,
      });
      routes.push(`/v1/identities/${ids[i].id}/conversations/${dm.id}/messages`);
    }
    // A backend calling the gateway keeps its connections: one keep-alive pool, like any HTTP client library's.
    const senders = new Pool(base, { connections: Math.max(...CONCURRENCY, 4) });
    const runPhase = async (phase, seconds) => {
      const deadline = Date.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: phase.concurrency }, async (_, worker) => {
          for (let i = worker; Date.now() < deadline; i += phase.concurrency) {
            const t0 = performance.now();
            const text = `pipeline ${phase.name} ${i} ${epochMs().toFixed(3)}`;
            const status = await senders
              .request({
                method: 'POST',
                path: routes[i % N],
                headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
                body: JSON.stringify({ content: { type: 'text', text } }),
              })
              .then(async (res) => (await res.body.dump(), res.statusCode))
              .catch(() => 0);
            if (status === 201) {
              phase.latencies.push(performance.now() - t0);
              phase.sent++;
            } else phase.failed++;
          }
        }),
      );
    };
    // Warm-up: every identity's pipeline live (webhook sweep) and every route used once; wait until they deliver.
    const warm = newPhase(phases, 'warmgw', 4);
    const warmStart = Date.now();
    while (Date.now() - warmStart < 120_000) {
      await measure(warm, () => runPhase(warm, 5));
      if (warm.received >= warm.sent && warm.sent > 0) break;
      console.log(`gateway warm-up: ${warm.received} of ${warm.sent} delivered; again…`);
    }
    const results = [];
    for (const c of CONCURRENCY) {
      const phase = newPhase(phases, `gw${c}`, c);
      console.log(`gateway: ${c} senders for ${SECONDS} s…`);
      await measure(
        phase,
        () => runPhase(phase, SECONDS),
        () => askRoundTrips(gateway),
      );
      results.push(summary(phase));
      console.log(describe(results.at(-1)));
    }
    await senders.close();
    return results;
  } finally {
    await stopProcess(gateway);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ——— report ———

function describe(r) {
  const trips = r.roundTrips
    ? `, Postgres round trips ${f1(r.roundTrips.send / Math.max(1, r.sent))} per send, ${f1(r.roundTrips.other / Math.max(1, r.received))} per received`
    : '';
  const parts = Object.entries(r.others.parts)
    .map(([part, s]) => `${part} ${f1((1000 * s) / Math.max(1, r.received))}`)
    .join(', ');
  return `  ${r.name}: CPU ms/msg by process: ${parts}\n  ${r.name}: ${f1(r.throughput)} delivered msg/s, ${r.received} of ${r.sent} delivered (${r.failed} failed sends), CPU ${f1(r.cpuMsPerMessage)} ms/msg (${f1(r.ownCpuMsPerMessage)} without other processes), send p50 ${f1(r.sendP50)} p99 ${f1(r.sendP99)} ms, lag p50 ${f1(r.lagP50)} p99 ${f1(r.lagP99)} ms${trips}`;
}

/** CPU per delivered message of each part of the benchmark's own work, in ms. */
function parts(r) {
  const { bench, side, postgres, redis } = r.others.parts;
  return [bench, side, postgres, redis].map((s) => f1((1000 * s) / Math.max(1, r.received))).join(' / ');
}

function verdicts(raw, gw) {
  const ratio = gw.throughput / raw.throughput;
  const cpu = gw.cpuMsPerMessage / raw.cpuMsPerMessage;
  const sendAllowance = gw.concurrency === 1 ? 5 : 10;
  const sendExtra = gw.sendP50 - raw.sendP50;
  const lagExtra = gw.lagP50 - raw.lagP50;
  const mark = (ok) => (ok ? 'met' : '**missed**');
  return [
    [
      'delivered msg/s',
      `${f1(raw.throughput)}`,
      `${f1(gw.throughput)}`,
      `${(100 * ratio).toFixed(0)} % of raw`,
      `≥ 60 %: ${mark(ratio >= 0.6)}`,
    ],
    [
      'machine CPU per delivered message',
      `${f1(raw.cpuMsPerMessage)} ms`,
      `${f1(gw.cpuMsPerMessage)} ms`,
      `${cpu.toFixed(2)}×`,
      `≤ 1.6×: ${mark(cpu <= 1.6)}`,
    ],
    [
      '— the same without other processes (the bench with its devnet, the side measured, its Postgres and Redis)',
      `${f1(raw.ownCpuMsPerMessage)} ms`,
      `${f1(gw.ownCpuMsPerMessage)} ms`,
      `${(gw.ownCpuMsPerMessage / raw.ownCpuMsPerMessage).toFixed(2)}×`,
      '',
    ],
    [
      'of which, per message: bench process (devnet, load, receiver) / the side / its Postgres / Redis',
      parts(raw),
      parts(gw),
      '',
      '',
    ],
    [
      'send p50 / p99',
      `${f1(raw.sendP50)} / ${f1(raw.sendP99)} ms`,
      `${f1(gw.sendP50)} / ${f1(gw.sendP99)} ms`,
      `p50 +${f1(sendExtra)} ms`,
      `≤ raw + ${sendAllowance} ms: ${mark(sendExtra <= sendAllowance)}`,
    ],
    [
      'webhook lag p50 / p99 (send → receiver)',
      `${f1(raw.lagP50)} / ${f1(raw.lagP99)} ms`,
      `${f1(gw.lagP50)} / ${f1(gw.lagP99)} ms`,
      `p50 +${f1(lagExtra)} ms`,
      `≤ raw + 20 ms: ${mark(lagExtra <= 20)}`,
    ],
    [
      'every message delivered',
      `${raw.received} of ${raw.sent}`,
      `${gw.received} of ${gw.sent}`,
      '',
      mark(gw.received >= gw.sent && gw.sent > 0),
    ],
    [
      'Postgres round trips per sent / per received message',
      '—',
      gw.roundTrips
        ? `${f1(gw.roundTrips.send / Math.max(1, gw.sent))} / ${f1(gw.roundTrips.other / Math.max(1, gw.received))}`
        : 'n/a',
      '',
      'send ≤ 2, receive ≤ 3',
    ],
  ];
}

function render(raw, gw, loadBefore) {
  const tables = CONCURRENCY.map((c, i) => {
    const rows = verdicts(raw[i], gw[i]);
    const busy = (r) =>
      `${(100 * r.cpuShare).toFixed(0)} % busy, ${r.otherCpuSeconds.toFixed(0)} of ${r.cpuCoreSeconds.toFixed(0)} busy core-seconds in other processes (${r.others.top.join(', ') || 'none'})`;
    return `**${c} sender${c === 1 ? '' : 's'}.** Whole machine during the raw phase: ${busy(raw[i])}; during the gateway's: ${busy(gw[i])}.

| | raw @xmtp/node-sdk (stream → HTTP POST) | gateway (REST send → hosted identity → signed webhook) | gateway vs raw | target |
| --- | --- | --- | --- | --- |
${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}`;
  }).join('\n\n');
  const sdk6 = sdkVersion.startsWith('6.');
  const gatewayKnobs = GATEWAY_KNOBS.filter((k) => process.env[k])
    .map((k) => `${k}=${process.env[k]} `)
    .join('');
  const command = sdk6
    ? `PATH=$PWD/.cache/glibc/bin:$PATH ${gatewayKnobs}XMTP_SDK=6 npm run bench:pipeline`
    : `${gatewayKnobs}npm run bench:pipeline`;
  return `## Pipeline: raw SDK vs gateway, side by side, on @xmtp/node-sdk ${sdkVersion} (\`${command}\`)

\`${command}\` (${sdk6 ? "under the patched node on Debian 13's glibc from `npm run glibc:fetch`; " : ''}after \`npm run build\`; N=${N} identities, C=${CONCURRENCY.join(' and ')} senders, D=${SECONDS} s), ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.
Machine: ${machineLine()}. One devnet (in the bench process) for both sides. The raw side is one process of ${N}
@xmtp/node-sdk clients in a DM ring, each streaming all its messages and POSTing every received one to the bench's HTTP
receiver, with the closed-loop senders (\`sendText\`) in the same process. The gateway side is one gateway process
(\`apps/gateway/dist/main.js\`, Postgres, Redis bus, one tenant with ${N} hosted identities in the same ring and one
\`message.received\` webhook) driven by the same number of closed-loop \`POST …/messages\` senders in the bench process.
Delivered msg/s counts unique messages at the receiver from the first send to the last delivery; CPU per message is the
whole machine's busy time (\`/proc/stat\`, all processes) over that window divided by delivered messages; lag is the
receiver's arrival time minus the send's start (the text carries it). Postgres round trips are every \`pg\` statement of
the gateway (a preloaded counter, \`bench/lib/pg-round-trips.mjs\`): those made while serving a send request per sent
message, all others (realtime pipeline, webhook dispatch, sweeps, flushes) per received message.

**What else was running:** 1-minute load average ${loadBefore.toFixed(2)} before the run, ${Math.max(...gw.map((r) => r.load)).toFixed(2)} at the end. The
machine is shared with other engineers' test runs and builds; each phase below says how much of the machine's busy time
was theirs (per-process CPU from \`/proc/<pid>/stat\`; this benchmark's own Postgres backends and Redis count as the
gateway's, shared Postgres background processes as others'). The whole-machine CPU per message counts their work too, so the
row after it subtracts it. Compare the columns of one run, not runs with each other.

${tables}
`;
}

const loadBefore = os.loadavg()[0];
/** The SDK the gateway reports in /readyz; XMTP_SDK and the node binary choose it for the raw side alike. */
let sdkVersion = 'unknown';
const phases = new Map();
const devnet = await startDevnet({ port: 0 });
const receiver = await startReceiver(phases);
let raw;
let gw;
try {
  raw = await runRaw(devnet, receiver, phases);
  gw = await withScratchDatabase(BENCH_DATABASE, (url) => runGateway(url, devnet, receiver, phases));
} finally {
  await receiver.close();
  await devnet.stop();
}
const md = render(raw, gw, loadBefore);
console.log(md);
// One section per SDK major, so the two adapters' runs sit side by side in docs/benchmarks.md.
await writeSection(sdkVersion.startsWith('6.') ? 'pipeline-sdk6' : 'pipeline', md);
process.exit(0);
