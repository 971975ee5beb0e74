import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startDevnet } from '@mailroom/devnet';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { REDIS_URL, startTestGateway, type TestGateway } from '../support/gateway.js';

/**
 * Two replicas on one database, one Redis and one shared identity volume: an identity's installation lives in the
 * replica holding its lock, requests reaching the other replica are forwarded there, and when the holder goes away
 * the other replica takes the identity over with the same installation.
 */
let database: TestDatabase;
let devnet: Awaited<ReturnType<typeof startDevnet>>;
let sharedDir: string;
let a: TestGateway;
let b: TestGateway;
let peers: TestClients;
let key: string;

beforeAll(async () => {
  database = await createTestDatabase();
  devnet = await startDevnet({ port: 0 });
  sharedDir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-replicas-'));
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL,
    DATA_DIR: sharedDir,
    XMTP_API_URL: devnet.url,
    GATEWAY_MASTER_KEY: randomBytes(32).toString('hex'),
    JWT_SECRET: randomBytes(32).toString('hex'),
  };
  a = await startTestGateway(env);
  b = await startTestGateway(env);
  const tenant = await signUpTenant(a);
  key = (await createApiKey(a, tenant.adminToken)).key;
  peers = await createTestClients(devnet.url, 1);
});

afterAll(async () => {
  await peers?.cleanup();
  await b?.close();
  await a?.close();
  await devnet?.stop();
  await database?.drop();
  await rm(sharedDir, { recursive: true, force: true });
});

async function post(gateway: TestGateway, route: string, body: unknown) {
  const res = await fetch(`${gateway.url}${route}`, {
    method: 'POST',
    headers: { ...bearer(key), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    replica: res.headers.get('x-mailroom-replica'),
    body: (await res.json()) as Record<string, unknown>,
  };
}

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
