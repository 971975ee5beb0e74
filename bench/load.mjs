// npm run bench:load — issue #9's load bench: 100 hosted identities across 10 tenants, each sending to the next
// identity of its tenant (hosted to hosted, so every send is also a receive, delivered to the tenant's webhook).
// After setup it searches for the highest sustainable closed-loop concurrency in short steps, then runs the main
// phase at that concurrency for BENCH_LOAD_SECONDS (default 300). The gateway runs as its own process under
// --cpu-prof on a devnet in this process; needs `npm run build` and Linux (/proc). Reports throughput, p50/p99 send
// latency, error rate, event lag (sent-at → webhook received), gateway RSS and CPU, and where the gateway's CPU went.
//
// Knobs: BENCH_LOAD_SECONDS (main phase, 300), BENCH_LOAD_STEP_SECONDS (20), BENCH_LOAD_STEPS (1,2,4,8,16,32,64),
// BENCH_LOAD_GRACE_SECONDS (delivery grace after a step, 10), BENCH_LOAD_CONCURRENCY (skips the search),
// BENCH_LOAD_TENANTS (10), BENCH_LOAD_IDENTITIES_PER_TENANT (10), BENCH_LOAD_CPU_PROF (0: no --cpu-prof),
// BENCH_LOAD_NO_WRITE (1: print the section without writing docs/benchmarks.md), BENCH_LOAD_GC_PROBE (1: every 30 s a
// full GC before the memory sample, for the live heap), BENCH_LOAD_HEAP_SNAPSHOTS (a directory: heap snapshots at the
// main phase's start and end), BENCH_LOAD_NODE_ARGS (extra node flags for the gateway, space-separated), BENCH_LOAD_SAMPLES_FILE (a JSON file: the main phase's memory samples), BENCH_LOAD_WARMUP_MAX_SECONDS (900; 0: no
// warm-up), BENCH_LOAD_AUTOVACUUM (0: no stand-in for autovacuum, see below). MALLOC_* and XMTP_SDK reach the gateway.
//
// On a Postgres server without autovacuum (this development machine's), the bench stands in for it on its scratch
// database, as production Postgres runs by default: every 30 s each table whose dead rows exceed autovacuum's default
// threshold (50 + 20 % of its rows) is vacuumed, each whose changes since its last analyze exceed 50 + 10 % is
// analyzed. Its backend's CPU counts as the gateway's Postgres. Without it, dead row versions pile up and the cached
// plans of prepared statements, made while the tables were empty, are never made again (no ANALYZE invalidates them).
//
// Warm-up: before the main phase, load at its concurrency in 30-s rounds until libxmtp's SQLite holds what its soft limit
// (XMTP_SQLITE_MEMORY_MB) lets it keep, i.e. its page caches are full, or BENCH_LOAD_WARMUP_MAX_SECONDS have passed.
// On SDK 6 (100 identities, 4 senders) SQLite holds 110–190 MiB for the first ten minutes and reaches 256 MiB about
// ten and a half minutes in, when libxmtp's pools open more connections (~420 → ~490), each with its own schema.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startDevnet } from '@mailroom/devnet';
import { spawnGateway, stopProcess, waitForReady } from './lib/gateway-process.mjs';
import { startMessageReceiver } from './lib/message-receiver.mjs';
import { memorySlope, processMemoryDetail, rssByMapping } from './lib/process-memory.mjs';
import { sqliteConnections } from './lib/sqlite-connections.mjs';
import { machineCpuTicks, postgresBackendTicks, processCpuSeconds, secondsBetween } from './lib/proc-cpu.mjs';
import { machineLine, percentile, writeSection } from './lib/report.mjs';
import { autovacuumSetting, readJson, withScratchDatabase } from './lib/scratch-database.mjs';

const TENANTS = Number(process.env.BENCH_LOAD_TENANTS ?? 10);
const PER_TENANT = Number(process.env.BENCH_LOAD_IDENTITIES_PER_TENANT ?? 10);
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 300);
const STEP_SECONDS = Number(process.env.BENCH_LOAD_STEP_SECONDS ?? 20);
const STEPS = (process.env.BENCH_LOAD_STEPS ?? '1,2,4,8,16,32,64').split(',').map(Number);
const STEP_GRACE_SECONDS = Number(process.env.BENCH_LOAD_GRACE_SECONDS ?? 10);
const WARMUP_MAX_SECONDS = Number(process.env.BENCH_LOAD_WARMUP_MAX_SECONDS ?? 900);
const WARMUP_ROUND_SECONDS = 30;
const AUTOVACUUM_STAND_IN = process.env.BENCH_LOAD_AUTOVACUUM !== '0';
const AUTOVACUUM_NAP_MS = 30_000;
/** SQLite's caches count as full at this share of its soft limit. */
const WARM_SQLITE_SHARE = 0.95;
const MAIN_GRACE_SECONDS = Math.max(30, STEP_GRACE_SECONDS);
const FIXED_CONCURRENCY = process.env.BENCH_LOAD_CONCURRENCY ? Number(process.env.BENCH_LOAD_CONCURRENCY) : undefined;
const MAX_ERROR_RATE = 0.01;
const MIN_RISE = 0.05;
const RSS_SAMPLE_MS = 2_000;
const MEMORY_SAMPLE_MS = 5_000;
const CPU_PROF = process.env.BENCH_LOAD_CPU_PROF !== '0';
// A sample every 10 ms rather than V8's 1 ms: the profiler keeps every sample in native memory until exit, which at
// 1 ms adds about 2 MiB a minute to the gateway's RSS, and 10 minutes at 10 ms still give 60,000 samples.
const CPU_PROF_INTERVAL_US = 10_000;
const WRITE = process.env.BENCH_LOAD_NO_WRITE !== '1';
const GC_PROBE = process.env.BENCH_LOAD_GC_PROBE === '1';
const GC_EVERY_SAMPLES = 6;
const MAPPING_EVERY_SAMPLES = 6;
const HEAP_SNAPSHOTS = process.env.BENCH_LOAD_HEAP_SNAPSHOTS;
const NODE_ARGS = (process.env.BENCH_LOAD_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** BENCH_LOAD_GATEWAY_ENV: extra environment for the gateway only ("K=V K2=V2"), e.g. a heap profiler's LD_PRELOAD. */
const GATEWAY_ENV = Object.fromEntries(
  (process.env.BENCH_LOAD_GATEWAY_ENV ?? '')
    .split(' ')
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
/** The gateway's environment from the bench's: glibc malloc tuning and the SDK choice. */
const FORWARDED_ENV = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => k.startsWith('MALLOC_') || k.startsWith('GLIBC_TUNABLES') || k === 'XMTP_SDK',
  ),
);
const BENCH_DATABASE = `bench_load_${process.pid}`;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const sorted = (v) => [...v].sort((a, b) => a - b);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (v) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');
const mib = (b) => (Number.isFinite(b) ? `${(b / 2 ** 20).toFixed(0)} MiB` : 'n/a');
const pct = (v) => `${(100 * v).toFixed(2)} %`;
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

