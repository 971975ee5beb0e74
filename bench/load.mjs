// npm run bench:load — 100 hosted identities across 10 tenants, each sending to a peer identity of its tenant
// (hosted to hosted, so every send is also a receive on the other side, delivered to the tenant's webhook) for
// BENCH_LOAD_SECONDS (default 120, the issue asks up to 300) with BENCH_LOAD_CONCURRENCY closed-loop senders.
// The gateway runs as its own process with --cpu-prof on a devnet in this process; needs `npm run build`.
// Reports throughput, p50/p99 send latency, error rate, gateway RSS, event lag (sent-at → webhook received) and
// where the gateway's CPU time went.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startDevnet } from '@mailroom/devnet';
import { machineLine, percentile, writeSection } from './lib/report.mjs';

const TENANTS = Number(process.env.BENCH_LOAD_TENANTS ?? 10);
const PER_TENANT = Number(process.env.BENCH_LOAD_IDENTITIES_PER_TENANT ?? 10);
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 120);
const CONCURRENCY = Number(process.env.BENCH_LOAD_CONCURRENCY ?? 16);
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const sorted = (v) => [...v].sort((a, b) => a - b);
const ms = (v) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Counts webhook requests and the lag from each message's sent-at to its arrival here. */
function startReceiver() {
  const lags = [];
  const seen = new Set();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.writeHead(200).end();
      try {
        const event = JSON.parse(body);
        if (event.type === 'message.received' && !seen.has(event.id)) {
          seen.add(event.id);
          lags.push(Date.now() - Date.parse(event.createdAt));
        }
      } catch {}
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, lags, seen, url: `http://127.0.0.1:${server.address().port}/hook` })));
}

