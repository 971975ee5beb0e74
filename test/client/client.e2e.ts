// @mailroom/client against a real gateway, devnet and SDK peer: every API call here goes through the client.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createClient,
  MailroomApiError,
  subscribe,
  verifyWebhook,
  WebhookVerificationError,
  type MailroomClient,
  type SubscriptionResults,
} from '@mailroom/client';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import WebSocket from 'ws';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestGateway, xmtpNodeUrl, type TestGateway } from '../support/gateway.js';
import { pollUntil } from '../support/wait.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

let database: TestDatabase;
let gateway: TestGateway;
let peers: TestClients;
let receiver: WebhookReceiver;
let admin: MailroomClient;
let client: MailroomClient;
let apiKey: string;
let identity: { id: string; inboxId: string | null };
let webhookSecret: string;

beforeAll(async () => {
  database = await createTestDatabase();
  gateway = await startTestGateway({
    DATABASE_URL: database.url,
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    WEBHOOK_POLL_INTERVAL_MS: '100',
  });
  peers = await createTestClients(xmtpNodeUrl(gateway), 1);
  receiver = await WebhookReceiver.start();
});

afterAll(async () => {
  await receiver?.close();
  await peers?.cleanup();
  await gateway?.close();
  await database?.drop();
});

describe('@mailroom/client', () => {
  it('signs up, creates an API key and an identity, and lists identities', async () => {
    const anonymous = createClient({ baseUrl: gateway.url });
    const suffix = randomBytes(4).toString('hex');
    const signup = await anonymous.POST('/v1/admin/signup', {
      body: {
        tenantName: `Client ${suffix}`,
        email: `client-${suffix}@tenant.test`,
        password: `pw-${randomBytes(12).toString('base64url')}`,
      },
    });
    if (!('accessToken' in signup)) throw new Error(`sign-up is pending confirmation: ${JSON.stringify(signup)}`);
    admin = createClient({ baseUrl: gateway.url, token: signup.accessToken });
    const created = await admin.POST('/v1/api-keys', { body: { name: 'client e2e' } });
    expect(created.key).toMatch(/^mr_/);
    apiKey = created.key;
    client = createClient({ baseUrl: gateway.url, apiKey });

    const made = await client.POST('/v1/identities', { body: { label: 'client-bot', externalId: `ext-${suffix}` } });
    expect(made).toMatchObject({ label: 'client-bot', status: 'active' });
    identity = made;
    const page = await client.GET('/v1/identities', { params: { query: { externalId: `ext-${suffix}` } } });
    expect(page.items.map((item) => item.id)).toEqual([made.id]);
    const one = await client.GET('/v1/identities/{id}', { params: { path: { id: made.id } } });
    expect(one.inboxId).toBe(made.inboxId);
  });

  it('throws MailroomApiError with the status, code and problem body', async () => {
    const missing = await client
      .GET('/v1/identities/{id}', { params: { path: { id: '00000000-0000-4000-8000-000000000000' } } })
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(MailroomApiError);
    expect(missing).toMatchObject({ status: 404, code: 'NOT_FOUND', problem: { status: 404, code: 'NOT_FOUND' } });

    const invalid = await client
      .POST('/v1/webhooks', { body: { url: 'not a url', events: ['message.received'] } })
      .catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(MailroomApiError);
    const problem = (invalid as MailroomApiError).problem;
    expect(invalid).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(problem.errors?.map((e) => e.field)).toContain('url');

    const unauthenticated = await createClient({ baseUrl: gateway.url, apiKey: 'mr_nope' })
      .GET('/v1/identities')
      .catch((error: unknown) => error);
    expect(unauthenticated).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it("receives a raw SDK peer's message through subscribe(messageReceived), and verifies its webhook", async () => {
    const webhook = await client.POST('/v1/webhooks', { body: { url: receiver.url(), events: ['message.received'] } });
    webhookSecret = webhook.secret;
    const received: SubscriptionResults['messageReceived'][] = [];
    const errors: unknown[] = [];
    const subscription = subscribe({
      baseUrl: gateway.url,
      credential: apiKey,
      subscription: 'messageReceived',
      variables: { identityId: identity.id },
      onEvent: (message) => received.push(message),
      onError: (error) => errors.push(error),
      webSocketImpl: WebSocket,
    });
    try {
      await subscription.ready;
      // The subscription is registered once the server answered its first frame; give it a moment.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const dm = await peers.clients[0]!.client.conversations.createDm(identity.inboxId!);
      const messageId = await dm.sendText('hello @mailroom/client');
      const message = await pollUntil(
        () => received.find((m) => m.id === messageId),
        'the subscription delivers the message',
        30_000,
        100,
      );
      expect(message).toMatchObject({
        conversationId: dm.id,
        senderInboxId: peers.clients[0]!.inboxId,
        content: 'hello @mailroom/client',
      });
      expect(errors).toEqual([]);
    } finally {
      await subscription.close();
    }

    // The identity answers through the typed client; the raw SDK peer decodes each content type.
    const dm = await client.POST('/v1/identities/{id}/conversations/dm', {
      params: { path: { id: identity.id } },
      body: { peer: peers.clients[0]!.inboxId },
    });
    const path = { id: identity.id, cid: dm.id };
    const text = await client.POST('/v1/identities/{id}/conversations/{cid}/messages', {
      params: { path },
      body: { content: { type: 'text', text: 'answer from @mailroom/client' } },
    });
    const reaction = await client.POST('/v1/identities/{id}/conversations/{cid}/messages', {
      params: { path },
      body: { content: { type: 'reaction', reference: text.id, action: 'added', schema: 'unicode', content: '👍' } },
    });
    const peerClient = peers.clients[0]!.client;
    await peerClient.conversations.syncAll();
    expect((await peerClient.conversations.getMessageById(text.id))?.content).toBe('answer from @mailroom/client');
    const peerReaction = await peerClient.conversations.getMessageById(reaction.id);
    expect(peerReaction?.contentType.typeId).toBe('reaction');
    expect(peerReaction?.content).toMatchObject({ reference: text.id, content: '👍' });

    await receiver.waitFor((r) => r.requests.some((request) => request.answered));
    const delivered = receiver.requests.find((request) => request.answered)!;
    const event = await verifyWebhook(webhookSecret, delivered.headers as Record<string, string>, delivered.rawBody);
    expect(event).toMatchObject({ type: 'message.received', identityId: identity.id });
    if (event.type === 'message.received')
      expect(event.data).toMatchObject({ senderInboxId: peers.clients[0]!.inboxId });

    // Only the Mailroom-* headers (older receivers): still verified.
    const mailroomOnly = Object.fromEntries(
      Object.entries(delivered.headers).filter(([name]) => !name.startsWith('webhook-')),
    ) as Record<string, string>;
    await expect(verifyWebhook(webhookSecret, mailroomOnly, delivered.rawBody)).resolves.toMatchObject({
      type: 'message.received',
    });

    const tampered = delivered.rawBody.replace('message.received', 'message.sent');
    expect(tampered).not.toBe(delivered.rawBody);
    await expect(
      verifyWebhook(webhookSecret, delivered.headers as Record<string, string>, tampered),
    ).rejects.toBeInstanceOf(WebhookVerificationError);
    await expect(verifyWebhook(webhookSecret, mailroomOnly, tampered)).rejects.toBeInstanceOf(WebhookVerificationError);
    await expect(
      verifyWebhook(
        `whsec_${randomBytes(24).toString('base64')}`,
        delivered.headers as Record<string, string>,
        delivered.rawBody,
      ),
    ).rejects.toBeInstanceOf(WebhookVerificationError);
  });
});
