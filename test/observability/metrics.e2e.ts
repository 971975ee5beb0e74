// After a real flow (identity, peer DM delivered to a webhook, a send, a throttled burst), /metrics carries the
// XMTP, realtime, webhook and rate-limit series with values that match what happened.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { REDIS_URL, startTestGateway, xmtpNodeUrl, type TestGateway } from '../support/gateway.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { call, createIdentity } from '../realtime/support.js';

let database: TestDatabase;
let gateway: TestGateway;
let peers: TestClients;
let receiver: WebhookReceiver;

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await WebhookReceiver.start();
  gateway = await startTestGateway({
    DATABASE_URL: database.url,
    REDIS_URL,
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    WEBHOOK_POLL_INTERVAL_MS: '200',
    EVENT_SWEEP_PAUSE_MS: '100',
    RATE_LIMIT_PER_MINUTE: '40',
  });
  peers = await createTestClients(xmtpNodeUrl(gateway), 1);
}, 120_000);

afterAll(async () => {
  await peers?.cleanup();
  await gateway?.close();
  await receiver?.stop();
  await database?.drop();
});

/** Value of one sample line (`name{labels} value`), summed over the samples whose labels include `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total = (total ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

describe('/metrics', () => {
  it('exposes XMTP latency, live clients, event lag, pipelines, webhook attempts and rate-limit refusals after a real flow', async () => {
    const tenant = await signUpTenant(gateway);
    const key = (await createApiKey(gateway, tenant.adminToken)).key;
    expect(
      (await call(gateway, key, 'POST', '/v1/webhooks', { url: receiver.url(), events: ['message.received'] })).status,
    ).toBe(201);
    const identity = await createIdentity(gateway, key, 'observed');
    const dm = await peers.clients[0]!.client.conversations.createDm(identity.inboxId);
    const messageId = await dm.sendText('hello, metrics');
    await receiver.waitFor((r) => r.successesByEvent().has(messageId), 45_000);
    const conversations = await call<{ items: { id: string }[] }>(
      gateway,
      key,
      'GET',
      `/v1/identities/${identity.id}/conversations`,
    );
    const reply = await call(
      gateway,
      key,
      'POST',
      `/v1/identities/${identity.id}/conversations/${conversations.body.items[0]!.id}/messages`,
      { content: { type: 'text', text: 'hi back' } },
    );
    expect(reply.status).toBe(201);
    // A second credential, spent until the gateway refuses it.
    const throttled = (await createApiKey(gateway, tenant.adminToken, ['identities'])).key;
    let refusals = 0;
    for (let i = 0; i < 45 && refusals === 0; i++) {
      const res = await fetch(`${gateway.url}/v1/identities`, { headers: bearer(throttled) });
      await res.arrayBuffer();
      if (res.status === 429) refusals++;
    }
    expect(refusals).toBe(1);

    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(
      sample(text, 'xmtp_call_duration_seconds_count', { operation: 'register', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'xmtp_call_duration_seconds_count', { operation: 'write', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'xmtp_call_duration_seconds_count', { operation: 'read', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'xmtp_live_clients')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'xmtp_installations_registered_total')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'realtime_event_lag_seconds_count', { type: 'message.received' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'realtime_events_published_total', { type: 'message.received' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'realtime_pipelines', { state: 'live' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'webhook_delivery_attempts_total', { outcome: 'succeeded' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'rate_limit_rejections_total', { route: '/v1/identities' })).toBe(1);
    expect(sample(text, 'http_requests_total', { route: '/v1/identities', status_code: '429' })).toBe(1);
    expect(text).toContain('# HELP realtime_stream_restarts_total');
    expect(text).toContain('# HELP realtime_publish_errors_total');
  }, 120_000);
});