async function call(base, credential, method, route, body) {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: { authorization: `Bearer ${credential}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function must(promise, what) {
  const r = await promise;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function pool(items, concurrency, work) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i], i);
    }
  }));
}

function metric(text, name, labels = '') {
  const line = text.split('\n').find((l) => l.startsWith(name) && l.includes(labels) && !l.startsWith('#'));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}

/** Self time by function and by where the code lives, from a .cpuprofile. */
function summariseProfile(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map();
  const areas = new Map();
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id);
    const url = callFrame.url.replace(`file://${root}/`, '');
    const where = url ? `${url.split('/').slice(-2).join('/')}:${callFrame.lineNumber + 1}` : '';
    const key = `${callFrame.functionName || '(anonymous)'} ${where}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
    const area = !url ? callFrame.functionName : url.includes('node_modules/') ? `npm: ${url.split('node_modules/').pop().split('/').slice(0, url.includes('node_modules/@') ? 2 : 1).join('/')}` : url.startsWith('node:') ? 'Node core' : url.split('/').slice(0, 2).join('/');
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => ({ name: k, pct: (100 * us) / total }));
  return { seconds: total / 1e6, functions: top(fns, 15), areas: top(areas, 12) };
}

const dbName = `bench_load_${process.pid}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const dbUrl = new URL(ADMIN_URL);
dbUrl.pathname = `/${dbName}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-load-'));
const profDir = mkdtempSync(path.join(os.tmpdir(), 'bench-load-prof-'));
const devnet = await startDevnet({ port: 0 });
const receiver = await startReceiver();
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const gateway = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, 'apps/gateway/dist/main.js'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: {
    PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port),
    DATA_DIR: dataDir, DATABASE_URL: dbUrl.toString(), REDIS_URL, XMTP_API_URL: devnet.url,
    GATEWAY_MASTER_KEY: randomBytes(32).toString('hex'), JWT_SECRET: randomBytes(32).toString('hex'),
    OUTBOUND_ALLOWLIST: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_TENANT_PER_MINUTE: '10000000',
    XMTP_MAX_LIVE_CLIENTS: String(TENANTS * PER_TENANT + 10),
  },
});
await new Promise((resolve, reject) => {
  let out = '';
  gateway.stdout.on('data', (c) => { out += c; if (out.includes('Mailroom gateway is ready')) resolve(); });
  gateway.once('exit', (code) => reject(new Error(`gateway exited ${code}`)));
});

let report;
try {
  console.log(`setting up ${TENANTS} tenants × ${PER_TENANT} identities…`);
  const setupStarted = performance.now();
  const pairs = [];
  await pool(Array.from({ length: TENANTS }, (_, t) => t), 2, async (t) => {
    const signup = await must(call(base, '', 'POST', '/v1/admin/signup', { tenantName: `load ${t}`, email: `load-${t}-${process.pid}@bench.test`, password: 'bench-password-123' }), 'signup');
    const key = (await must(call(base, signup.accessToken, 'POST', '/v1/api-keys', { name: 'load' }), 'key')).key;
    await must(call(base, key, 'POST', '/v1/webhooks', { url: receiver.url, events: ['message.received'] }), 'webhook');
    const ids = [];
    for (let i = 0; i < PER_TENANT; i++) ids.push(await must(call(base, key, 'POST', '/v1/identities', { label: `load ${t}.${i}` }), 'identity'));
    for (let i = 0; i < PER_TENANT; i++) {
      const to = ids[(i + 1) % PER_TENANT];
      const dm = await must(call(base, key, 'POST', `/v1/identities/${ids[i].id}/conversations/dm`, { peer: to.inboxId }), 'dm');
      pairs.push({ key, route: `/v1/identities/${ids[i].id}/conversations/${dm.id}/messages` });
    }
  });
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  console.log(`set up in ${setupSeconds.toFixed(0)} s; sending for ${SECONDS} s with ${CONCURRENCY} senders…`);

  const latencies = [];
  const statuses = {};
  let sent = 0;
  let rssPeak = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const rssTimer = setInterval(async () => {
    const text = await (await fetch(`${base}/metrics`)).text().catch(() => '');
    rssPeak = Math.max(rssPeak, metric(text, 'process_resident_memory_bytes') || 0);
  }, 5_000);
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async (_, w) => {
    for (let i = w; Date.now() < deadline; i += CONCURRENCY) {
      const pair = pairs[i % pairs.length];
      const t0 = performance.now();
      const r = await call(base, pair.key, 'POST', pair.route, { content: { type: 'text', text: `load ${i}` } }).catch(() => ({ status: 0 }));
      latencies.push(performance.now() - t0);
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.status === 201) sent++;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(rssTimer);
  // Deliveries still in flight get a grace period.
  const graceEnd = Date.now() + 30_000;
  while (receiver.seen.size < sent && Date.now() < graceEnd) await new Promise((r) => setTimeout(r, 500));
  const text = await (await fetch(`${base}/metrics`)).text();
  const total = latencies.length;
  const errors = total - (statuses[201] ?? 0);
  const lag = sorted(receiver.lags);
  report = {
    setupSeconds, seconds, total, sent, statuses, errors, throughput: sent / seconds,
    p50: percentile(sorted(latencies), 50), p99: percentile(sorted(latencies), 99),
    rssPeak, rssEnd: metric(text, 'process_resident_memory_bytes'), liveClients: metric(text, 'xmtp_live_clients'),
    received: receiver.seen.size, lagP50: percentile(lag, 50), lagP99: percentile(lag, 99),
  };
} finally {
  gateway.kill('SIGTERM');
  await new Promise((r) => gateway.once('exit', r));
  await devnet.stop();
  receiver.server.close();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
}

const profileFile = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
const profile = profileFile ? summariseProfile(path.join(profDir, profileFile)) : undefined;
rmSync(profDir, { recursive: true, force: true });
const r = report;
const mib = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const md = `## Load (\`npm run bench:load\`)

${TENANTS * PER_TENANT} hosted identities across ${TENANTS} tenants, each sending to the next identity of its tenant (hosted to hosted, so every
send is a receive too, delivered to the tenant's webhook). ${CONCURRENCY} closed-loop senders for ${r.seconds.toFixed(0)} s. The gateway runs as one
process with \`--cpu-prof\`, on Postgres, Redis and a devnet in the bench process. Machine: ${machineLine()}. The machine was shared
with other work while this ran, so read the numbers as a floor.

| measure | value |
| --- | --- |
| setup (tenants, identities, DMs) | ${r.setupSeconds.toFixed(0)} s |
| sends answered 201 | ${r.sent} of ${r.total} (${r.throughput.toFixed(1)} messages/s) |
| send latency p50 / p99 | ${ms(r.p50)} / ${ms(r.p99)} ms |
| error rate | ${((100 * r.errors) / Math.max(1, r.total)).toFixed(2)} % (statuses ${JSON.stringify(r.statuses)}) |
| received (webhook \`message.received\`, unique) | ${r.received} of ${r.sent} |
| event lag p50 / p99 (sent-at → webhook received) | ${ms(r.lagP50)} / ${ms(r.lagP99)} ms |
| gateway RSS peak / end | ${mib(r.rssPeak)} / ${mib(r.rssEnd)} (${r.liveClients} live XMTP clients) |

${profile ? `Where the gateway's CPU time went (${profile.seconds.toFixed(0)} s sampled over the whole run, setup included; self time):

| area | share |
| --- | --- |
${profile.areas.map((a) => `| ${a.name} | ${a.pct.toFixed(1)} % |`).join('\n')}

| top functions (self time) | share |
| --- | --- |
${profile.functions.map((f) => `| \`${f.name.replace(/\|/g, '\\|')}\` | ${f.pct.toFixed(1)} % |`).join('\n')}
` : 'No CPU profile was written.'}`;
console.log(md);
await writeSection('load', md);
