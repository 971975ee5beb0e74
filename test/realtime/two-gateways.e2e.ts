import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDevnet, type Devnet } from '@mailroom/devnet';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import type { Client as WsClient } from 'graphql-ws';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createApiKey, signUpTenant } from '../support/factories.js';
import { REDIS_URL, startTestGateway, type TestGateway } from '../support/gateway.js';
import { wsClient } from '../graphql/support.js';
import { createIdentity, identityToken, live, MESSAGE_SUBSCRIPTION, supervisorOf, waitFor } from './support.js';

// Two replicas on one Postgres and one Redis (same master key, JWT secret and DATA_DIR, as replicas are deployed).
let database: TestDatabase;
let devnet: Devnet;
let dataDir: string;
let a: TestGateway;
let b: TestGateway;
let peers: TestClients;
let socket: WsClient | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  devnet = await startDevnet({ port: 0 });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-replicas-'));
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL,
    XMTP_API_URL: devnet.url,
    DATA_DIR: dataDir,
    GATEWAY_MASTER_KEY: randomBytes(32).toString('hex'),
    JWT_SECRET: randomBytes(32).toString('base64url'),
  };
  a = await startTestGateway(env);
  b = await startTestGateway(env);
  peers = await createTestClients(devnet.url, 1);
});

afterAll(async () => {
  await socket?.dispose();
  await peers?.cleanup();
  await a?.close();
  await b?.close();
  await devnet?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await database?.drop();
});

describe('two gateway processes sharing Redis and Postgres', () => {
  it('a subscriber on A receives the message of an identity that lives in B, and A never opens its database', async () => {
    const tenant = await signUpTenant(b);
    const key = (await createApiKey(b, tenant.adminToken, ['identities', 'messages'])).key;
    // Created through B: B registered it and holds its lock.
    const identity = await createIdentity(b, key, 'lives in B');
    expect(b.runtime.pool.isLive(identity.id)).toBe(true);

    const token = await identityToken(b, key, identity.id);
    socket = wsClient(a, `Bearer ${token}`);
    const subscription = live<any>(socket, MESSAGE_SUBSCRIPTION, { identityId: identity.id });
    // The subscriber's interest travels over Redis; B, the owner, starts streaming.
    await waitFor(() => supervisorOf(b).isLive(identity.id), 'B streaming the identity');

    const dm = await peers.clients[0]!.client.conversations.createDm(identity.inboxId);
    const sent = await dm.sendText('routed through B');
    const received = await waitFor(
      () => subscription.results.find((r) => r.data?.messageReceived?.id === sent),
      'the message on A',
    );
    expect(received.data.messageReceived).toMatchObject({ conversationId: dm.id, text: 'routed through B' });

    expect(a.runtime.pool.isLive(identity.id)).toBe(false);
    expect(a.runtime.pool.stats()).toMatchObject({ live: 0, activations: 0, registrations: 0 });
    expect(supervisorOf(a).isLive(identity.id)).toBe(false);
  });
});
