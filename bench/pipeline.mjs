// npm run bench:pipeline — issue #13's side-by-side, in one run on one devnet: N identities in a DM ring (each sends to
// the next), C closed-loop senders for D seconds, every message received by the next identity and POSTed to a local
// webhook receiver. The raw @xmtp/node-sdk pipeline as one process (clients stream all messages → HTTP POST) and the
// gateway as one process on Postgres + Redis (REST send → hosted identity → signed webhook), same N, C, D, both up for
// the whole run and taking turns: D is split into rounds, the order alternating (raw then gateway, gateway then raw…), so
// a drift in this shared machine's speed falls on both sides alike. The devnet, the gateway's load generator and the
// receiver run in this process. Needs `npm run build` and Linux.
//
// Knobs: BENCH_PIPELINE_IDENTITIES (20), BENCH_PIPELINE_CONCURRENCY (4,1), BENCH_PIPELINE_SECONDS (30 per side),
// BENCH_PIPELINE_ROUNDS (3: turns per side), BENCH_PIPELINE_GRACE_SECONDS (30), BENCH_PIPELINE_CPU_PROFILE_DIR (a V8
// CPU profile of the gateway), BENCH_PIPELINE_NODE_ARGS (more node flags for the gateway, e.g. --perf-basic-prof),
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
const ROUNDS = Math.max(1, Number(process.env.BENCH_PIPELINE_ROUNDS ?? 3));
const GRACE_SECONDS = Number(process.env.BENCH_PIPELINE_GRACE_SECONDS ?? 30);
/** The gateway's own settings the bench passes on when set. */
const GATEWAY_KNOBS = ['WEBHOOK_ENDPOINT_CONCURRENCY', 'XMTP_DB_POOL_SIZE', 'XMTP_SQLITE_MMAP_MB'];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const sorted = (v) => [...v].sort((a, b) => a - b);
const epochMs = () => performance.timeOrigin + performance.now();
const f1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');

const BENCH_DATABASE = `bench_pipeline_${process.pid}`;

/**
 * Where the machine's CPU went between two snapshots: this benchmark's own work by part (the bench process with the
 * devnet, load generator and receiver; the side measured, `activePid`; the gateway's Postgres backends and Redis), the
 * idle side's (the other side's process, and the gateway's Postgres backends and Redis while the raw side runs), and
 * other processes' by name.
 */