// Ctrl-C or SIGTERM ends the loops early so the finally blocks still stop the gateway and drop the database.
const interrupt = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, () => interrupt.abort(new Error(`${signal} received`)));
const interrupted = () => interrupt.signal.aborted;
const throwIfInterrupted = () => interrupt.signal.throwIfAborted();

/** The gateway's process.memoryUsage(), over the IPC channel memory-probe.mjs answers on. */
function askGateway(child, request, timeoutMs = 5_000) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => (child.off('message', onMessage), resolve(undefined)), timeoutMs);
    const onMessage = (m) => {
      if (m?.type !== request.type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    child.send(request, (error) => error && onMessage({ type: request.type }));
  });
}

async function writeHeapSnapshot(child, name) {
  if (!HEAP_SNAPSHOTS) return;
  const answer = await askGateway(child, { type: 'heap-snapshot', file: path.resolve(HEAP_SNAPSHOTS, name) }, 300_000);
  console.log(`  heap snapshot: ${answer?.file ?? 'not written'}`);
}

/**
 * Every `intervalMs`: the gateway's RSS split into the JS-owned parts (V8 heap, external, ArrayBuffers) and the rest,
 * its anonymous memory and OS threads, and every sixth time by kind of mapping (rssByMapping); a line per minute on the
 * console. stop() returns [{ at, ...values }].
 */
function startMemorySampler(child, intervalMs, progress) {
  const started = performance.now();
  const samples = [];
  let stopped = false;
  let lastLog = -Infinity;
  let count = 0;
  const take = async (last = false) => {
    const index = count++;
    const gc = GC_PROBE && index % GC_EVERY_SAMPLES === 0;
    const answer = await askGateway(child, { type: 'memory', gc });
    const usage = answer?.usage;
    let detail;
    let mappings;
    try {
      detail = processMemoryDetail(child.pid);
      // Reading smaps costs the bench ~0.2 s of CPU at this gateway's ~5,000 mappings: every sixth sample.
      if (last || index % MAPPING_EVERY_SAMPLES === 0) mappings = rssByMapping(child.pid);
    } catch {
      return;
    }
    if (!usage) return;
    const at = (performance.now() - started) / 1000;
    const sample = {
      at,
      rss: detail.rss,
      anonymous: detail.anonymous,
      ...mappings,
      threads: detail.threads,
      sqliteConnections: sqliteConnections(child.pid)?.connections ?? NaN,
      sqliteMemory: answer.sqliteMemory ?? NaN,
      heapTotal: usage.heapTotal,
      heapUsed: usage.heapUsed,
      external: usage.external,
      arrayBuffers: usage.arrayBuffers,
      native: detail.rss - usage.heapTotal - usage.external,
      liveHeap: answer.collected ? usage.heapUsed : NaN,
    };
    samples.push(sample);
    if (at - lastLog >= 60) {
      lastLog = at;
      console.log(
        `  ${at.toFixed(0)} s${answer.collected ? ' (after a full GC)' : ''}: RSS ${mib(sample.rss)} (anonymous ${mib(sample.anonymous)}), heap used ${mib(sample.heapUsed)} of ${mib(sample.heapTotal)}, external ${mib(sample.external)} (ArrayBuffers ${mib(sample.arrayBuffers)}), rest ${mib(sample.native)}, ${sample.threads} threads, ${sample.sqliteConnections} SQLite connections holding ${mib(sample.sqliteMemory)}; ${progress()}`,
      );
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await take();
      await sleep(intervalMs);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await take(true);
      return samples;
    },
  };
}

/**
 * The machine's speed now: CPU milliseconds a fresh process needs for a fixed piece of JavaScript work (JSON and
 * SHA-256, like a gateway's). On a shared host this rises when neighbours slow the cores down, so a minute whose
 * gateway CPU per message rises with it was the machine, not the gateway.
 */
function machineSpeedProbeMs() {
  const work = `const {createHash}=require('node:crypto');const doc={id:'x'.repeat(64),text:'y'.repeat(200),n:[1,2,3]};
const t=process.cpuUsage();let h='';for(let i=0;i<15000;i++){h=createHash('sha256').update(JSON.stringify({...doc,i,h})).digest('hex');JSON.parse(JSON.stringify(doc));}
const u=process.cpuUsage(t);process.stdout.write(String((u.user+u.system)/1000));`;
  try {
    return Number(execFileSync(process.execPath, ['-e', work], { encoding: 'utf8' }));
  } catch {
    return NaN;
  }
}

/**
 * Once a minute: messages sent so far, the CPU seconds of the gateway, its Postgres backends, the bench process and
 * the machine, and the machine-speed probe, so the report can say which of them costs more per message as the run
 * goes on.
 */
