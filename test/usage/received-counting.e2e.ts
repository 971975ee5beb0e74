import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@mailroom/config';
import { startDevnet } from '@mailroom/devnet';
import { startGateway, type RunningGateway } from '@mailroom/gateway';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * messages.received counts every message a hosted identity receives, once, whichever path saw it: a REST read that
 * synced it (an identity with no webhook and no subscriber has no event pipeline) or the event pipeline. Reading again,
 * restarting the gateway, or both paths seeing the same message never count it twice; tenants are counted apart.
 */
let database: TestDatabase;
let devnet: Awaited<ReturnType<typeof startDevnet>>;
let dataDir: string;
let gateway: RunningGateway;
let peers: TestClients;
let receiver: WebhookReceiver;

const silentLog = { info: () => {}, warn: () => {}, error: () => {} };

async function startOnSameData(): Promise<RunningGateway> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    XMTP_ENV: 'local',
    XMTP_API_URL: devnet.url,
    OUTBOUND_ALLOWLIST: '127.0.0.1',
  });
  return startGateway(config, { log: silentLog });
}

interface Tenant {
  adminToken: string;
  key: string;
}

async function call<T>(credential: string, method: string, route: string, body?: unknown) {
  const res = await fetch(`${gateway.url}${route}`, {
    method,
    headers: { ...bearer(credential), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function received(tenant: Tenant): Promise<number> {
  const res = await call<{ totals: { messagesReceived: number } }>(tenant.adminToken, 'GET', '/v1/usage');
  expect(res.status).toBe(200);
  return res.body.totals.messagesReceived;
}

/** Lists the DM's messages through the REST API until `expected` texts are there (the devnet may lag a little). */
async function listUntil(tenant: Tenant, identityId: string, dmId: string, expected: string[]): Promise<string[]> {
  let texts: string[] = [];
  for (let attempt = 0; attempt < 40; attempt++) {
    const res = await call<{ items: { text?: string | null }[] }>(
      tenant.key,
      'GET',
      `/v1/identities/${identityId}/conversations/${dmId}/messages?limit=100`,
    );
    if (res.status === 200) {
      texts = res.body.items.map((m) => m.text ?? '');
      if (expected.every((t) => texts.includes(t))) return texts;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return texts;
}

async function tenantWithIdentity(label: string): Promise<Tenant & { identity: { id: string; inboxId: string } }> {
  const { adminToken } = await signUpTenant(gateway);
  const { key } = await createApiKey(gateway, adminToken, ['identities', 'messages', 'webhooks']);
  const identity = await call<{ id: string; inboxId: string }>(key, 'POST', '/v1/identities', { label });
  expect(identity.status).toBe(201);
  return { adminToken, key, identity: identity.body };
}

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-received-'));
  devnet = await startDevnet({ port: 0, dataDir: path.join(dataDir, 'devnet') });
  receiver = await WebhookReceiver.start();
  gateway = await startOnSameData();
  peers = await createTestClients(devnet.url, 1);
}, 180_000);

afterAll(async () => {
  await gateway?.stop();
  await peers?.cleanup();
  await receiver?.stop();
  await devnet?.stop();
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('messages received', () => {
  it('counts what an identity without webhook or subscriber receives once it is read, once, across restarts; tenants apart', async () => {
    const quiet = await tenantWithIdentity('no listeners');
    const other = await tenantWithIdentity('other tenant');
    const peer = peers.clients[0]!;

    const dm = await peer.client.conversations.createDm(quiet.identity.inboxId);
    const texts = ['first', 'second', 'third'];
    for (const text of texts) await dm.sendText(text);
    // The identity's own message is sent, not received.
    await listUntil(quiet, quiet.identity.id, dm.id, []);
    const own = await call(quiet.key, 'POST', `/v1/identities/${quiet.identity.id}/conversations/${dm.id}/messages`, {
      content: { type: 'text', text: 'own reply' },
    });
    expect(own.status).toBe(201);

    expect(await listUntil(quiet, quiet.identity.id, dm.id, [...texts, 'own reply'])).toEqual(
      expect.arrayContaining([...texts, 'own reply']),
    );
    expect(await received(quiet)).toBe(3);

    // Reading again (the list and the conversation, which syncs too) counts nothing new.
    await listUntil(quiet, quiet.identity.id, dm.id, texts);
    expect((await call(quiet.key, 'GET', `/v1/identities/${quiet.identity.id}/conversations/${dm.id}`)).status).toBe(
      200,
    );
    expect(await received(quiet)).toBe(3);

    // A restart forgets what was read in memory; the recorded ids still keep the count at 3.
    await gateway.stop();
    gateway = await startOnSameData();
    await listUntil(quiet, quiet.identity.id, dm.id, texts);
    expect(await received(quiet)).toBe(3);

    // A new message is counted by the next read.
    await dm.sendText('fourth');
    await listUntil(quiet, quiet.identity.id, dm.id, [...texts, 'fourth']);
    expect(await received(quiet)).toBe(4);

    expect(await received(other)).toBe(0);
  }, 240_000);

  it('a message the event pipeline counted is not counted again by a REST read', async () => {
    const hooked = await tenantWithIdentity('with webhook');
    const hook = await call(hooked.key, 'POST', '/v1/webhooks', { url: receiver.url(), events: ['message.received'] });
    expect(hook.status).toBe(201);
    const peer = peers.clients[0]!;
    const dm = await peer.client.conversations.createDm(hooked.identity.inboxId);
    await dm.sendText('to the pipeline 1');
    await dm.sendText('to the pipeline 2');

    const deadline = Date.now() + 90_000;
    while ((await received(hooked)) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect(await received(hooked)).toBe(2);

    await listUntil(hooked, hooked.identity.id, dm.id, ['to the pipeline 1', 'to the pipeline 2']);
    expect(await received(hooked)).toBe(2);
  }, 180_000);
});
