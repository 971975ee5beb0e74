// npm run bench:send-breakdown — where the wall time of one POST …/messages goes, stage by stage, at 1 sender: the
// gateway's own classes (from apps/gateway/dist) and the SDK's are wrapped with timers in this process, then 200 sends
// through HTTP alternate with 200 raw sendText calls of the same identity's client. Needs `npm run build`.
import os from 'node:os';
import { Conversation, Conversations } from '@xmtp/node-sdk';
import { createTestClients } from '@mailroom/xmtp/testing';
import { AuthenticationGuard } from '../apps/gateway/dist/common/auth/authentication.guard.js';
import { RedisTokenBuckets } from '../apps/gateway/dist/common/rate-limit/token-buckets.js';
import { IdentityWriteBudget } from '../apps/gateway/dist/common/rate-limit/identity-write-budget.js';
import { MessagesService } from '../apps/gateway/dist/modules/messages/messages.service.js';
import { ConversationAccess } from '../apps/gateway/dist/modules/conversations/conversation-access.js';
import { IdentityHosting } from '../apps/gateway/dist/modules/identities/identity-hosting.js';
import { startBenchGateway, UNLIMITED_RATES } from './lib/bench-gateway.mjs';
import { machineLine, writeSection } from './lib/report.mjs';
import { readJson, withScratchDatabase } from './lib/scratch-database.mjs';

let recording = false;
const totals = new Map();
function add(name, ms) {
  if (!recording) return;
  const t = totals.get(name) ?? { n: 0, ms: 0 };
  t.n++;
  t.ms += ms;
  totals.set(name, t);
}
function wrap(proto, method, name) {
  const orig = proto[method];
  if (typeof orig !== 'function') {
    console.log('no method', name);
    return;
  }
  proto[method] = async function (...args) {
    const t0 = performance.now();
    try {
      return await orig.apply(this, args);
    } finally {
      add(name, performance.now() - t0);
    }
  };
}
function wrapSync(proto, method, name) {
  const orig = proto[method];
  proto[method] = function (...args) {
    const t0 = performance.now();
    try {
      return orig.apply(this, args);
    } finally {
      add(name, performance.now() - t0);
    }
  };
}
wrap(AuthenticationGuard.prototype, 'canActivate', 'authentication guard (API key lookup in Postgres)');
wrap(RedisTokenBuckets.prototype, 'take', 'Redis token bucket take (rate limits per key and tenant, identity budget)');
for (const m of Object.getOwnPropertyNames(IdentityWriteBudget.prototype))
  if (m !== 'constructor' && typeof IdentityWriteBudget.prototype[m] === 'function')
    wrap(IdentityWriteBudget.prototype, m, `IdentityWriteBudget.${m}`);
wrap(MessagesService.prototype, 'send', 'MessagesService.send (whole)');
wrap(ConversationAccess.prototype, 'identity', 'ConversationAccess.identity');
wrap(IdentityHosting.prototype, 'use', 'IdentityHosting.use (whole)');
wrap(Conversation.prototype, 'sendText', 'SDK sendText (gateway and raw calls alike)');
wrap(Conversations.prototype, 'getConversationById', 'SDK getConversationById');
wrapSync(Conversations.prototype, 'getMessageById', 'SDK getMessageById');

const N = Number(process.env.BENCH_BREAKDOWN_SENDS ?? 200);
await withScratchDatabase(`bench_diag_${process.pid}`, async (DATABASE_URL) => {
  const { gateway, close } = await startBenchGateway(DATABASE_URL, {
    REDIS_URL: 'redis://127.0.0.1:6379',
    ...UNLIMITED_RATES,
  });
  const server = gateway.app.getHttpServer();
  server.prependListener('request', (req, res) => {
    const t0 = performance.now();
    res.on('finish', () => add('server: request → response finished', performance.now() - t0));
  });
  const peers = await createTestClients(gateway.runtime.xmtp.apiUrl, 1);
  const post = (p, body, headers = {}) =>
    fetch(`${gateway.url}${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }).then(readJson);
  const signup = await post('/v1/admin/signup', {
    tenantName: 'diag',
    email: `diag-${process.pid}@bench.test`,
    password: 'bench-password-123',
  });
  const { key } = await post('/v1/api-keys', { name: 'diag' }, { authorization: `Bearer ${signup.accessToken}` });
  const keyAuth = { authorization: `Bearer ${key}` };
  const identity = await post('/v1/identities', { label: 'diag' }, keyAuth);
  const dm = await post(`/v1/identities/${identity.id}/conversations/dm`, { peer: peers.clients[0].inboxId }, keyAuth);
  const sendPath = `/v1/identities/${identity.id}/conversations/${dm.id}/messages`;
  const hosting = gateway.app.get(IdentityHosting, { strict: false });
  const row = await gateway.runtime.prisma.identity.findUnique({ where: { id: identity.id } });
  const conversation = await hosting.use(row, (client) => client.conversations.getConversationById(dm.id));
  for (let i = 0; i < 40; i++) {
    await post(sendPath, { content: { type: 'text', text: `warm ${i}` } }, keyAuth);
    await conversation.sendText(`warm raw ${i}`);
  }
  for (const round of [0, 1]) {
    recording = true;
    for (let i = 0; i < N / 2; i++) {
      const s = performance.now();
      await post(sendPath, { content: { type: 'text', text: `diag ${round} ${i}` } }, keyAuth);
      add('client: fetch round trip', performance.now() - s);
    }
    recording = false;
    recording = true;
    for (let i = 0; i < N / 2; i++) {
      const s = performance.now();
      await conversation.sendText(`raw ${round} ${i}`);
      add('raw: sendText from the bench', performance.now() - s);
    }
    recording = false;
  }
  const rows = [...totals].map(([name, t]) => `| ${name} | ${(t.ms / t.n).toFixed(2)} | ${(t.n / N).toFixed(2)} |`);
  const md = `## Send latency breakdown at 1 sender (\`npm run bench:send-breakdown\`)

\`npm run build && npm run bench:send-breakdown\`, ${new Date().toISOString().slice(0, 10)}. Machine: ${machineLine()}; 1-minute load average
${os.loadavg()[0].toFixed(2)} at the end. One process: the gateway (Fastify, Postgres, Redis, in-process devnet), one peer. ${N} sends through
\`POST …/messages\` over HTTP keep-alive and ${N} raw \`sendText\` calls of the same identity's client, in alternating halves,
each stage timed by a wrapper around the gateway's or the SDK's method (mean per call; calls per gateway send).

| stage | mean ms | calls per send |
| --- | --- | --- |
${rows.join('\n')}

Read it from the outside in: the client's round trip, the server's share (request to response finished), the service's
share (\`MessagesService.send\`), and inside it the SDK. What is neither SDK nor service is the HTTP exchange itself, the
API-key lookup, the rate-limit buckets and Nest's pipeline.
`;
  console.log(md);
  await writeSection('send-breakdown', md);
  await peers.cleanup();
  await close();
});