function startMinuteSampler(gatewayPid, sentSoFar) {
  let postgres = postgresBackendTicks(BENCH_DATABASE);
  let postgresSeconds = 0;
  const sample = () => {
    const machine = machineCpuTicks();
    const nowPostgres = postgresBackendTicks(BENCH_DATABASE);
    postgresSeconds += secondsBetween(postgres, nowPostgres);
    postgres = nowPostgres;
    return {
      sent: sentSoFar(),
      gateway: processCpuSeconds(gatewayPid),
      postgres: postgresSeconds,
      bench: Object.values(process.cpuUsage()).reduce((a, b) => a + b, 0) / 1e6,
      machineBusy: machine.busy,
      machineTotal: machine.total,
      probeMs: machineSpeedProbeMs(),
    };
  };
  const samples = [sample()];
  const timer = setInterval(() => samples.push(sample()), 60_000);
  return {
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}

/** Samples `read()` now and every `intervalMs` until stop(), which samples once more and returns [{ at, value }]. */
function startSampler(read, intervalMs) {
  const started = performance.now();
  const samples = [];
  const take = () => {
    try {
      samples.push({ at: (performance.now() - started) / 1000, value: read() });
    } catch {} // the process may be gone; the missing sample shows as a gap
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/**
 * Webhook receiver. Each sent text names its phase ("bench-load <phase> <n>"), so every unique message.received
 * is counted, with its lag (arrival − the event's createdAt, the message's sent-at), against the phase that sent it.
 */
function startReceiver(phases) {
  return startMessageReceiver((event) => {
    const phase = phases.get(String(event.data?.text ?? '').split(' ')[1]);
    if (!phase) return;
    phase.received++;
    phase.lags.push(Date.now() - Date.parse(event.createdAt));
  });
}

function request(base, credential, method, route, body) {
  return fetch(`${base}${route}`, {
    method,
    headers: { authorization: `Bearer ${credential}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

const must = (...args) => request(...args).then(readJson);

async function pool(items, concurrency, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        throwIfInterrupted();
        const i = next++;
        await work(items[i], i);
      }
    }),
  );
}

function metric(text, name, labels = '') {
  const line = text.split('\n').find((l) => l.startsWith(name) && l.includes(labels) && !l.startsWith('#'));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}

/** Tenants with an API key and a webhook, their identities, and one DM per identity to the next one: the send routes. */
async function setUp(base, hookUrl) {
  const pairs = [];
  await pool(
    Array.from({ length: TENANTS }, (_, t) => t),
    2,
    async (t) => {
      const signup = await must(base, '', 'POST', '/v1/admin/signup', {
        tenantName: `load ${t}`,
        email: `load-${t}-${process.pid}@bench.test`,
        password: 'bench-password-123',
      });
      const { key } = await must(base, signup.accessToken, 'POST', '/v1/api-keys', { name: 'load' });
      await must(base, key, 'POST', '/v1/webhooks', { url: hookUrl, events: ['message.received'] });
      const ids = [];
      for (let i = 0; i < PER_TENANT; i++) {
        throwIfInterrupted();
        ids.push(await must(base, key, 'POST', '/v1/identities', { label: `load ${t}.${i}` }));
      }
      for (let i = 0; i < PER_TENANT; i++) {
        const dm = await must(base, key, 'POST', `/v1/identities/${ids[i].id}/conversations/dm`, {
          peer: ids[(i + 1) % PER_TENANT].inboxId,
        });
        pairs.push({ key, route: `/v1/identities/${ids[i].id}/conversations/${dm.id}/messages` });
      }
    },
  );
  return pairs;
}

function newPhase(phases, name, concurrency) {
  const phase = {
    name,
    concurrency,
    seconds: 0,
    latencies: [],
    statuses: {},
    attempts: 0,
    sent: 0,
    sentAt: [],
    received: 0,
    lags: [],
    deliveredAfter: NaN,
  };
  phases.set(name, phase);
  return phase;
}

/** `phase.concurrency` closed-loop senders for `seconds`, round-robin over the pairs. */
async function runSenders(base, pairs, phase, seconds) {
  const deadline = Date.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: phase.concurrency }, async (_, worker) => {
      for (let i = worker; Date.now() < deadline && !interrupted(); i += phase.concurrency) {
        const pair = pairs[i % pairs.length];
        const t0 = performance.now();
        const status = await request(base, pair.key, 'POST', pair.route, {
          content: { type: 'text', text: `bench-load ${phase.name} ${i}` },
        })
          .then(async (res) => (await res.arrayBuffer(), res.status))
          .catch(() => 0);
        phase.latencies.push(performance.now() - t0);
        phase.statuses[status] = (phase.statuses[status] ?? 0) + 1;
        phase.attempts++;
        if (status === 201) {
          phase.sent++;
          phase.sentAt.push((performance.now() - started) / 1000);
        }
      }
    }),
  );
  phase.seconds = (performance.now() - started) / 1000;
  throwIfInterrupted();
}

/** Waits up to `graceSeconds` for the webhook to have received every message the phase sent. */
async function awaitDelivery(phase, graceSeconds) {
  const started = performance.now();
  while (phase.received < phase.sent && performance.now() - started < graceSeconds * 1000) {
    throwIfInterrupted();
    await sleep(100);
  }
  if (phase.received >= phase.sent) phase.deliveredAfter = (performance.now() - started) / 1000;
}

function summarisePhase(phase) {
  const latencies = sorted(phase.latencies);
  const lags = sorted(phase.lags);
  return {
    concurrency: phase.concurrency,
    seconds: phase.seconds,
    attempts: phase.attempts,
    sent: phase.sent,
    statuses: phase.statuses,
    throughput: phase.sent / phase.seconds,
    sentAt: phase.sentAt,
    errorRate: (phase.attempts - phase.sent) / Math.max(1, phase.attempts),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    received: phase.received,
    deliveredAfter: phase.deliveredAfter,
    lagP50: percentile(lags, 50),
    lagP99: percentile(lags, 99),
  };
}

/** A step passes when errors stay under 1 % and every message is delivered within the grace; it rises on ≥ 5 % more throughput. */
function judgeStep(step, previous) {
  const failures = [];
  if (!(step.errorRate < MAX_ERROR_RATE)) failures.push(`errors ${pct(step.errorRate)}`);
  if (step.received < step.sent)
    failures.push(`${step.sent - step.received} undelivered after ${STEP_GRACE_SECONDS} s`);
  const rise = previous ? step.throughput / previous.throughput - 1 : Infinity;
  return { ...step, passed: failures.length === 0, rise, rising: rise >= MIN_RISE, failures };
}

/** The smallest passing step within 5 % of the best passing throughput (more senders only add queueing). */
function chooseStep(steps) {
  const passing = steps.filter((s) => s.passed);
  if (passing.length === 0) return undefined;
  const best = Math.max(...passing.map((s) => s.throughput));
  return passing.find((s) => s.throughput * (1 + MIN_RISE) >= best);
}

async function searchConcurrency(base, pairs, phases) {
  const steps = [];
  for (const concurrency of STEPS) {
    const phase = newPhase(phases, `step${concurrency}`, concurrency);
    console.log(`step: ${concurrency} senders for ${STEP_SECONDS} s…`);
    await runSenders(base, pairs, phase, STEP_SECONDS);
    await awaitDelivery(phase, STEP_GRACE_SECONDS);
    const step = judgeStep(summarisePhase(phase), steps.at(-1));
    steps.push(step);
    console.log(
      `  ${step.throughput.toFixed(1)} msg/s, p50 ${ms(step.p50)} ms, p99 ${ms(step.p99)} ms, errors ${pct(step.errorRate)}, received ${step.received}/${step.sent}, lag p50 ${ms(step.lagP50)} ms`,
    );
    if (!step.passed || !step.rising) break;
  }
  return { steps, chosen: chooseStep(steps) };
}

/**
 * Autovacuum's default decisions, made every 30 s on the scratch database when the server does not make them (see the
 * header). stop() returns how many VACUUM and ANALYZE runs it made and the seconds they took.
 */
function startAutovacuumStandIn(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  const done = { vacuums: 0, analyzes: 0, seconds: 0 };
  let stopped = false;
  const pass = async () => {
    const { rows } = await client.query(
      `SELECT relname, n_live_tup, n_dead_tup, n_mod_since_analyze FROM pg_stat_user_tables`,
    );
    for (const t of rows) {
      const started = performance.now();
      const table = `"${t.relname.replace(/"/g, '""')}"`;
      if (Number(t.n_dead_tup) > 50 + 0.2 * Number(t.n_live_tup)) {
        await client.query(`VACUUM ${table}`);
        done.vacuums++;
      }
      if (Number(t.n_mod_since_analyze) > 50 + 0.1 * Number(t.n_live_tup)) {
        await client.query(`ANALYZE ${table}`);
        done.analyzes++;
      }
      done.seconds += (performance.now() - started) / 1000;
    }
  };
  const loop = (async () => {
    await client.connect();
    while (!stopped) {
      await pass().catch((error) => console.error(`autovacuum stand-in: ${error.message}`));
      for (let waited = 0; waited < AUTOVACUUM_NAP_MS && !stopped; waited += 500) await sleep(500);
    }
    await client.end();
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return done;
    },
  };
}

/** Loads at the main phase's concurrency until libxmtp's SQLite caches are full (see the header), at most the maximum. */
async function warmUp(base, pairs, phases, gateway, concurrency) {
  const limit = metric(await fetch(`${base}/metrics`).then((r) => r.text()), 'xmtp_sqlite_memory_limit_bytes');
  if (WARMUP_MAX_SECONDS <= 0 || !(limit > 0)) return { seconds: 0, limit, used: NaN, reached: false };
  console.log(`warm-up: ${concurrency} senders until SQLite holds ${mib(WARM_SQLITE_SHARE * limit)}…`);
  const phase = newPhase(phases, 'warmup', concurrency);
  const started = performance.now();
  let used = NaN;
  while ((performance.now() - started) / 1000 < WARMUP_MAX_SECONDS) {
    await runSenders(base, pairs, phase, WARMUP_ROUND_SECONDS);
    used = (await askGateway(gateway, { type: 'memory' }))?.sqliteMemory ?? NaN;
    console.log(
      `  ${((performance.now() - started) / 1000).toFixed(0)} s: SQLite holds ${mib(used)}; ${phase.sent} sent`,
    );
    if (used >= WARM_SQLITE_SHARE * limit) break;
  }
  await awaitDelivery(phase, STEP_GRACE_SECONDS);
  return { seconds: (performance.now() - started) / 1000, limit, used, reached: used >= WARM_SQLITE_SHARE * limit };
}

async function runMainPhase(base, pairs, phases, gateway, concurrency) {
  const gatewayPid = gateway.pid;
  const phase = newPhase(phases, 'main', concurrency);
  console.log(`main phase: ${concurrency} senders for ${SECONDS} s…`);
  await writeHeapSnapshot(gateway, 'main-start.heapsnapshot');
  const rss = startSampler(() => processMemoryDetail(gatewayPid).rss, RSS_SAMPLE_MS);
  let lastSent = 0;
  const memory = startMemorySampler(gateway, MEMORY_SAMPLE_MS, () => {
    const line = `${phase.sent} sent (+${phase.sent - lastSent})`;
    lastSent = phase.sent;
    return line;
  });
  const cpu0 = { gateway: processCpuSeconds(gatewayPid), bench: process.cpuUsage(), machine: machineCpuTicks() };
  const window = { fromUs: monotonicUs() };
  const minutes = startMinuteSampler(gatewayPid, () => phase.sent);
  await runSenders(base, pairs, phase, SECONDS);
  window.toUs = monotonicUs();
  const minuteSamples = minutes.stop();
  const cpu = {
    gateway: processCpuSeconds(gatewayPid) - cpu0.gateway,
    bench: Object.values(process.cpuUsage(cpu0.bench)).reduce((a, b) => a + b, 0) / 1e6,
    machine: ((m) => (m.busy - cpu0.machine.busy) / (m.total - cpu0.machine.total))(machineCpuTicks()),
  };
  const rssSamples = rss.stop();
  const memorySamples = await memory.stop();
  if (process.env.BENCH_LOAD_SAMPLES_FILE)
    writeFileSync(process.env.BENCH_LOAD_SAMPLES_FILE, JSON.stringify({ rss: rssSamples, memory: memorySamples }));
  await writeHeapSnapshot(gateway, 'main-end.heapsnapshot');
  const loadAfter = os.loadavg()[0];
  await awaitDelivery(phase, MAIN_GRACE_SECONDS);
  const metrics = await fetch(`${base}/metrics`)
    .then((r) => r.text())
    .catch(() => '');
  return {
    ...summarisePhase(phase),
    cpu,
    window,
    loadAfter,
    rssSamples,
    memorySamples,
    minuteSamples,
    rssAfterGrace: processMemoryDetail(gatewayPid).rss,
    liveClients: metric(metrics, 'xmtp_live_clients'),
  };
}

/**
 * Self time by function and by where the code lives, from a .cpuprofile, counting only samples inside the window.
 * The profile's timestamps and process.hrtime are both CLOCK_MONOTONIC, so the main phase's window applies directly.
 */
function summariseProfile(file, { fromUs, toUs }) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at < fromUs || at > toUs) continue;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map();
  const areas = new Map();
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id);
    const url = callFrame.url.replace(`file://${root}/`, '');
    const where = url ? `${url.split('/').slice(-2).join('/')}:${callFrame.lineNumber + 1}` : '';
    const key = `${callFrame.functionName || '(anonymous)'} ${where}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
    const area = !url
      ? callFrame.functionName
      : url.includes('node_modules/')
        ? `npm: ${url
            .split('node_modules/')
            .pop()
            .split('/')
            .slice(0, url.includes('node_modules/@') ? 2 : 1)
            .join('/')}`
        : url.startsWith('node:')
          ? 'Node core'
          : url.split('/').slice(0, 2).join('/');
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const top = (m, n) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => ({ name: k, pct: (100 * us) / total }));
  return {
    seconds: total / 1e6,
    functions: top(fns, 15),
    areas: top(areas, 12),
    socketWrites: top(socketWritesByCaller(profile, byId, self), 5),
  };
}

/** Native socket writes (`writev`/`writeBuffer`/`writeUtf8String`) by the first package or app file up their stacks. */
function socketWritesByCaller(profile, byId, self) {
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const callers = new Map();
  for (const [id, us] of self) {
    if (!['writev', 'writeBuffer', 'writeUtf8String'].includes(byId.get(id).callFrame.functionName)) continue;
    let caller = 'Node core only';
    for (let at = parent.get(id); at !== undefined; at = parent.get(at)) {
      const url = byId.get(at).callFrame.url;
      if (url.includes('node_modules/')) {
        caller = `npm: ${url
          .split('node_modules/')
          .pop()
          .split('/')
          .slice(0, url.includes('node_modules/@') ? 2 : 1)
          .join('/')}`;
        break;
      }
      if (url.startsWith('file://')) {
        caller = url.replace(`file://${root}/`, '').split('/').slice(0, 2).join('/');
        break;
      }
    }
    callers.set(caller, (callers.get(caller) ?? 0) + us);
  }
  return callers;
}

