// npm run bench:realtime — delivery latency from a peer's send to (a) a raw SDK stream on this machine, (b) GraphQL
// subscribers over graphql-ws, (c) a webhook receiver, with 1, 100 and 1,000 connected subscribers; then the rotating
// webhook sweep: one full pass over many identities with a small live pool (most of them evicted). Needs
// `npm run build`, Postgres and Redis (REDIS_URL, default redis://127.0.0.1:6379).
import http from 'node:http';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { ConsentState } from '@mailroom/xmtp';
import { createTestClients } from '@mailroom/xmtp/testing';
import { StreamSupervisor, WebhookSweep } from '../apps/gateway/dist/modules/realtime/index.js';
import { startBenchGateway } from './lib/bench-gateway.mjs';
import { GraphqlWebsocketServer } from '../apps/gateway/dist/modules/graphql/ws/graphql-websocket-server.js';
import { machineLine, percentile, writeSection } from './lib/report.mjs';
import { readJson, withScratchDatabase } from './lib/scratch-database.mjs';

const SUBSCRIBERS = (process.env.BENCH_REALTIME_SUBSCRIBERS ?? '1,100,1000').split(',').map(Number);
const MESSAGES = Number(process.env.BENCH_REALTIME_MESSAGES ?? 40);
const SWEEP_IDENTITIES = Number(process.env.BENCH_REALTIME_SWEEP_IDENTITIES ?? 200);
const SWEEP_LIVE = 20;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const sorted = (values) => [...values].sort((a, b) => a - b);
const stats = (values) => ({
  p50: percentile(sorted(values), 50),
  p99: percentile(sorted(values), 99),
  n: values.length,
});
const f = (v) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const json = readJson;

