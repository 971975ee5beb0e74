// npm run build && node bench/webhooks.mjs — throughput and latency of the Postgres webhook outbox: events enqueued
// through WebhookOutbox, claimed with FOR UPDATE SKIP LOCKED, signed and POSTed by the gateway's dispatcher to a local
// receiver answering 200 at once. Writes the "webhooks" section of docs/benchmarks.md.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@mailroom/config';
import {
  deployMigrations,
  DEFAULT_MIGRATIONS_DIR,
  dropDatabase,
  ensureDatabase,
  tenantScope,
  withDatabase,
} from '@mailroom/persistence';
import { startGateway } from '../apps/gateway/dist/index.js';
import { WebhookOutbox } from '../apps/gateway/dist/modules/webhooks/index.js';
import { machineLine, percentile, writeSection } from './lib/report.mjs';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const BURST = env('BENCH_WEBHOOKS_BURST', 5000);
const LATENCY_EVENTS = env('BENCH_WEBHOOKS_LATENCY_EVENTS', 500);
const LATENCY_RATE = env('BENCH_WEBHOOKS_LATENCY_RATE', 50);
const ENDPOINTS = env('BENCH_WEBHOOKS_ENDPOINTS', 8);
const SERVER = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const CONFIGS = [
  { concurrency: 16, endpointConcurrency: 4 },
  { concurrency: 64, endpointConcurrency: 8 },
];

const sorted = (v) => [...v].sort((a, b) => a - b);
const ms = (v) => v.toFixed(1);

function startReceiver() {
  const arrivals = new Map();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = req.headers['mailroom-event-id'];
      if (!arrivals.has(id)) arrivals.set(id, performance.now());
      res.writeHead(200).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, arrivals, url: `http://127.0.0.1:${server.address().port}/hook` }),
    ),
  );
}