/**
 * The scratch database's cumulative counters: transactions (pg_stat_database) and the rows of Mailroom's own tables
 * (pg_stat_user_tables; catalog reads left out).
 */
async function databaseActivity(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()) AS transactions,
              sum(n_tup_ins) AS inserted, sum(n_tup_upd) AS updated, sum(n_tup_del) AS deleted,
              sum(seq_tup_read + coalesce(idx_tup_fetch, 0)) AS read, sum(seq_scan) AS "sequentialScans"
       FROM pg_stat_user_tables`,
    );
    return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
  } finally {
    await client.end();
  }
}

function activityPerMessage(before, after, messages) {
  return Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] - before[k]) / Math.max(1, messages)]));
}

function readProfile(profDir, window) {
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  return file ? summariseProfile(path.join(profDir, file), window) : undefined;
}

/** Setup, search and main phase against the scratch database; every process and server is stopped on the way out. */
async function run(databaseUrl, profDir) {
  const cleanups = [];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-load-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  try {
    const phases = new Map();
    const devnet = await startDevnet({ port: 0 });
    cleanups.push(() => devnet.stop());
    const receiver = await startReceiver(phases);
    cleanups.push(() => receiver.close());
    const gateway = spawnGateway({
      databaseUrl,
      devnetUrl: devnet.url,
      dataDir,
      nodeArgs: [
        ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-interval=${CPU_PROF_INTERVAL_US}`] : []),
        ...(GC_PROBE ? ['--expose-gc'] : []),
        ...NODE_ARGS,
        '--import',
        './bench/lib/memory-probe.mjs',
      ],
      // MALLOC_ARENA_MAX=2 as the Docker image and `npm start` run it (docs/operations.md, "Memory"); the bench's own
      // MALLOC_* settings override it.
      env: {
        XMTP_MAX_LIVE_CLIENTS: String(TENANTS * PER_TENANT + 10),
        MALLOC_ARENA_MAX: '2',
        ...FORWARDED_ENV,
        ...GATEWAY_ENV,
      },
      ipc: true,
    });
    cleanups.push(() => stopProcess(gateway));
    const base = await waitForReady(gateway, { signal: interrupt.signal });
    const sdkVersion = (await fetch(`${base}/readyz`).then((r) => r.json())).xmtpSdk ?? 'unknown';

    console.log(`setting up ${TENANTS} tenants × ${PER_TENANT} identities…`);
    const setupStarted = performance.now();
    const pairs = await setUp(base, receiver.url);
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    console.log(`set up in ${setupSeconds.toFixed(0)} s`);

    const autovacuum =
      AUTOVACUUM_STAND_IN && (await autovacuumSetting()) === 'off' ? startAutovacuumStandIn(databaseUrl) : undefined;
    cleanups.push(async () => autovacuum?.stop());
    const search = FIXED_CONCURRENCY ? { steps: [], chosen: undefined } : await searchConcurrency(base, pairs, phases);
    const concurrency = FIXED_CONCURRENCY ?? search.chosen?.concurrency ?? STEPS[0];
    const warmup = await warmUp(base, pairs, phases, gateway, concurrency);
    const activityBefore = await databaseActivity(databaseUrl);
    const main = await runMainPhase(base, pairs, phases, gateway, concurrency);
    main.warmup = warmup;
    // Busy backends report their counters at most once a second, idle ones after 10 s: wait for both.
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    main.database = activityPerMessage(activityBefore, await databaseActivity(databaseUrl), main.sent);
    const autovacuumStandIn = await autovacuum?.stop();
    return { setupSeconds, search, main, sdkVersion, autovacuumStandIn };
  } finally {
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((error) => console.error(`cleanup failed: ${error.message}`));
  }
}

