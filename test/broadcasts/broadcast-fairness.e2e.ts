import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { privateKeyToAddress, generatePrivateKey } from 'viem/accounts';
import { createPrismaClient, type PrismaClient } from '@mailroom/persistence';
import { BroadcastRunner } from '../../apps/gateway/src/modules/broadcasts/broadcast-runner.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { pollUntil } from '../support/wait.js';

/**
 * Broadcasts share the runner fairly: one turn is one batch, and the tenant that waited longest goes next. A broadcast
 * whose identity was deleted fails what is left with a reason instead of being claimed again and again.
 * Recipients are addresses that never registered on XMTP (skipped after one lookup), so turns are cheap.
 */
let database: TestDatabase;
let gateway: TestGateway;
let prisma: PrismaClient;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.url);
  gateway = await startTestGateway({ DATABASE_URL: database.url });
});

afterAll(async () => {
  await gateway?.close();
  await prisma?.$disconnect();
  await database?.drop();
});

const addresses = (n: number) =>
  Array.from({ length: n }, () => privateKeyToAddress(generatePrivateKey()).toLowerCase());

async function tenantWithIdentity(): Promise<{ key: string; identityId: string }> {
  const { adminToken } = await signUpTenant(gateway);
  const { key } = await createApiKey(gateway, adminToken);
  const res = await fetch(`${gateway.url}/v1/identities`, {
    method: 'POST',
    headers: { ...bearer(key), 'content-type': 'application/json' },
    body: '{}',
  });
  expect(res.status).toBe(201);
  return { key, identityId: ((await res.json()) as { id: string }).id };
}

async function startBroadcast(key: string, identityId: string, recipients: string[]): Promise<string> {
  const res = await fetch(`${gateway.url}/v1/identities/${identityId}/broadcasts`, {
    method: 'POST',
    headers: { ...bearer(key), 'content-type': 'application/json' },
    body: JSON.stringify({ recipients, content: { type: 'text', text: 'hello' } }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

const completedAt = async (id: string) => (await prisma.broadcast.findUniqueOrThrow({ where: { id } })).completedAt;

describe('broadcast runner', () => {
  it('lets a small broadcast of another tenant finish while a big one is still running', async () => {
    const big = await tenantWithIdentity();
    const small = await tenantWithIdentity();
    const runner = gateway.app.get(BroadcastRunner);
    // Both wait in the queue, the big one first, then the runner starts.
    await runner.onModuleDestroy();
    const bigId = await startBroadcast(big.key, big.identityId, addresses(800));
    const smallId = await startBroadcast(small.key, small.identityId, addresses(50));
    runner.onApplicationBootstrap();

    const smallDone = await pollUntil(
      () => completedAt(smallId).then((at) => at ?? undefined),
      'the small broadcast',
      120_000,
      100,
    );
    const bigDone = await pollUntil(
      () => completedAt(bigId).then((at) => at ?? undefined),
      'the big broadcast',
      180_000,
      250,
    );
    expect(smallDone.getTime()).toBeLessThan(bigDone.getTime());
  });

  it('fails what is left of a broadcast whose identity was deleted, with the reason, and completes it', async () => {
    const { key, identityId } = await tenantWithIdentity();
    const runner = gateway.app.get(BroadcastRunner);
    await runner.onModuleDestroy();
    const id = await startBroadcast(key, identityId, addresses(30));
    const deleted = await fetch(`${gateway.url}/v1/identities/${identityId}`, {
      method: 'DELETE',
      headers: bearer(key),
    });
    expect(deleted.status).toBeLessThan(300);
    runner.onApplicationBootstrap();

    await pollUntil(
      () => completedAt(id).then((at) => at ?? undefined),
      'the orphaned broadcast to complete',
      30_000,
      100,
    );
    const recipients = await prisma.broadcastRecipient.findMany({ where: { broadcastId: id } });
    expect(recipients).toHaveLength(30);
    expect(new Set(recipients.map((r) => r.status))).toEqual(new Set(['failed']));
    expect(recipients[0]!.reason).toMatch(/identity/i);
  });
});
