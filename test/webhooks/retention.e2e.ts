import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrismaClient, type PrismaClient } from '@mailroom/persistence';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, signUpTenant } from '../support/factories.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { pollUntil } from '../support/wait.js';

/** The retention sweep lets go of what is no longer needed, on its own schedule, and keeps what still is. */
let database: TestDatabase;
let gateway: TestGateway;
let prisma: PrismaClient;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.url);
  gateway = await startTestGateway({
    DATABASE_URL: database.url,
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    RETENTION_WEBHOOK_BODY_SECONDS: '3600',
    RETENTION_WEBHOOK_ATTEMPTS_SECONDS: String(10 * 86_400),
    RETENTION_REFRESH_TOKEN_SECONDS: String(7 * 86_400),
    RETENTION_SWEEP_INTERVAL_MS: '200',
  });
});

afterAll(async () => {
  await gateway?.close();
  await prisma?.$disconnect();
  await database?.drop();
});

describe('retention', () => {
  it('drops delivered webhook bodies after their window, old attempts, ended refresh tokens and expired idempotency records', async () => {
    const { tenantId, adminId, adminToken } = await signUpTenant(gateway);
    const created = await fetch(`${gateway.url}/v1/webhooks`, {
      method: 'POST',
      headers: { ...bearer(adminToken), 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://127.0.0.1:9/hook', events: ['message.received'] }),
    });
    expect(created.status).toBe(201);
    const endpointId = ((await created.json()) as { id: string }).id;
    const now = Date.now();
    const delivery = (eventId: string, data: { status: 'succeeded' | 'failed'; succeededAt?: Date }) =>
      prisma.webhookDelivery.create({
        data: {
          tenantId,
          endpointId,
          eventId,
          eventType: 'message.received',
          body: `{"id":"${eventId}","text":"secret plaintext"}`,
          nextAttemptAt: null,
          ...data,
        },
      });
    const oldDelivered = await delivery('old-delivered', {
      status: 'succeeded',
      succeededAt: new Date(now - 2 * HOUR),
    });
    const freshDelivered = await delivery('fresh-delivered', {
      status: 'succeeded',
      succeededAt: new Date(now - 60_000),
    });
    const failed = await delivery('failed', { status: 'failed' });
    await prisma.webhookAttempt.createMany({
      data: [
        {
          deliveryId: oldDelivered.id,
          number: 1,
          outcome: 'succeeded',
          startedAt: new Date(now - 11 * DAY),
          finishedAt: new Date(now - 11 * DAY),
        },
        {
          deliveryId: freshDelivered.id,
          number: 1,
          outcome: 'succeeded',
          startedAt: new Date(now - HOUR),
          finishedAt: new Date(now - HOUR),
        },
      ],
    });
    await prisma.adminRefreshToken.createMany({
      data: [
        { tenantId, adminUserId: adminId, tokenHash: `ended-${now}`, expiresAt: new Date(now - 8 * DAY) },
        {
          tenantId,
          adminUserId: adminId,
          tokenHash: `revoked-${now}`,
          expiresAt: new Date(now + DAY),
          revokedAt: new Date(now - 8 * DAY),
        },
        { tenantId, adminUserId: adminId, tokenHash: `recent-${now}`, expiresAt: new Date(now - DAY) },
      ],
    });
    await prisma.idempotencyRecord.createMany({
      data: [
        {
          tenantId,
          operation: 'POST /v1/identities',
          key: 'expired',
          requestHash: 'h',
          expiresAt: new Date(now - 1_000),
        },
        { tenantId, operation: 'POST /v1/identities', key: 'live', requestHash: 'h', expiresAt: new Date(now + HOUR) },
      ],
    });

    await pollUntil(
      async () => (await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: oldDelivered.id } })).body === null,
      'the old body purged',
      10_000,
      100,
    );
    await pollUntil(
      async () => (await prisma.idempotencyRecord.count({ where: { tenantId } })) === 1,
      'the expired record purged',
      10_000,
      100,
    );

    const rows = await prisma.webhookDelivery.findMany({ where: { endpointId }, orderBy: { eventId: 'asc' } });
    expect(rows.map((r) => [r.eventId, r.body === null, r.bodyPurgedAt !== null])).toEqual([
      ['failed', false, false],
      ['fresh-delivered', false, false],
      ['old-delivered', true, true],
    ]);
    expect(failed.body).toContain('secret plaintext');
    expect(
      (await prisma.webhookAttempt.findMany({ where: { delivery: { endpointId } } })).map((a) => a.deliveryId),
    ).toEqual([freshDelivered.id]);
    expect(
      (await prisma.adminRefreshToken.findMany({ where: { tokenHash: { endsWith: `-${now}` } } })).map(
        (t) => t.tokenHash,
      ),
    ).toEqual([`recent-${now}`]);
    expect((await prisma.idempotencyRecord.findMany({ where: { tenantId } })).map((r) => r.key)).toEqual(['live']);

    // The delivery itself stays in the log.
    const log = await fetch(`${gateway.url}/v1/webhooks/${endpointId}/deliveries`, { headers: bearer(adminToken) });
    expect(log.status).toBe(200);
    const listed = ((await log.json()) as { items: { eventId: string; status: string }[] }).items;
    expect(listed.map((d) => d.eventId).sort()).toEqual(['failed', 'fresh-delivered', 'old-delivered']);
  });
});