function benchCommand(sdkVersion) {
  const knobs = Object.entries(process.env)
    .filter(([k]) => k.startsWith('BENCH_LOAD_') || k in FORWARDED_ENV)
    .map(([k, v]) => `${k}=${v} `);
  const patchedNode = sdkVersion.startsWith('6.') ? 'PATH=$PWD/.cache/glibc/bin:$PATH ' : '';
  return `${patchedNode}${knobs.sort().join('')}npm run bench:load`;
}

/** The gateway's SQLite connections per client: XMTP_DB_POOL_SIZE on SDK 6 (default 4), libxmtp's own on SDK 5.5. */
function poolSizeLine(sdkVersion) {
  const memory = `XMTP_SQLITE_MEMORY_MB=${GATEWAY_ENV.XMTP_SQLITE_MEMORY_MB ?? '256 (the default)'}: SQLite's soft heap limit for all clients; XMTP_SQLITE_MMAP_MB=${GATEWAY_ENV.XMTP_SQLITE_MMAP_MB ?? '0 (the default)'}: SQLite's memory-mapped I/O per connection`;
  if (!sdkVersion.startsWith('6.'))
    return `node-sdk 5.5 cannot bound libxmtp’s SQLite pool: up to 25 connections a client (XMTP_DB_POOL_SIZE needs SDK 6); ${memory}`;
  return `XMTP_DB_POOL_SIZE=${GATEWAY_ENV.XMTP_DB_POOL_SIZE ?? '4 (the default)'}: at most that many SQLite connections a client; ${memory}`;
}

