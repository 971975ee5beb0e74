import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import { StreamSupervisor } from '../../apps/gateway/src/modules/realtime/stream-supervisor.js';
import { createApiKey, signUpTenant } from '../support/factories.js';
import type { TestGateway } from '../support/gateway.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { caller, createStage, waitFor, type Stage } from '../wallets/support.js';

/**
 * The receive path's cost and latency: received messages reach webhook success in at most three Postgres round trips
 * each (event, outbox rows and cursor in one statement; claim and outcome batched), and the dispatcher is woken by
 * the committed event, not by its poll (set to a minute here).
 */
let stage: Stage;
let gateway: TestGateway;
let peers: TestClients;
let receiver: WebhookReceiver;
let apiKey = '';
const call = caller(
  () => gateway.url,
  () => apiKey,
);

// Statements any pg client of this process sends (the gateway runs in process), except the test's own probe and the
// periodic work that runs whether messages arrive or not (broadcast leases, the webhook sweep's identity pages, the
// usage counters' one-a-second flush, health checks).
const query = pg.Client.prototype.query;
const BACKGROUND = [
  /^UPDATE broadcasts /,
  /^SELECT "public"\."identities"/,
  /^INSERT INTO usage_counters .* VALUES /,
  /^SELECT 1$/,
];
let probe: pg.Client | undefined;
let counting = false;
let statements = 0;

function sqlOf(args: unknown[]): string {
  const first = args[0] as { text?: string } | string | undefined;
  return String(typeof first === 'string' ? first : first?.text)
    .replace(/\s+/g, ' ')
    .trim();
}

beforeAll(async () => {
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    if (counting && this !== probe && !BACKGROUND.some((re) => re.test(sqlOf(args)))) statements++;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  stage = await createStage('lean-receive');
  gateway = await stage.startGateway({ WEBHOOK_POLL_INTERVAL_MS: '60000' });
  const tenant = await signUpTenant(gateway);
  apiKey = (await createApiKey(gateway, tenant.adminToken)).key;
  peers = await createTestClients(stage.devnet.url, 1);
  receiver = await WebhookReceiver.start();
  probe = new pg.Client({ connectionString: stage.database.url });
  await probe.connect();
});

afterAll(async () => {
  pg.Client.prototype.query = query;
  await probe?.end();
  await receiver?.close();
  await peers?.cleanup();
  await gateway?.stop();
  await stage?.close();
});

const succeeded = async () =>
  Number((await probe!.query(`SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'succeeded'`)).rows[0].n);

describe('lean receive path', () => {
  it('takes a received message to webhook success in ≤ 3 Postgres round trips, woken by the event rather than the poll', async () => {
    const bot = (await call('POST', '/v1/identities', { label: 'bot' })).body as { id: string; inboxId: string };
    expect((await call('POST', '/v1/webhooks', { url: receiver.url(), events: ['message.received'] })).status).toBe(
      201,
    );
    const supervisor = gateway.app.get(StreamSupervisor);
    await waitFor(() => supervisor.isLive(bot.id), 'the identity to stream');
    const dm = await peers.clients[0]!.client.conversations.createDm(bot.inboxId);

    // One message first: the pipeline and the dispatcher are warm, and it arrives long before a 60 s poll would fire.
    const started = Date.now();
    await dm.sendText('warm-up');
    await receiver.waitFor((r) => r.requests.length >= 1, 15_000);
    expect(Date.now() - started).toBeLessThan(15_000);
    await waitFor(async () => (await succeeded()) === 1, 'the warm-up delivery to be recorded');

    // One message at a time, each followed to its recorded success: the per-message cost, not a batch's.
    const messages = 10;
    statements = 0;
    counting = true;
    for (let i = 1; i <= messages; i++) {
      await dm.sendText(`message ${i}`);
      await receiver.waitFor((r) => r.requests.length >= 1 + i, 30_000);
      await waitFor(async () => (await succeeded()) === 1 + i, `delivery ${i} to be recorded as succeeded`, 30_000);
    }
    counting = false;

    expect(new Set(receiver.requests.map((r) => r.eventId)).size).toBe(1 + messages);
    // Today: the commit statement (deliveries written already claimed) and the outcome, two per message.
    expect(statements).toBeLessThanOrEqual(3 * messages);
  });

  it('answers a send of a streamed identity with the message as stored (its stream echo), like a read of it', async () => {
    const bot = (await call('POST', '/v1/identities', { label: 'sender' })).body as { id: string };
    await waitFor(() => gateway.app.get(StreamSupervisor).isLive(bot.id), 'the identity to stream');
    const dm = await call('POST', `/v1/identities/${bot.id}/conversations/dm`, {
      peer: peers.clients[0]!.client.inboxId,
    });
    const route = `/v1/identities/${bot.id}/conversations/${(dm.body as { id: string }).id}/messages`;
    for (const text of ['first', 'second']) {
      const sent = await call('POST', route, { content: { type: 'text', text } });
      expect(sent.status).toBe(201);
      expect(sent.body).toMatchObject({ text, deliveryStatus: 'published' });
      const page = (await call('GET', `${route}?limit=5`)).body as { items: { id: string }[] };
      expect(page.items.find((m) => m.id === (sent.body as { id: string }).id)).toEqual(sent.body);
    }
  });

  it("lists a streamed identity's new conversations from its stream (no welcome polling for it)", async () => {
    const bot = (await call('POST', '/v1/identities', { label: 'invited' })).body as { id: string; inboxId: string };
    await waitFor(() => gateway.app.get(StreamSupervisor).isLive(bot.id), 'the identity to stream');
    // A first use through the API (which syncs once), then a group the peer makes afterwards.
    expect((await call('GET', `/v1/identities/${bot.id}/conversations`)).status).toBe(200);
    const group = await peers.clients[0]!.client.conversations.createGroup([bot.inboxId]);
    await waitFor(async () => {
      const page = (await call('GET', `/v1/identities/${bot.id}/conversations`)).body as { items: { id: string }[] };
      return page.items.some((c) => c.id === group.id);
    }, 'the new group in the listing');
  });
});