async function post(base, path, body, token) {
  const res = await fetch(new URL(path, base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

function events(tenantId, count) {
  return Array.from({ length: count }, (_, i) => ({
    id: `msg_${randomUUID()}`,
    type: 'message.received',
    createdAt: new Date().toISOString(),
    tenantId,
    identityId: 'bench',
    data: { sequence: i, text: 'x'.repeat(200) },
  }));
}

async function waitFor(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function run(settings) {
  const databaseUrl = withDatabase(SERVER, `bench_webhooks_${randomUUID().slice(0, 8)}`);
  await ensureDatabase(databaseUrl);
  await deployMigrations({ databaseUrl, migrationsDir: DEFAULT_MIGRATIONS_DIR });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-webhooks-'));
  const receiver = await startReceiver();
  const gateway = await startGateway(
    loadConfig({
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'error',
      XMTP_API_URL: 'http://127.0.0.1:1',
      OUTBOUND_ALLOWLIST: '127.0.0.1',
      WEBHOOK_CONCURRENCY: String(settings.concurrency),
      WEBHOOK_ENDPOINT_CONCURRENCY: String(settings.endpointConcurrency),
    }),
    { log: { info() {}, warn() {}, error() {} } },
  );
  try {
    const signup = await post(gateway.url, '/v1/admin/signup', {
      tenantName: 'bench',
      email: `bench-${randomUUID()}@b.test`,
      password: 'bench-password-123',
    });
    const token = signup.accessToken;
    for (let i = 0; i < ENDPOINTS; i++)
      await post(gateway.url, '/v1/webhooks', { url: `${receiver.url}?e=${i}`, events: ['message.received'] }, token);
    const scope = tenantScope(signup.tenant.id);
    const outbox = gateway.app.get(WebhookOutbox);

    // Burst: every event fans out to every endpoint; deliveries/s from the first enqueue to the last arrival.
    const burst = events(signup.tenant.id, BURST / ENDPOINTS);
    const t0 = performance.now();
    for (let i = 0; i < burst.length; i += 100) await outbox.enqueue(scope, burst.slice(i, i + 100));
    const enqueued = performance.now();
    await waitFor(() => receiver.arrivals.size === burst.length, 300_000);
    // arrivals is per event id; wait for every endpoint's copy through the database.
    const prisma = gateway.runtime.prisma;
    for (;;) {
      const done = await prisma.webhookDelivery.count({ where: { tenantId: signup.tenant.id, status: 'succeeded' } });
      if (done === BURST) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const drained = performance.now();
    const throughput = BURST / ((drained - t0) / 1000);
    const enqueueRate = BURST / ((enqueued - t0) / 1000);

    // Latency: one event at a time at a steady rate to one endpoint (another tenant), enqueue call start → arrival.
    receiver.arrivals.clear();
    const single = await post(gateway.url, '/v1/admin/signup', {
      tenantName: 'bench-1',
      email: `bench-${randomUUID()}@b.test`,
      password: 'bench-password-123',
    });
    await post(gateway.url, '/v1/webhooks', { url: receiver.url, events: ['message.received'] }, single.accessToken);
    const singleScope = tenantScope(single.tenant.id);
    const paced = events(single.tenant.id, LATENCY_EVENTS);
    const started = new Map();
    for (const event of paced) {
      started.set(event.id, performance.now());
      await outbox.enqueue(singleScope, event);
      await new Promise((r) => setTimeout(r, 1000 / LATENCY_RATE));
    }
    await waitFor(() => paced.every((e) => receiver.arrivals.has(e.id)), 60_000);
    const latencies = sorted(paced.map((e) => receiver.arrivals.get(e.id) - started.get(e.id)));
    return { settings, throughput, enqueueRate, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    await gateway.stop();
    receiver.server.close();
    rmSync(dataDir, { recursive: true, force: true });
    await dropDatabase(databaseUrl);
  }
}

const results = [];
for (const settings of CONFIGS) {
  const result = await run(settings);
  console.log(JSON.stringify(result));
  results.push(result);
}

await writeSection(
  'webhooks',
  `## Webhooks: Postgres outbox (\`node bench/webhooks.mjs\`)

${machineLine()}. One gateway process, Postgres 127.0.0.1, a local receiver answering 200 at once, ${ENDPOINTS} endpoints.
Burst: ${BURST} deliveries (${BURST / ENDPOINTS} events × ${ENDPOINTS} endpoints) enqueued 100 events per call; throughput counts
from the first enqueue to the last delivery recorded as succeeded (per batch one claim statement and one endpoint read; per
delivery one signed POST and one statement recording the success). Latency: ${LATENCY_EVENTS} single events at ${LATENCY_RATE}/s to one endpoint, from the enqueue
call to the request at the receiver. Load average during the run: ${os.loadavg()[0].toFixed(1)} (other work shared the machine).

| global / per-endpoint concurrency | enqueue (deliveries/s) | delivered (deliveries/s) | latency p50 (ms) | latency p99 (ms) |
| --- | --- | --- | --- | --- |
${results.map((r) => `| ${r.settings.concurrency} / ${r.settings.endpointConcurrency} | ${Math.round(r.enqueueRate)} | ${Math.round(r.throughput)} | ${ms(r.p50)} | ${ms(r.p99)} |`).join('\n')}


Why rows in Postgres rather than BullMQ on Redis: the event pipeline can write its cursor and the deliveries in one
transaction (an outbox; BullMQ cannot join a Postgres transaction, so a crash between the two loses or duplicates
events), a Redis restart cannot lose or repeat a delivery (the outbox does not use Redis), several replicas share
the work with \`FOR UPDATE SKIP LOCKED\` without a second durable store, and the delivery log is a query. The rate above,
measured on a loaded 2-core machine, is far beyond what one XMTP identity produces (the SDK's own limit is 3,000 writes
per 5 minutes per client); BullMQ was not measured here.
`,
);
process.exit(0);