function stepTable(steps, chosen) {
  const row = (s) => {
    const change = `${s.rise >= 0 ? '+' : ''}${(100 * s.rise).toFixed(0)} %`;
    const verdict = s.passed
      ? s === chosen
        ? '**chosen**'
        : s.rising
          ? 'pass'
          : `pass, ${change} only`
      : `fail: ${s.failures.join(', ')}`;
    const rise = Number.isFinite(s.rise) ? change : '';
    return `| ${s.concurrency} | ${s.throughput.toFixed(1)} | ${rise} | ${ms(s.p50)} / ${ms(s.p99)} | ${pct(s.errorRate)} | ${s.received} of ${s.sent} | ${ms(s.lagP50)} / ${ms(s.lagP99)} | ${verdict} |`;
  };
  return `| senders | messages/s | vs previous | send p50 / p99 (ms) | errors | received | event lag p50 / p99 (ms) | verdict |
| --- | --- | --- | --- | --- | --- | --- | --- |
${steps.map(row).join('\n')}`;
}

function searchSection({ steps, chosen }, concurrency) {
  if (FIXED_CONCURRENCY)
    return `The search was skipped: BENCH_LOAD_CONCURRENCY=${FIXED_CONCURRENCY} fixed the concurrency.`;
  const outcome = chosen
    ? `The main phase ran at **${concurrency} senders** (${chosen.throughput.toFixed(1)} messages/s in its step).`
    : `No step passed, so the main phase ran at the smallest step, ${concurrency} senders; read it as overload.`;
  return `**Search.** Closed-loop steps of ${STEP_SECONDS} s at ${STEPS.join(', ')} senders. A step is *sustainable* when its error rate is
under ${pct(MAX_ERROR_RATE)} and the webhook received every message it sent within ${STEP_GRACE_SECONDS} s of the step's end. The search
stops after the first step that is not sustainable or whose throughput rises less than ${(100 * MIN_RISE).toFixed(0)} % over the previous
step; the chosen concurrency is the smallest sustainable step within ${(100 * MIN_RISE).toFixed(0)} % of the best sustainable throughput
(more senders than that only queue). ${outcome}

${stepTable(steps, chosen)}`;
}

function rssLine(samples) {
  const values = samples.map((s) => s.value);
  const picks = [0, 0.25, 0.5, 0.75, 1].map((f) => samples[Math.round(f * (samples.length - 1))]);
  return {
    start: values[0],
    peak: Math.max(...values),
    end: values.at(-1),
    series: picks.map((s) => `${mib(s.value)} at ${s.at.toFixed(0)} s`).join(', '),
  };
}

/**
 * RSS split into what JS owns and the rest, and by kind of mapping, at the start and end of the phase, with each part's
 * slope after a minute.
 */
function memoryTable(samples) {
  if (samples.length < 2) return 'No memory samples (the gateway did not answer the probe).';
  const first = samples[0];
  const last = samples.at(-1);
  const parts = [
    ['RSS', 'rss'],
    ['anonymous (private) memory', 'anonymous'],
    ['V8 heap used', 'heapUsed'],
    ...(GC_PROBE
      ? [[`V8 heap used right after a full GC (every ${(GC_EVERY_SAMPLES * MEMORY_SAMPLE_MS) / 1000} s)`, 'liveHeap']]
      : []),
    ['V8 heap total', 'heapTotal'],
    ['external (C++ objects bound to JS, ArrayBuffers included)', 'external'],
    ['ArrayBuffers', 'arrayBuffers'],
    ['the rest: RSS − heap total − external (native: libxmtp, SQLite, malloc, code)', 'native'],
    ["of which libxmtp's SQLite holds (sqlite3_memory_used; XMTP_SQLITE_MEMORY_MB)", 'sqliteMemory'],
    ['RSS by mapping (/proc smaps): identity databases mapped by SQLite (XMTP_SQLITE_MMAP_MB)', 'databases'],
    ['… their WAL indexes (-shm)', 'walIndexes'],
    ["… malloc's main heap ([heap])", 'mallocHeap'],
    ['… other anonymous mappings (malloc arenas and large blocks, V8 pages, stacks)', 'otherAnonymous'],
    ['… other files (code)', 'otherFiles'],
  ];
  const rows = parts.map(([label, key]) => {
    const slope = memorySlope(samples, 60, key);
    const values = samples.filter((s) => Number.isFinite(s[key]));
    return `| ${label} | ${mib(values[0]?.[key])} | ${mib(values.at(-1)?.[key])} | ${Number.isFinite(slope) ? slope.toFixed(1) : 'n/a'} |`;
  });
  return `| part of the gateway's memory (every ${MEMORY_SAMPLE_MS / 1000} s; process.memoryUsage() + /proc) | start | end | slope after the first minute (MiB/min) |
| --- | --- | --- | --- |
${rows.join('\n')}
| OS threads | ${first.threads} | ${last.threads} | |
| SQLite connections to the identities' databases (XMTP_DB_POOL_SIZE) | ${first.sqliteConnections} | ${last.sqliteConnections} | |`;
}

