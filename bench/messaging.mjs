// npm run bench:messaging — sending through `POST …/messages` vs the raw SDK `sendText` of the same hosted identity
// (its own live client from the installation pool), same devnet, same process, one run; at 1 and 20 concurrent
// senders. Then list-messages latency on a 1,000-message conversation. Needs `npm run build`.
import os from 'node:os';
import { createTestClients } from '@mailroom/xmtp/testing';
import { IdentityHosting } from '../apps/gateway/dist/modules/identities/identity-hosting.js';
import { startBenchGateway, UNLIMITED_RATES } from './lib/bench-gateway.mjs';
import { machineLine, percentile, writeSection } from './lib/report.mjs';
import { readJson, withScratchDatabase } from './lib/scratch-database.mjs';

const N = Number(process.env.BENCH_MESSAGING_SENDS ?? 400);
const CONCURRENCY = [1, 20];
const LIST_SIZE = 1_000;
const LIST_SAMPLES = Number(process.env.BENCH_MESSAGING_LIST_SAMPLES ?? 50);

const sorted = (values) => [...values].sort((a, b) => a - b);
const stats = (values) => ({
  p50: percentile(sorted(values), 50),
  p99: percentile(sorted(values), 99),
  mean: values.reduce((a, b) => a + b, 0) / values.length,
});
const f = (v) => v.toFixed(2);

const json = readJson;

/** Runs `total` calls of `send` with `concurrency` workers; per-call latencies (ms) and wall time. */
async function load(total, concurrency, send) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await send(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { ...stats(latencies), throughput: total / seconds };
}