function cpuByPart(before, after, activePid, gatewayActive) {
  const byName = new Map();
  const parts = { bench: 0, side: 0, postgres: 0, redis: 0 };
  let idle = 0;
  let seconds = 0;
  for (const [pid, t] of after) {
    const used = (t - (before.get(pid) ?? 0)) / CLOCK_TICKS;
    if (used <= 0) continue;
    if (pid === String(process.pid)) parts.bench += used;
    else if (pid === String(activePid)) parts.side += used;
    else if (children.some((c) => String(c.pid) === pid)) idle += used;
    else {
      const name = processName(pid, BENCH_DATABASE);
      const gatewayPart =
        name === 'postgres (this benchmark)' ? 'postgres' : name.startsWith('redis-server') ? 'redis' : undefined;
      if (gatewayPart && gatewayActive) parts[gatewayPart] += used;
      else if (gatewayPart) idle += used;
      else {
        seconds += used;
        byName.set(name, (byName.get(name) ?? 0) + used);
      }
    }
  }
  return { seconds, byName, parts, idle };
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

/**
 * Runs one turn of `side` for the phase, waits for its deliveries, and measures the machine's CPU over both, less the
 * idle side's.
 */
async function measure(phase, side, seconds) {
  const ticks0 = machineCpuTicks();
  const procs0 = processTicks();
  const trips0 = side.roundTrips ? await side.roundTrips() : undefined;
  const started = performance.now();
  await side.runTurn(phase, seconds);
  phase.seconds = (performance.now() - started) / 1000;
  const graceStart = performance.now();
  while (phase.received < phase.sent && performance.now() - graceStart < GRACE_SECONDS * 1000) await sleep(50);
  // Delivered messages per second over the whole turn: sending, plus the tail still in flight when sending ended.
  const end = Math.max(started + phase.seconds * 1000, phase.lastReceivedAt || 0);
  phase.deliverySeconds = (end - started) / 1000;
  const ticks1 = machineCpuTicks();
  phase.cpu = cpuByPart(procs0, processTicks(), side.pid, side.tag === 'gw');
  phase.busyTicks = ticks1.busy - ticks0.busy;
  phase.totalTicks = ticks1.total - ticks0.total;
  if (side.roundTrips) {
    const trips1 = await side.roundTrips();
    phase.roundTrips = { send: trips1.send - trips0.send, other: trips1.other - trips0.other };
  }
  phase.load = os.loadavg()[0];
}

/** One side's turns at one concurrency, as one phase. */
function combine(name, concurrency, turns) {
  const sum = (pick) => turns.reduce((total, turn) => total + pick(turn), 0);
  const byName = new Map();
  for (const turn of turns) for (const [n, used] of turn.cpu.byName) byName.set(n, (byName.get(n) ?? 0) + used);
  const parts = {};
  for (const part of Object.keys(turns[0].cpu.parts)) parts[part] = sum((t) => t.cpu.parts[part]);
  return {
    name,
    concurrency,
    turns: turns.length,
    sent: sum((t) => t.sent),
    failed: sum((t) => t.failed),
    received: sum((t) => t.received),
    latencies: turns.flatMap((t) => t.latencies),
    lags: turns.flatMap((t) => t.lags),
    deliverySeconds: sum((t) => t.deliverySeconds),
    busyTicks: sum((t) => t.busyTicks),
    totalTicks: sum((t) => t.totalTicks),
    cpu: { seconds: sum((t) => t.cpu.seconds), byName, parts, idle: sum((t) => t.cpu.idle) },
    roundTrips: turns[0].roundTrips
      ? { send: sum((t) => t.roundTrips.send), other: sum((t) => t.roundTrips.other) }
      : undefined,
    load: Math.max(...turns.map((t) => t.load)),
  };
}

function summary(phase) {
  const latencies = sorted(phase.latencies);
  const lags = sorted(phase.lags);
  // The machine's busy time, less the idle side's: what running this side cost the machine.
  const cpuCoreSeconds = phase.busyTicks / CLOCK_TICKS - phase.cpu.idle;
  const others = {
    seconds: phase.cpu.seconds,
    parts: phase.cpu.parts,
    top: [...phase.cpu.byName]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([name, used]) => `${name} ${used.toFixed(1)} s`),
  };
  return {
    name: phase.name,
    concurrency: phase.concurrency,
    sent: phase.sent,
    failed: phase.failed,
    received: phase.received,
    throughput: phase.received / phase.deliverySeconds,
    turns: phase.turns,
    cpuMsPerMessage: (1000 * cpuCoreSeconds) / Math.max(1, phase.received),
    cpuShare: phase.busyTicks / phase.totalTicks,
    ownCpuMsPerMessage: (1000 * Math.max(0, cpuCoreSeconds - others.seconds)) / Math.max(1, phase.received),
    otherCpuSeconds: others.seconds,
    idleSideCpuSeconds: phase.cpu.idle,
    cpuCoreSeconds,
    sendP50: percentile(latencies, 50),
    sendP99: percentile(latencies, 99),
    lagP50: percentile(lags, 50),
    lagP99: percentile(lags, 99),
    roundTrips: phase.roundTrips,
    others,
    load: phase.load,
  };
}

// ——— raw SDK pipeline ———