/** Sends answered 201 per second in the first and in the last full minute of the phase. */
function minuteThroughputs(r) {
  if (r.seconds < 120) return undefined;
  const last = Math.floor(r.seconds) - 60;
  const count = (from) => r.sentAt.filter((t) => t >= from && t < from + 60).length / 60;
  return { first: count(0), last: count(last), trend: throughputTrend(r.sentAt, Math.floor(r.seconds)) };
}

/**
 * The least-squares line through the phase's sends per 10 s: its value at the end against its value at the start. One
 * minute against another carries this shared machine's minute-to-minute noise; the line shows a steady decay apart from it.
 */
function throughputTrend(sentAt, seconds) {
  const bins = Array.from({ length: Math.floor(seconds / 10) }, () => 0);
  for (const t of sentAt) if (t < bins.length * 10) bins[Math.floor(t / 10)]++;
  const n = bins.length;
  const mx = (n - 1) / 2;
  const my = bins.reduce((a, b) => a + b, 0) / n;
  const slope = bins.reduce((a, y, x) => a + (x - mx) * (y - my), 0) / bins.reduce((a, _, x) => a + (x - mx) ** 2, 0);
  const start = (my - slope * mx) / 10;
  const end = (my + slope * (n - 1 - mx)) / 10;
  return { start, end };
}

function warmupLine(w) {
  if (!w || w.seconds === 0)
    return Number.isFinite(w?.limit) && w.limit > 0
      ? 'none (BENCH_LOAD_WARMUP_MAX_SECONDS=0)'
      : 'none (no SQLite limit)';
  const held = `${mib(w.used)} of its ${mib(w.limit)} limit`;
  return w.reached
    ? `${w.seconds.toFixed(0)} s, until libxmtp's SQLite held ${held}`
    : `${w.seconds.toFixed(0)} s (the maximum): libxmtp's SQLite held ${held}, its caches not yet full`;
}

function mainTable(r) {
  const rss = rssLine(r.rssSamples);
  const slope = memorySlope(r.rssSamples, 60);
  const wholeSlope = memorySlope(r.rssSamples, 0);
  const secondHalfSlope = memorySlope(r.rssSamples, r.seconds / 2);
  const minutes = minuteThroughputs(r);
  const relative = relativeCost(r.minuteSamples);
  const perMinute = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} MiB/min` : 'n/a');
  return `| measure | value |
| --- | --- |
| warm-up before the phase (until SQLite's caches are full) | ${warmupLine(r.warmup)} |
| senders (closed loop) | ${r.concurrency} for ${r.seconds.toFixed(0)} s |
| sends answered 201 | ${r.sent} of ${r.attempts} (${r.throughput.toFixed(1)} messages/s) |
| send latency p50 / p99 | ${ms(r.p50)} / ${ms(r.p99)} ms |
| error rate | ${pct(r.errorRate)} (statuses ${JSON.stringify(r.statuses)}) |
| received (webhook \`message.received\`, unique) | ${r.received} of ${r.sent}${Number.isFinite(r.deliveredAfter) ? `, the last ${r.deliveredAfter.toFixed(1)} s after the phase ended` : ` within ${MAIN_GRACE_SECONDS} s of the end`} |
| event lag p50 / p99 (sent-at → webhook received) | ${ms(r.lagP50)} / ${ms(r.lagP99)} ms |
| gateway RSS start / peak / end | ${mib(rss.start)} / ${mib(rss.peak)} / ${mib(rss.end)} (${mib(r.rssAfterGrace)} after the grace; ${r.liveClients} live XMTP clients) |
| gateway RSS over the phase (every ${RSS_SAMPLE_MS / 1000} s, 0/25/50/75/100 %) | ${rss.series} |
| gateway RSS slope over the whole phase, after the warm-up (least squares) | ${perMinute(wholeSlope)} (target < 5) |
| gateway RSS slope after the phase's first minute / over its second half | ${perMinute(slope)} / ${perMinute(secondHalfSlope)} |
| throughput first / last minute | ${minutes ? `${minutes.first.toFixed(1)} / ${minutes.last.toFixed(1)} messages/s (${((100 * minutes.last) / minutes.first).toFixed(0)} %, target ≥ 95 %)` : 'n/a (phase under 2 minutes)'} |
| gateway CPU per message ÷ the bench process's (the host's speed taken out), first → last row of the per-minute table below | ${relative ? `${relative.first.toFixed(2)} → ${relative.last.toFixed(2)} (${((100 * relative.last) / relative.first).toFixed(0)} %)` : 'n/a'} |
| throughput trend: least-squares line through the sends per 10 s, at the phase's start → end | ${minutes ? `${minutes.trend.start.toFixed(1)} → ${minutes.trend.end.toFixed(1)} messages/s (${((100 * minutes.trend.end) / minutes.trend.start).toFixed(0)} %)` : 'n/a'} |
| gateway CPU (from /proc/<pid>/stat) | ${r.cpu.gateway.toFixed(1)} s = ${(r.cpu.gateway / r.seconds).toFixed(2)} cores |
| bench process CPU (load generator, devnet, webhook receiver) | ${r.cpu.bench.toFixed(1)} s = ${(r.cpu.bench / r.seconds).toFixed(2)} cores |
| whole machine busy | ${(100 * r.cpu.machine).toFixed(0)} % of ${os.cpus().length} cores |
| Postgres work per message (Mailroom's tables, backlog included) | ${r.database.transactions.toFixed(1)} transactions; rows ${r.database.inserted.toFixed(1)} inserted, ${r.database.updated.toFixed(1)} updated, ${r.database.deleted.toFixed(1)} deleted, ${r.database.read.toFixed(0)} read (${r.database.sequentialScans.toFixed(2)} sequential scans) |`;
}

function profileSection(profile) {
  if (!profile) return 'No CPU profile was written.';
  return `Where the gateway's CPU time went during the main phase (${profile.seconds.toFixed(0)} s of samples from \`--cpu-prof\`, one every ${CPU_PROF_INTERVAL_US / 1000} ms, cut to the
main phase's window; self time, \`(idle)\` included; the profiler itself costs a few %):

| area | share |
| --- | --- |
${profile.areas.map((a) => `| ${a.name} | ${a.pct.toFixed(1)} % |`).join('\n')}

| top functions (self time) | share |
| --- | --- |
${profile.functions.map((f) => `| \`${f.name.replace(/\|/g, '\\|')}\` | ${f.pct.toFixed(1)} % |`).join('\n')}

