import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ReactionAction, ReactionSchema } from '@xmtp/node-sdk';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import { verifyMailroomSignature } from '../../apps/gateway/src/modules/webhooks/signature.js';
import { StreamSupervisor } from '../../apps/gateway/src/modules/realtime/stream-supervisor.js';
import { createApiKey, signUpTenant } from '../support/factories.js';
import type { TestGateway } from '../support/gateway.js';
import { WebhookReceiver, type ReceivedWebhook } from '../support/webhook-receiver.js';
import { caller, createStage, waitFor, type Stage } from '../wallets/support.js';

/**
 * Push: one signed notification per received message that should push (text yes, reactions no), none for the
 * identity's own sends; ids only unless the tenant opts into content; topics and HMAC keys for own push servers.
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

const bodyOf = (r: ReceivedWebhook) =>
  JSON.parse(r.rawBody) as { id: string; type: string; identityId: string; data: Record<string, unknown> };
const pushes = () => receiver.requests.filter((r) => bodyOf(r).type === 'push.notification');
const webhooks = (type: string) => receiver.requests.filter((r) => bodyOf(r).type === type);

beforeAll(async () => {
  stage = await createStage('push');
  gateway = await stage.startGateway();
  const tenant = await signUpTenant(gateway);
  apiKey = (await createApiKey(gateway, tenant.adminToken)).key;
  peers = await createTestClients(stage.devnet.url, 1);
  receiver = await WebhookReceiver.start();
});

afterAll(async () => {
  await receiver?.close();
  await peers?.cleanup();
  await gateway?.stop();
  await stage?.close();
});

describe('push notifications', () => {
  it('posts one signed notification per eligible message and none for own sends', async () => {
    const bot = (await call('POST', '/v1/identities', { label: 'bot' })).body as { id: string; inboxId: string };
    const endpoint = await call('PUT', `/v1/identities/${bot.id}/push-endpoint`, { url: receiver.url('/push') });
    expect(endpoint.status).toBe(200);
    expect(endpoint.body).toMatchObject({ identityId: bot.id, includeContent: false, enabled: true });
    const secret = endpoint.body.secret as string;
    expect(secret).toMatch(/^whsec_/);
    // A plain webhook on the same receiver tells when the pipeline has committed the events that must not push.
    await call('POST', '/v1/webhooks', { url: receiver.url('/hook'), events: ['message.received', 'message.sent'] });
    const listed = await call('GET', '/v1/webhooks');
    expect(listed.body.items).toHaveLength(1);
    const supervisor = gateway.app.get(StreamSupervisor);
    await waitFor(() => supervisor.isLive(bot.id), 'the identity to stream');

    const peer = peers.clients[0]!;
    const dm = await peer.client.conversations.createDm(bot.inboxId);
    const hello = await dm.sendText('hello bot');
    await dm.sendReaction({
      reference: hello,
      referenceInboxId: peer.inboxId,
      action: ReactionAction.Added,
      schema: ReactionSchema.Unicode,
      content: '👍',
    });
    const second = await dm.sendText('second');
    await waitFor(
      async () => (await call('GET', `/v1/identities/${bot.id}/conversations/${dm.id}`)).status === 200,
      'the bot to see the DM',
    );
    const own = await call('POST', `/v1/identities/${bot.id}/conversations/${dm.id}/messages`, {
      content: { type: 'text', text: 'my own reply' },
    });
    expect(own.status).toBe(201);

    await receiver.waitFor(() => webhooks('message.received').length >= 3 && webhooks('message.sent').length >= 1);
    await receiver.waitFor(() => pushes().length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const got = pushes();
    expect(got.map((r) => bodyOf(r).data.messageId).sort()).toEqual([hello, second].sort());
    for (const request of got) {
      expect(
        verifyMailroomSignature({
          secret,
          timestamp: request.timestamp,
          rawBody: request.rawBody,
          signatureHeader: request.signature,
        }),
      ).toBe(true);
      const body = bodyOf(request);
      expect(body.identityId).toBe(bot.id);
      expect(body.data).toEqual({
        conversationId: dm.id,
        messageId: body.id,
        senderInboxId: peer.inboxId,
        sentAt: expect.any(String),
      });
    }

    // Opting into content; the next message carries it.
    const optIn = await call('PUT', `/v1/identities/${bot.id}/push-endpoint`, {
      url: receiver.url('/push'),
      includeContent: true,
    });
    expect(optIn.body.includeContent).toBe(true);
    expect(optIn.body.secret).toBeUndefined();
    const third = await dm.sendText('third, with content');
    await receiver.waitFor(() => pushes().length >= 3);
    const withContent = bodyOf(pushes()[2]!);
    expect(withContent.data).toMatchObject({
      messageId: third,
      content: 'third, with content',
      contentType: { authorityId: 'xmtp.org', typeId: 'text' },
    });

    // An attempt's success is recorded shortly after the receiver answered (it may ride with the next commit).
    const log = await waitFor(async () => {
      const page = await call('GET', `/v1/identities/${bot.id}/push-endpoint/deliveries`);
      return page.body.items.every((d: { status: string }) => d.status === 'succeeded') && page;
    }, 'every push delivery recorded as succeeded');
    expect(log.body.items.map((d: { messageId: string }) => d.messageId).sort()).toEqual([hello, second, third].sort());

    const topics = await call('GET', `/v1/identities/${bot.id}/push-topics`);
    expect(topics.status).toBe(200);
    expect(topics.body.welcomeTopic).toContain(topics.body.installationId);
    const entry = topics.body.conversations.find((c: { conversationId: string }) => c.conversationId === dm.id);
    expect(entry.topic).toContain(dm.id);
    expect(entry.hmacKeys.length).toBeGreaterThan(0);
    expect(entry.hmacKeys[0].key).toMatch(/^([0-9a-f]{2})+$/);

    expect((await call('DELETE', `/v1/identities/${bot.id}/push-endpoint`)).status).toBe(204);
    expect((await call('GET', `/v1/identities/${bot.id}/push-endpoint`)).status).toBe(404);
  });
});