/** The raw side: its worker process up with every client streaming, warmed up, ready to take turns. */
async function startRawSide(devnet, receiver, phases) {
  const child = fork(path.join(root, 'bench/lib/raw-pipeline-worker.mjs'), [devnet.url, String(N), receiver.url], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  let waiting;
  child.on('message', (m) => waiting?.type === m.type && waiting.resolve(m));
  child.once('exit', (code) => waiting?.reject(new Error(`raw pipeline exited ${code}`)));
  const next = (type) => new Promise((resolve, reject) => (waiting = { type, resolve, reject }));
  await next('ready');
  const side = {
    tag: 'raw',
    pid: child.pid,
    async runTurn(phase, seconds) {
      const ran = next('ran');
      child.send({ type: 'run', phase: phase.name, concurrency: phase.concurrency, seconds });
      const { latencies, sent, failed } = await ran;
      Object.assign(phase, { latencies, sent, failed });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await exited;
    },
  };
  await measure(newPhase(phases, 'warmraw', 4), side, 5);
  return side;
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

/** The gateway side: the gateway up on the scratch database, one tenant's identities in the ring, warmed up. */
async function startGatewaySide(databaseUrl, devnet, receiver, phases) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-pipeline-'));
  const gateway = startGateway(databaseUrl, devnet.url, dataDir);
  let senders;
  const stop = async () => {
    await senders?.close();
    await stopProcess(gateway);
    rmSync(dataDir, { recursive: true, force: true });
  };
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
    senders = new Pool(base, { connections: Math.max(...CONCURRENCY, 4) });
    const side = {
      tag: 'gw',
      pid: gateway.pid,
      roundTrips: () => askRoundTrips(gateway),
      async runTurn(phase, seconds) {
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
      },
      stop,
    };
    // Warm-up: every identity's pipeline live (webhook sweep) and every route used once; wait until they deliver.
    const warmStart = Date.now();
    for (let attempt = 1; Date.now() - warmStart < 120_000; attempt++) {
      const warm = newPhase(phases, `warmgw${attempt}`, 4);
      await measure(warm, side, 5);
      if (warm.received >= warm.sent && warm.sent > 0) break;
      console.log(`gateway warm-up: ${warm.received} of ${warm.sent} delivered; again…`);
    }
    return side;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Each concurrency in turns: ROUNDS turns a side, the order alternating, combined into one result a side. */
async function runSides(rawSide, gatewaySide, phases) {
  const raw = [];
  const gw = [];
  for (const c of CONCURRENCY) {
    const turns = { raw: [], gw: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [rawSide, gatewaySide] : [gatewaySide, rawSide];
      for (const side of order) {
        const phase = newPhase(phases, `${side.tag}${c}r${round + 1}`, c);
        console.log(`${side.tag}: ${c} senders, turn ${round + 1} of ${ROUNDS} (${SECONDS / ROUNDS} s)…`);
        await measure(phase, side, SECONDS / ROUNDS);
        turns[side.tag].push(phase);
        const turn = summary({ ...phase, turns: 1 });
        console.log(`  ${turn.throughput.toFixed(1)} delivered msg/s, CPU ${turn.cpuMsPerMessage.toFixed(1)} ms/msg`);
      }
    }
    raw.push(summary(combine(`raw${c}`, c, turns.raw)));
    gw.push(summary(combine(`gw${c}`, c, turns.gw)));
    console.log(`${describe(raw.at(-1))}\n${describe(gw.at(-1))}`);
  }
  return { raw, gw };
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
      `${(100 * r.cpuShare).toFixed(0)} % busy, ${r.idleSideCpuSeconds.toFixed(1)} core-seconds in the idle side (left out), ${r.otherCpuSeconds.toFixed(0)} of the remaining ${r.cpuCoreSeconds.toFixed(0)} busy core-seconds in other processes (${r.others.top.join(', ') || 'none'})`;
    return `**${c} sender${c === 1 ? '' : 's'}.** Whole machine during the raw side's ${raw[i].turns} turns: ${busy(raw[i])}; during the gateway's: ${busy(gw[i])}.

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

\`${command}\` (${sdk6 ? "under the patched node on Debian 13's glibc from `npm run glibc:fetch`; " : ''}after \`npm run build\`; N=${N} identities, C=${CONCURRENCY.join(' and ')} senders, D=${SECONDS} s a side in ${ROUNDS} turns of ${SECONDS / ROUNDS} s), ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.
Machine: ${machineLine()}. One devnet (in the bench process) for both sides. The raw side is one process of ${N}
@xmtp/node-sdk clients in a DM ring, each streaming all its messages and POSTing every received one to the bench's HTTP
receiver, with the closed-loop senders (\`sendText\`) in the same process. The gateway side is one gateway process
(\`apps/gateway/dist/main.js\`, Postgres, Redis bus, one tenant with ${N} hosted identities in the same ring and one
\`message.received\` webhook) driven by the same number of closed-loop \`POST …/messages\` senders in the bench process.
Both sides stay up for the whole run and take turns at each sender count (raw then gateway, gateway then raw, …), each
turn waiting for its deliveries before the next, so a change in the shared machine's speed during the run falls on both
sides alike. Delivered msg/s counts unique messages at the receiver from each turn's first send to its last delivery,
summed over the turns; CPU per message is the whole machine's busy time (\`/proc/stat\`, all processes) over those
windows, less the idle side's own (its process; while the raw side runs, also the gateway's Postgres backends and
Redis), divided by delivered messages; lag is the
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
  const rawSide = await startRawSide(devnet, receiver, phases);
  try {
    ({ raw, gw } = await withScratchDatabase(BENCH_DATABASE, async (url) => {
      const gatewaySide = await startGatewaySide(url, devnet, receiver, phases);
      try {
        return await runSides(rawSide, gatewaySide, phases);
      } finally {
        await gatewaySide.stop();
      }
    }));
  } finally {
    await rawSide.stop();
  }
} finally {
  await receiver.close();
  await devnet.stop();
}
const md = render(raw, gw, loadBefore);
console.log(md);
// One section per SDK major, so the two adapters' runs sit side by side in docs/benchmarks.md.
await writeSection(sdkVersion.startsWith('6.') ? 'pipeline-sdk6' : 'pipeline', md);
process.exit(0);