/** A webhook endpoint that records when each event id first arrived. */
async function receiver() {
  const arrivals = new Map();
  const server = http.createServer((req, res) => {
    const id = req.headers['mailroom-event-id'];
    if (id && !arrivals.has(id)) arrivals.set(id, performance.now());
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    arrivals,
    url: `http://127.0.0.1:${server.address().port}/hook`,
    close: () => new Promise((r) => server.close(r)),
  };
}

async function startGatewayWithKey(DATABASE_URL, extra = {}) {
  const { gateway, close } = await startBenchGateway(DATABASE_URL, {
    REDIS_URL,
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    WEBHOOK_POLL_INTERVAL_MS: '200',
    ...extra,
  });
  // One key opens up to 1,000 sockets here; the per-credential socket cap (20) protects production replicas.
  gateway.app.get(GraphqlWebsocketServer).configure({ maxSocketsPerCredential: 10_000 });
  const api = async (method, p, body, credential) =>
    json(
      await fetch(`${gateway.url}${p}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(credential ? { authorization: `Bearer ${credential}` } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      }),
    );
  const signup = await api('POST', '/v1/admin/signup', {
    tenantName: 'bench',
    email: `bench-${process.pid}-${Date.now()}@bench.test`,
    password: 'bench-password-123',
  });
  const { key } = await api('POST', '/v1/api-keys', { name: 'bench' }, signup.accessToken);
  return { gateway, api, key, close };
}

async function latencyRun(DATABASE_URL) {
  const { gateway, api, key, close } = await startGatewayWithKey(DATABASE_URL);
  const hook = await receiver();
  const peers = await createTestClients(gateway.runtime.xmtp.apiUrl, 2);
  const rows = [];
  try {
    await api('POST', '/v1/webhooks', { url: hook.url, events: ['message.received'] }, key);
    const identity = await api('POST', '/v1/identities', { label: 'bench' }, key);
    const [sender, raw] = peers.clients;
    const group = await sender.client.conversations.createGroup([identity.inboxId, raw.inboxId]);
    // (a) a raw SDK stream: another member of the same group, on this machine.
    await raw.client.conversations.sync();
    const rawArrivals = new Map();
    const rawStream = await raw.client.conversations.streamAllMessages({
      consentStates: [ConsentState.Allowed, ConsentState.Unknown],
    });
    void (async () => {
      for await (const m of rawStream) if (m && !rawArrivals.has(m.id)) rawArrivals.set(m.id, performance.now());
    })();
    const supervisor = gateway.app.get(StreamSupervisor);
    const warm = await group.sendText('warm-up');
    for (let i = 0; i < 200 && !(hook.arrivals.has(warm) && supervisor.isLive(identity.id)); i++) await sleep(100);

    const sockets = [];
    const gqlArrivals = []; // per subscriber: Map id → time
    try {
      for (const count of SUBSCRIBERS) {
        while (sockets.length < count) {
          const socket = createClient({
            url: gateway.url.replace(/^http/, 'ws') + '/graphql',
            webSocketImpl: WebSocket,
            connectionParams: { authorization: `Bearer ${key}` },
            retryAttempts: 0,
          });
          const arrivals = new Map();
          socket.subscribe(
            {
              query: 'subscription ($id: ID!) { messageReceived(identityId: $id) { id } }',
              variables: { id: identity.id },
            },
            {
              next: (r) => {
                const id = r.data?.messageReceived?.id;
                if (id && !arrivals.has(id)) arrivals.set(id, performance.now());
              },
              error: (e) => console.error('subscription error', e),
              complete: () => {},
            },
          );
          sockets.push(socket);
          gqlArrivals.push(arrivals);
        }
        // Wait until every subscriber is live: a probe message must reach all of them.
        for (;;) {
          const probe = await group.sendText('probe');
          await sleep(500);
          if (gqlArrivals.every((a) => a.has(probe))) break;
        }
        const sent = [];
        for (let i = 0; i < MESSAGES; i++) {
          const t0 = performance.now();
          const id = await group.sendText(`bench ${count} ${i}`);
          sent.push({ id, t0 });
          await sleep(60);
        }
        await sleep(2_000);
        const rawLat = sent.filter((s) => rawArrivals.has(s.id)).map((s) => rawArrivals.get(s.id) - s.t0);
        const firstSub = sent.filter((s) => gqlArrivals[0].has(s.id)).map((s) => gqlArrivals[0].get(s.id) - s.t0);
        const allSubs = sent.flatMap((s) => gqlArrivals.filter((a) => a.has(s.id)).map((a) => a.get(s.id) - s.t0));
        const hookLat = sent.filter((s) => hook.arrivals.has(s.id)).map((s) => hook.arrivals.get(s.id) - s.t0);
        const expectedDeliveries = MESSAGES * count;
        rows.push({
          count,
          raw: stats(rawLat),
          first: stats(firstSub),
          all: stats(allSubs),
          hook: stats(hookLat),
          delivered: allSubs.length,
          expectedDeliveries,
        });
        console.log(JSON.stringify(rows.at(-1)));
      }
    } finally {
      await Promise.all(sockets.map((s) => s.dispose()));
      await rawStream.end();
    }
  } finally {
    await peers.cleanup();
    await hook.close();
    await close();
  }
  return rows;
}

async function sweepRun(DATABASE_URL) {
  const { gateway, api, key, close } = await startGatewayWithKey(DATABASE_URL, {
    XMTP_MAX_LIVE_CLIENTS: String(SWEEP_LIVE),
    EVENT_SWEEP_PAUSE_MS: '1000',
  });
  const hook = await receiver();
  try {
    const created = [];
    for (let i = 0; i < SWEEP_IDENTITIES; i++)
      created.push(await api('POST', '/v1/identities', { label: `sweep ${i}` }, key));
    await api('POST', '/v1/webhooks', { url: hook.url, events: ['message.received'] }, key);
    const sweep = gateway.app.get(WebhookSweep);
    const settings = gateway.runtime.config.events;
    // The first pass sees the new webhook's identities for the first time (cursors created); the second is steady.
    const passes = [];
    for (let i = 0; i < 3; i++) passes.push(await sweep.nextPass());
    const full = passes.filter((p) => p.identities === SWEEP_IDENTITIES);
    return { passes: full, settings, live: SWEEP_LIVE, pool: gateway.runtime.pool.stats() };
  } finally {
    await hook.close();
    await close();
  }
}

{
  const latency = await withScratchDatabase(`bench_realtime_latency_${process.pid}`, latencyRun);
  const sweep = await withScratchDatabase(`bench_realtime_sweep_${process.pid}`, sweepRun);
  const steady = sweep.passes.at(-1);
  const perIdentityMs = steady ? steady.durationMs / steady.identities : NaN;
  const batches = Math.ceil(10_000 / sweep.settings.sweepBatch);
  const projected = steady ? (perIdentityMs * 10_000) / 1000 : NaN;
  const table = latency
    .map(
      (r) =>
        `| ${r.count} | ${f(r.raw.p50)} / ${f(r.raw.p99)} | ${f(r.first.p50)} / ${f(r.first.p99)} | ${f(r.all.p50)} / ${f(r.all.p99)} | ${f(r.hook.p50)} / ${f(r.hook.p99)} | ${f(r.first.p50 - r.raw.p50)} | ${r.delivered} of ${r.expectedDeliveries} |`,
    )
    .join('\n');
  const passes = sweep.passes
    .map(
      (p) =>
        `${p.identities} identities in ${(p.durationMs / 1000).toFixed(1)} s (caught up ${p.caughtUp}, elsewhere ${p.elsewhere}, failed ${p.failed})`,
    )
    .join('; ');
  await writeSection(
    'realtime',
    `## Realtime delivery (\`npm run bench:realtime\`)

${machineLine()}. One gateway process (Redis bus, Postgres outbox, in-process devnet), the benchmark's SDK peers and
all graphql-ws sockets in the same process, so the 2 cores are shared by everything. A peer sends ${MESSAGES} group messages
per row, 60 ms apart, to a group of the hosted identity and a second SDK client; latencies are milliseconds from before
\`sendText\` to arrival at: (a) the second client's raw \`streamAllMessages\`, (b) graphql-ws subscribers of
\`messageReceived\` (first subscriber, and every delivery to every subscriber), (c) a local webhook receiver.

| subscribers | (a) raw SDK stream p50 / p99 | (b) first subscriber p50 / p99 | (b) all subscribers p50 / p99 | (c) webhook p50 / p99 | (b) − (a) at p50 | deliveries |
| --- | --- | --- | --- | --- | --- | --- |
${table}

Webhook latency includes the group commit of the outbox row with the cursor and the dispatcher's pick-up (woken
in-process, no poll wait). One event is published once on the identity's own Redis channel; every socket subscribed to
that identity gets it, and nothing executes for sockets of other identities.

### Rotating webhook sweep
${SWEEP_IDENTITIES} identities with a webhook, a live pool of ${SWEEP_LIVE} (so nearly every visit activates an evicted client
from disk: \`Client.build\`, \`syncAll\`, replay from the cursor, streams opened), batches of ${sweep.settings.sweepBatch}, concurrency
${sweep.settings.sweepConcurrency}, ${sweep.settings.sweepPauseMs} ms pause between batches. Measured full passes: ${passes}.
Per identity: ${f(perIdentityMs)} ms of pass time (pauses included). **Worst-case delay for 10,000 identities** (an evicted
identity's event waits at most one full pass): about ${f(projected)} s (${(projected / 60).toFixed(1)} min) projected linearly
from the measured pass (${batches} batches × ${sweep.settings.sweepPauseMs} ms of pauses included); identities streamed live
in some replica are not delayed by the sweep at all. Raise \`EVENT_SWEEP_CONCURRENCY\` or lower \`EVENT_SWEEP_PAUSE_MS\`
to shorten it, at the cost of CPU and pool churn.
`,
  );
  console.log('sweep', JSON.stringify(sweep));
}
process.exit(0);