| socket writes (\`writev\`, \`writeBuffer\`, \`writeUtf8String\`) by the package that wrote | share of all CPU |
| --- | --- |
${profile.socketWrites.map((w) => `| ${w.name} | ${w.pct.toFixed(1)} % |`).join('\n')}`;
}

/** Per minute of the main phase: messages, CPU per message (ms) by part, machine busy share and the probe. */
function minuteRows(samples) {
  return samples.slice(1).map((b, i) => {
    const a = samples[i];
    const sent = Math.max(1, b.sent - a.sent);
    const perMessage = (key) => (1000 * (b[key] - a[key])) / sent;
    return {
      perSecond: sent / 60,
      gateway: perMessage('gateway'),
      postgres: perMessage('postgres'),
      bench: perMessage('bench'),
      relative: perMessage('gateway') / perMessage('bench'),
      busy: (100 * (b.machineBusy - a.machineBusy)) / Math.max(1, b.machineTotal - a.machineTotal),
      probeMs: b.probeMs,
    };
  });
}

/** The gateway's CPU per message over the bench process's, in the first and in the last minute of the phase. */
function relativeCost(samples) {
  const minutes = minuteRows(samples);
  if (minutes.length < 2) return undefined;
  return { first: minutes[0].relative, last: minutes.at(-1).relative };
}

/** Per minute of the main phase: throughput, and CPU per message of the gateway, its Postgres and the bench process. */
function minuteTable(samples) {
  const rows = minuteRows(samples).map(
    (m, i) =>
      `| ${i + 1} | ${m.perSecond.toFixed(1)} | ${m.gateway.toFixed(2)} | ${m.postgres.toFixed(2)} | ${m.bench.toFixed(2)} | ${m.relative.toFixed(2)} | ${m.busy.toFixed(0)} % | ${m.probeMs.toFixed(0)} |`,
  );
  if (rows.length === 0) return '';
  return `Per minute (the probe: CPU milliseconds a fresh process needs for a fixed piece of JSON and SHA-256 work at the minute's end; it rises when the shared host slows down). The bench process does the same work for every message all run long (the devnet stores and serves it, the load generator sends it, the receiver takes its webhook), so its CPU per message follows the host's speed minute by minute under the same load; the gateway's CPU per message divided by it stays flat when only the host's speed changes and rises when the gateway's own cost per message grows:

| minute of the main phase | messages/s | gateway CPU per message (ms) | its Postgres backends (ms) | bench process: load, devnet, receiver (ms) | gateway ÷ bench process | machine busy | probe (ms) |
| --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}`;
}

function autovacuumLine(autovacuum, standIn) {
  if (autovacuum !== 'off') return `Postgres autovacuum: ${autovacuum}.`;
  if (!standIn)
    return 'Postgres autovacuum: off on this server (its configuration turns it off), and no stand-in (BENCH_LOAD_AUTOVACUUM=0): dead row versions pile up and prepared statements keep the plans made while the tables were empty, which production Postgres (autovacuum on) does not do.';
  return `Postgres autovacuum: off on this server (its configuration turns it off); the bench stood in for it with autovacuum's default thresholds every ${AUTOVACUUM_NAP_MS / 1000} s (${standIn.vacuums} VACUUM and ${standIn.analyzes} ANALYZE runs, ${standIn.seconds.toFixed(1)} s in all, from the start of setup).`;
}

function renderReport({ setupSeconds, search, main, sdkVersion, autovacuumStandIn }, profile, loadBefore, autovacuum) {
  return `## Load on @xmtp/node-sdk ${sdkVersion} (\`npm run bench:load\`)

\`${benchCommand(sdkVersion)}\` (after \`npm run build\`), ${new Date().toISOString().slice(0, 10)}. Machine: ${machineLine()}.
1-minute load average ${loadBefore.toFixed(2)} before the run, ${main.loadAfter.toFixed(2)} at the end of the main phase.
${autovacuumLine(autovacuum, autovacuumStandIn)}

${TENANTS * PER_TENANT} hosted identities across ${TENANTS} tenants, each sending to the next identity of its tenant (hosted to hosted, so every
send is a receive too, delivered to the tenant's webhook). Setup (tenants, identities, DMs) took ${setupSeconds.toFixed(0)} s. The gateway runs as
one process${CPU_PROF ? ' under `--cpu-prof`' : ''}, on Postgres and Redis, with the devnet, the load generator and the webhook receiver in the bench
process. The gateway runs as production does: \`MALLOC_ARENA_MAX=${FORWARDED_ENV.MALLOC_ARENA_MAX ?? 2}\` (the Docker image and \`npm start\`) and V8's heap
growth bounded at start (\`--heap-growing-percent=50\`, apps/gateway/src/heap-growth.ts); ${poolSizeLine(sdkVersion)}. **Caveat:** all of these share the machine's ${os.cpus().length} cores, so the load generator and devnet compete with the gateway
for CPU; the numbers are what this box sustains end to end, a floor for the gateway alone.

${searchSection(search, main.concurrency)}

**Main phase** at ${main.concurrency} senders:

${mainTable(main)}

${memoryTable(main.memorySamples)}

${minuteTable(main.minuteSamples)}

${profileSection(profile)}
`;
}

const loadBefore = os.loadavg()[0];
const profDir = mkdtempSync(path.join(os.tmpdir(), 'bench-load-prof-'));
try {
  const result = await withScratchDatabase(BENCH_DATABASE, (databaseUrl) => run(databaseUrl, profDir));
  const md = renderReport(result, readProfile(profDir, result.main.window), loadBefore, await autovacuumSetting());
  console.log(md);
  if (WRITE) await writeSection(result.sdkVersion.startsWith('6.') ? 'load-sdk6' : 'load', md);
} finally {
  rmSync(profDir, { recursive: true, force: true });
}
