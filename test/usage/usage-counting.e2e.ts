import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/** GET /v1/usage reflects the work the gateway did: messages sent and received, webhook attempts. */
let database: TestDatabase;
let gateway: TestGateway;
let receiver: WebhookReceiver;
let key: string;
let adminToken: string;

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await WebhookReceiver.start();
  gateway = await startTestGateway({ DATABASE_URL: database.url, OUTBOUND_ALLOWLIST: '127.0.0.1' });
  adminToken = (await signUpTenant(gateway)).adminToken;
  key = (await createApiKey(gateway, adminToken)).key;
});

afterAll(async () => {
  await gateway?.close();
  await receiver?.stop();
  await database?.drop();
});

async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { ...bearer(key), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBeLessThan(300);
  return (await res.json()) as T;
}

interface Usage {
  totals: { messagesSent: number; messagesReceived: number };
  webhooks: { succeeded: number; failed: number; successRate: number | null };
  daily: { day: string; messagesSent: number; messagesReceived: number }[];
}

const usage = async () =>
  (await (await fetch(`${gateway.url}/v1/usage`, { headers: bearer(adminToken) })).json()) as Usage;

describe('usage counters', () => {
  it('count messages sent, messages received and webhook attempts as they happen', async () => {
    await post('/v1/webhooks', { url: receiver.url(), events: ['message.received'] });
    const sender = await post<{ id: string }>('/v1/identities', { label: 'sender' });
    const recipient = await post<{ id: string; inboxId: string }>('/v1/identities', { label: 'recipient' });
    const dm = await post<{ id: string }>(`/v1/identities/${sender.id}/conversations/dm`, { peer: recipient.inboxId });
    for (const text of ['one', 'two'])
      await post(`/v1/identities/${sender.id}/conversations/${dm.id}/messages`, { content: { type: 'text', text } });

    const deadline = Date.now() + 60_000;
    let seen = await usage();
    while ((seen.totals.messagesReceived < 2 || seen.webhooks.succeeded < 2) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      seen = await usage();
    }
    expect(seen.totals.messagesSent).toBe(2);
    expect(seen.totals.messagesReceived).toBe(2);
    expect(seen.webhooks).toMatchObject({ succeeded: 2, failed: 0, successRate: 1 });
    const today = new Date().toISOString().slice(0, 10);
    expect(seen.daily.at(-1)).toEqual({ day: today, messagesSent: 2, messagesReceived: 2 });
    expect(seen.daily).toHaveLength(14);
  });
});
