// Issue 14's outage drill, on this drill's own embedded Postgres (never the suite's shared 5432): Postgres stopped
// for 20 s while two GraphQL subscribers and two identities' webhook pipelines are live and a peer keeps sending.
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startDevnet, type Devnet } from '@mailroom/devnet';
import { deployMigrations, startEmbeddedPostgres, type RunningEmbeddedPostgres } from '@mailroom/persistence';
import { createTestClients } from '@mailroom/xmtp/testing';
import { REPO_MIGRATIONS_DIR } from '../support/database.js';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { REDIS_URL, startTestGateway, type TestGateway } from '../support/gateway.js';
import { freePort } from '../support/redis-server.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { wsClient } from '../graphql/support.js';

const OUTAGE_MS = 20_000;
const cleanups: Array<() => Promise<unknown>> = [];
const later = (fn: () => Promise<unknown>) => cleanups.unshift(fn);
afterAll(async () => {
  for (const fn of cleanups.splice(0)) await fn().catch(() => undefined);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

async function api<T = any>(
  gateway: TestGateway,
  key: string,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${gateway.url}${route}`, {
    method,
    headers: { ...bearer(key), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

describe('outage drill', () => {
  it('Postgres stopped 20 s under live subscribers and webhooks: no crash, no unhandled rejection, nothing lost or doubled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    later(async () => process.off('unhandledRejection', onUnhandled));

    const pgDir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-drill-outage-pg-'));
    later(() => rm(pgDir, { recursive: true, force: true }));
    const pgPort = await freePort();
    let pg: RunningEmbeddedPostgres = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort });
    later(() => pg.stop());
    await deployMigrations({ databaseUrl: pg.url, migrationsDir: REPO_MIGRATIONS_DIR });
    const devnet: Devnet = await startDevnet({ port: 0 });
    later(() => devnet.stop());
    const gateway = await startTestGateway({
      DATABASE_URL: pg.url,
      REDIS_URL,
      XMTP_API_URL: devnet.url,
      OUTBOUND_ALLOWLIST: '127.0.0.1',
      WEBHOOK_POLL_INTERVAL_MS: '200',
      EVENT_RECONCILE_INTERVAL_MS: '5000',
    });
    later(() => gateway.close());
    const peers = await createTestClients(devnet.url, 1);
    later(() => peers.cleanup());
    const peer = peers.clients[0]!.client;

    const tenant = await signUpTenant(gateway);
    const key = (await createApiKey(gateway, tenant.adminToken)).key;
    const receiver = await WebhookReceiver.start();
    later(() => receiver.close());
    expect(
      (await api(gateway, key, 'POST', '/v1/webhooks', { url: receiver.url(), events: ['message.received'] })).status,
    ).toBe(201);

    // Two identities, each in a DM with the peer, each with a GraphQL subscriber.
    const identities: {
      id: string;
      inboxId: string;
      dm: Awaited<ReturnType<typeof peer.conversations.getDmByInboxId>>;
    }[] = [];
    for (let i = 0; i < 2; i++) {
      const identity = await api(gateway, key, 'POST', '/v1/identities', { label: `drill ${i}` });
      expect(identity.status).toBe(201);
      expect(
        (
          await api(gateway, key, 'POST', `/v1/identities/${identity.body.id}/conversations/dm`, {
            peer: peers.clients[0]!.wallet.address,
          })
        ).status,
      ).toBe(201);
      const inboxId = identity.body.inboxId as string;
      const dm = await until(
        'the peer to see the DM',
        async () => {
          await peer.conversations.sync();
          return (await peer.conversations.getDmByInboxId(inboxId)) ?? undefined;
        },
        30_000,
      );
      identities.push({ id: identity.body.id, inboxId, dm });
    }
    const subscribed = identities.map(({ id }) => {
      const texts: string[] = [];
      const client = wsClient(gateway, `Bearer ${key}`);
      later(async () => client.dispose());
      const dispose = client.subscribe<{ messageReceived: { text: string | null } }>(
        { query: 'subscription ($id: ID!) { messageReceived(identityId: $id) { text } }', variables: { id } },
        {
          next: (value) => value.data?.messageReceived.text && texts.push(value.data.messageReceived.text),
          error: () => {},
          complete: () => {},
        },
      );
      later(async () => dispose());
      return texts;
    });
    const webhookTexts = () =>
      receiver.requests.map((r) => JSON.parse(r.rawBody).data?.text).filter((t): t is string => typeof t === 'string');

    // Everything live: a first message reaches both subscribers and the webhook.
    for (const [i, { dm }] of identities.entries()) await dm!.sendText(`warm-${i}`);
    await until(
      'subscribers and webhooks to be live',
      async () =>
        subscribed.every((t, i) => t.includes(`warm-${i}`)) &&
        ['warm-0', 'warm-1'].every((t) => webhookTexts().includes(t)),
      60_000,
    );

    // The peer keeps sending, alternating identities, through the whole outage.
    const sent: string[] = [];
    let sending = true;
    const sender = (async () => {
      for (let n = 0; sending; n++) {
        const text = `peer-${n}`;
        await identities[n % 2]!.dm!.sendText(text);
        sent.push(text);
        await sleep(400);
      }
    })();

    await sleep(2_000);
    await pg.stop();
    const outageStarted = Date.now();
    await sleep(OUTAGE_MS);
    pg = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort });
    const outageMs = Date.now() - outageStarted;
    await sleep(3_000);
    sending = false;
    await sender;

    // After Postgres returns, subscribers receive new messages again.
    for (const [i, { dm }] of identities.entries()) await dm!.sendText(`after-${i}`);
    await until(
      'both subscribers to receive messages sent after Postgres came back',
      async () => subscribed.every((t, i) => t.includes(`after-${i}`)),
      90_000,
    );

    // Every message the peer sent (before, during and after the outage) reaches the webhook, none twice.
    const expected = [...sent, 'after-0', 'after-1'];
    await until(
      'every message to reach the webhook',
      async () => expected.every((t) => webhookTexts().includes(t)),
      90_000,
    );
    await sleep(2_000);
    const counts = new Map<string, number>();
    for (const text of webhookTexts()) counts.set(text, (counts.get(text) ?? 0) + 1);
    const doubled = [...counts].filter(([, n]) => n > 1).map(([t]) => t);
    expect(doubled).toEqual([]);
    expect(unhandled.map(String)).toEqual([]);
    console.log(
      `outage drill: Postgres down ${outageMs} ms; peer sent ${sent.length} messages around it; webhook got ${counts.size} distinct texts; subscribers got ${subscribed.map((t) => t.length).join(' and ')} messages`,
    );
  }, 300_000);
});
