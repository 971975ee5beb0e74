import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client as WsClient } from 'graphql-ws';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createApiKey, signUpTenant } from '../support/factories.js';
import { REDIS_URL, startTestGateway, xmtpNodeUrl, type TestGateway } from '../support/gateway.js';
import { wsClient } from '../graphql/support.js';
import { createIdentity, identityToken, live, MESSAGE_SUBSCRIPTION, sleep, supervisorOf, waitFor } from './support.js';

let database: TestDatabase;
let gateway: TestGateway;
let peers: TestClients;
let keyA: string;
let keyB: string;
let identity: { id: string; inboxId: string };
const sockets: WsClient[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  gateway = await startTestGateway({ DATABASE_URL: database.url, REDIS_URL });
  keyA = (await createApiKey(gateway, (await signUpTenant(gateway)).adminToken, ['identities', 'messages'])).key;
  keyB = (await createApiKey(gateway, (await signUpTenant(gateway)).adminToken, ['identities', 'messages'])).key;
  peers = await createTestClients(xmtpNodeUrl(gateway), 1);
  identity = await createIdentity(gateway, keyA, 'subscribed');
});

afterAll(async () => {
  for (const socket of sockets) await socket.dispose();
  await peers?.cleanup();
  await gateway?.close();
  await database?.drop();
});

function socket(credential: string): WsClient {
  const client = wsClient(gateway, `Bearer ${credential}`);
  sockets.push(client);
  return client;
}

describe('GraphQL subscriptions over graphql-ws', () => {
  it("delivers the peer's messages to a socket authenticated with the identity's token, and nothing to another tenant", async () => {
    const token = await identityToken(gateway, keyA, identity.id);
    const mine = live<any>(socket(token), MESSAGE_SUBSCRIPTION, { identityId: identity.id });
    const foreign = live<any>(socket(keyB), MESSAGE_SUBSCRIPTION, { identityId: identity.id });
    const conversations = live<any>(
      socket(token),
      'subscription ($id: ID!) { conversationCreated(identityId: $id) { id type peerInboxId } }',
      { id: identity.id },
    );
    await waitFor(() => supervisorOf(gateway).isLive(identity.id), 'the identity streaming');

    const dm = await peers.clients[0]!.client.conversations.createDm(identity.inboxId);
    const sent = await dm.sendText('hello over graphql-ws');

    const received = await waitFor(
      () => mine.results.find((r) => r.data?.messageReceived?.id === sent)?.data.messageReceived,
      'the message on the socket',
    );
    expect(received).toMatchObject({
      conversationId: dm.id,
      senderInboxId: peers.clients[0]!.inboxId,
      text: 'hello over graphql-ws',
      content: 'hello over graphql-ws',
    });
    const created = await waitFor(() => conversations.results[0]?.data?.conversationCreated, 'the conversation event');
    expect(created).toEqual({ id: dm.id, type: 'dm', peerInboxId: peers.clients[0]!.inboxId });

    // The other tenant's key is refused for this identity and never sees an event.
    await waitFor(() => foreign.errors.length > 0 || foreign.completed, 'the foreign subscription to end');
    expect(foreign.results.filter((r) => r.data)).toEqual([]);
    const codes = foreign.results.flatMap((r) => (r.errors ?? []).map((e: any) => e.extensions?.code));
    const errorCodes = foreign.errors.flatMap((e: any) =>
      Array.isArray(e) ? e.map((x: any) => x.extensions?.code) : [],
    );
    expect([...codes, ...errorCodes]).toContain('NOT_FOUND');
  });

  it('filters by conversation before execution and delivers each message once', async () => {
    const token = await identityToken(gateway, keyA, identity.id);
    const peer = peers.clients[0]!.client;
    const group = await peer.conversations.createGroup([identity.inboxId]);
    const dm = await peer.conversations.createDm(identity.inboxId);
    const onlyGroup = live<any>(socket(token), MESSAGE_SUBSCRIPTION, {
      identityId: identity.id,
      conversationId: group.id,
    });
    const all = live<any>(socket(keyA), MESSAGE_SUBSCRIPTION, { identityId: identity.id });
    await sleep(300);
    const inDm = await dm.sendText('dm');
    const inGroup = await group.sendText('group');
    await waitFor(() => all.results.length >= 2 && onlyGroup.results.length >= 1, 'both messages');
    await sleep(300);
    expect(onlyGroup.results.map((r) => r.data.messageReceived.id)).toEqual([inGroup]);
    expect(all.results.map((r) => r.data.messageReceived.id)).toEqual([inDm, inGroup]);
  });

  it('refuses a token of another identity and anonymous sockets', async () => {
    const other = await createIdentity(gateway, keyA, 'other');
    const token = await identityToken(gateway, keyA, other.id);
    const wrong = live<any>(socket(token), MESSAGE_SUBSCRIPTION, { identityId: identity.id });
    await waitFor(() => wrong.errors.length > 0 || wrong.completed, 'the refused subscription to end');
    expect(wrong.results.filter((r) => r.data)).toEqual([]);
    const codes = [
      ...wrong.results.flatMap((r) => (r.errors ?? []).map((e: any) => e.extensions?.code)),
      ...wrong.errors.flatMap((e: any) => (Array.isArray(e) ? e.map((x: any) => x.extensions?.code) : [])),
    ];
    expect(codes).toContain('FORBIDDEN');
  });
});
