import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestClients } from '@mailroom/xmtp/testing';
import { bearer } from '../support/factories.js';
import type { TestGateway } from '../support/gateway.js';
import { postJson, startReplicaPair, type ReplicaPair } from './support.js';

/**
 * Two replicas on one database, one Redis and one shared identity volume: an identity's installation lives in the
 * replica holding its lock, requests reaching the other replica are forwarded there, and when the holder goes away
 * the other replica takes the identity over with the same installation.
 */
let pair: ReplicaPair;
let a: TestGateway;
let b: TestGateway;
let peers: TestClients;
let key: string;

beforeAll(async () => {
  pair = await startReplicaPair('mailroom-replicas-');
  ({ a, b, peers, key } = pair);
});

afterAll(async () => {
  await pair?.close();
});

const post = (gateway: TestGateway, route: string, body: unknown) => postJson(gateway, key, route, body);

describe('identity ownership across replicas', () => {
  let identity: { id: string; installationId: string };
  let conversationId: string;

  it('forwards a request that reaches another replica to the one holding the identity', async () => {
    const created = await post(a, '/v1/identities', { label: 'replicated' });
    expect(created.status).toBe(201);
    identity = created.body as typeof identity;
    expect(a.runtime.pool.isLive(identity.id)).toBe(true);

    const dm = await post(b, `/v1/identities/${identity.id}/conversations/dm`, {
      peer: peers.clients[0]!.wallet.address,
    });
    expect(dm.status).toBe(201);
    expect(dm.replica).toBe(a.runtime.replica.id);
    conversationId = dm.body.id as string;

    const sent = await post(b, `/v1/identities/${identity.id}/conversations/${conversationId}/messages`, {
      content: { type: 'text', text: 'hello from replica B, served by A' },
    });
    expect(sent.status).toBe(201);
    expect(sent.replica).toBe(a.runtime.replica.id);
    expect(b.runtime.pool.isLive(identity.id)).toBe(false);

    const peer = peers.clients[0]!.client;
    await peer.conversations.sync();
    const conversation = await peer.conversations.getConversationById(conversationId);
    await conversation!.sync();
    const texts = (await conversation!.messages()).map((m) => m.content);
    expect(texts).toContain('hello from replica B, served by A');
  });

  it('lets the other replica take the identity over, with the same installation, once the holder is gone', async () => {
    await a.stop();
    const sent = await post(b, `/v1/identities/${identity.id}/conversations/${conversationId}/messages`, {
      content: { type: 'text', text: 'now served by B' },
    });
    expect(sent.status).toBe(201);
    expect(sent.replica).toBe(b.runtime.replica.id);
    expect(b.runtime.pool.isLive(identity.id)).toBe(true);
    const state = await fetch(`${b.url}/v1/identities/${identity.id}`, { headers: bearer(key) });
    const body = (await state.json()) as { installationId: string; inboxState: { installationCount: number } };
    expect(body.installationId).toBe(identity.installationId);
    expect(body.inboxState.installationCount).toBe(1);
  });
});