await withScratchDatabase(`bench_messaging_${process.pid}`, async (DATABASE_URL) => {
  // Request rate limits raised out of the way: this measures the send path, not the limiter's refusals.
  const { gateway, close } = await startBenchGateway(DATABASE_URL, UNLIMITED_RATES);
  const peers = await createTestClients(gateway.runtime.xmtp.apiUrl, 2);
  try {
    const post = (p, body, headers = {}) =>
      fetch(`${gateway.url}${p}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }).then(json);
    const signup = await post('/v1/admin/signup', {
      tenantName: 'bench',
      email: `bench-${process.pid}@bench.test`,
      password: 'bench-password-123',
    });
    const auth = { authorization: `Bearer ${signup.accessToken}` };
    const { key } = await post('/v1/api-keys', { name: 'bench' }, auth);
    const keyAuth = { authorization: `Bearer ${key}` };
    const identity = await post('/v1/identities', { label: 'bench' }, keyAuth);
    const peer = peers.clients[0];
    const dm = await post(`/v1/identities/${identity.id}/conversations/dm`, { peer: peer.inboxId }, keyAuth);
    const sendPath = `/v1/identities/${identity.id}/conversations/${dm.id}/messages`;
    const viaGateway = (i) => post(sendPath, { content: { type: 'text', text: `gateway ${i}` } }, keyAuth);

    // The same identity's own SDK client and conversation, straight from the installation pool.
    const hosting = gateway.app.get(IdentityHosting, { strict: false });
    const row = await gateway.runtime.prisma.identity.findUnique({ where: { id: identity.id } });
    const conversation = await hosting.use(row, (client) => client.conversations.getConversationById(dm.id));
    const viaSdk = (i) => conversation.sendText(`raw ${i}`);

    for (let i = 0; i < 40; i++) await Promise.all([viaGateway(i), viaSdk(i)]); // warm up both paths

    const rows = [];
    for (const c of CONCURRENCY) {
      // Alternate halves so drift (database growth, GC) hits both sides alike.
      const half = N / 2;
      const raw1 = await load(half, c, viaSdk);
      const gw1 = await load(half, c, viaGateway);
      const gw2 = await load(half, c, viaGateway);
      const raw2 = await load(half, c, viaSdk);
      const merge = (a, b) => ({
        p50: (a.p50 + b.p50) / 2,
        p99: Math.max(a.p99, b.p99),
        throughput: (a.throughput + b.throughput) / 2,
      });
      const raw = merge(raw1, raw2);
      const gw = merge(gw1, gw2);
      rows.push({ c, raw, gw });
      console.log(
        `c=${c}: raw p50 ${f(raw.p50)} p99 ${f(raw.p99)} ${raw.throughput.toFixed(0)}/s | gateway p50 ${f(gw.p50)} p99 ${f(gw.p99)} ${gw.throughput.toFixed(0)}/s`,
      );
    }

    // A 1,000-message conversation: a second peer's DM with the identity (the peer sends, the identity reads).
    const peerDm = await peers.clients[1].client.conversations.createDm(identity.inboxId);
    for (let i = 0; i < LIST_SIZE; i += 20)
      await Promise.all(Array.from({ length: 20 }, (_, j) => peerDm.sendText(`history ${i + j}`)));
    const listPath = `/v1/identities/${identity.id}/conversations/${peerDm.id}/messages`;
    const get = (q) => fetch(`${gateway.url}${listPath}${q}`, { headers: keyAuth }).then(json);
    const first = await get('?limit=100'); // first read syncs the 1,000 messages in
    const listed = [];
    for (let i = 0; i < LIST_SAMPLES; i++) {
      const t0 = performance.now();
      await get('?limit=100');
      listed.push(performance.now() - t0);
    }
    const cursorPages = [];
    let cursor = first.nextCursor;
    let total = first.items.length;
    const walkStart = performance.now();
    while (cursor) {
      const t0 = performance.now();
      const page = await get(`?limit=100&cursor=${cursor}`);
      cursorPages.push(performance.now() - t0);
      total += page.items.length;
      cursor = page.nextCursor;
    }
    const walkMs = performance.now() - walkStart;
    const rawConversation = await hosting.use(row, (client) => client.conversations.getConversationById(peerDm.id));
    const rawListed = [];
    for (let i = 0; i < LIST_SAMPLES; i++) {
      const t0 = performance.now();
      await rawConversation.sync();
      await rawConversation.messages({ limit: 100 });
      rawListed.push(performance.now() - t0);
    }
    const list = stats(listed);
    const rawList = stats(rawListed);
    const pages = stats(cursorPages);
    console.log(
      `list 100 of ${total}: gateway p50 ${f(list.p50)} p99 ${f(list.p99)} | raw sync+messages p50 ${f(rawList.p50)} p99 ${f(rawList.p99)} | walk ${walkMs.toFixed(0)} ms`,
    );

    const verdict = (r) => {
      const latencyTarget = r.raw.p50 * 1.1 + 2;
      const latencyOk = r.gw.p50 <= latencyTarget;
      const throughputOk = r.gw.throughput >= 0.9 * r.raw.throughput;
      return `${latencyOk ? 'met' : 'missed'} (target ≤ ${f(latencyTarget)} ms); throughput ${((100 * r.gw.throughput) / r.raw.throughput).toFixed(0)}% of raw: ${throughputOk ? 'met' : 'missed'}`;
    };
    const md = `## Messaging: send and list through the gateway vs the raw SDK

\`npm run bench:messaging\` (after \`npm run build\`), ${new Date().toISOString().slice(0, 10)}. ${machineLine()}.
One process: the gateway (Fastify, API-key auth, Postgres) with its in-process devnet, and one external peer. The raw
SDK side is the **same hosted identity's own client** from the installation pool calling \`conversation.sendText\` on
the same DM; the gateway side is \`POST /v1/identities/:id/conversations/:cid/messages\` over HTTP keep-alive (no
Idempotency-Key). ${N} sends per side and concurrency, in alternating halves; 40 warm-up sends each. Load average
at the end of the run: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} (1/5/15 min) on ${os.cpus().length} cores — other work on the
machine inflates both sides; compare the columns of one run, not runs with each other.

| concurrent senders | raw SDK p50 / p99 (ms) | gateway p50 / p99 (ms) | raw msg/s | gateway msg/s | verdict |
| --- | --- | --- | --- | --- | --- |
${rows.map((r) => `| ${r.c} | ${f(r.raw.p50)} / ${f(r.raw.p99)} | ${f(r.gw.p50)} / ${f(r.gw.p99)} | ${r.raw.throughput.toFixed(0)} | ${r.gw.throughput.toFixed(0)} | p50 ${verdict(r)} |`).join('\n')}

List messages (\`GET …/messages?limit=100\`, newest first) on a DM holding ${total} messages: p50 ${f(list.p50)} ms, p99
${f(list.p99)} ms over ${LIST_SAMPLES} reads (each one syncs the conversation first, then reads and decodes a page).
Raw SDK \`sync()\` + \`messages({ limit: 100 })\` on the same client: p50 ${f(rawList.p50)} ms, p99 ${f(rawList.p99)} ms.
Walking all ${total} with cursors (${cursorPages.length + 1} pages): ${walkMs.toFixed(0)} ms, p50 ${f(pages.p50)} ms a page.
`;
    await writeSection('messaging', md);
    console.log(md);
  } finally {
    await peers.cleanup();
    await close();
  }
});
process.exit(0);
