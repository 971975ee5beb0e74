import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrismaClient, tenantScope, type PrismaClient, type TenantScope } from '@mailroom/persistence';
import {
  IdempotencyService,
  PrismaIdempotencyRecords,
  requestFingerprint,
} from '../../apps/gateway/src/common/idempotency/index.js';
import { DomainError } from '../../apps/gateway/src/common/errors/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let database: TestDatabase;
let prisma: PrismaClient;
let service: IdempotencyService;
let tenantA: TenantScope;
let tenantB: TenantScope;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.url);
  service = new IdempotencyService(new PrismaIdempotencyRecords(prisma));
  tenantA = tenantScope((await prisma.tenant.create({ data: { name: 'A' } })).id);
  tenantB = tenantScope((await prisma.tenant.create({ data: { name: 'B' } })).id);
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

describe('request fingerprints', () => {
  it('ignore key order and undefined fields, and tell different requests apart', () => {
    expect(requestFingerprint({ id: '1' }, { a: 1, b: [1, { c: 2, d: 3 }] })).toBe(
      requestFingerprint({ id: '1' }, { b: [1, { d: 3, c: 2 }], a: 1, z: undefined }),
    );
    expect(requestFingerprint({ id: '1' }, { a: 1 })).not.toBe(requestFingerprint({ id: '2' }, { a: 1 }));
    expect(requestFingerprint({}, { a: [1, 2] })).not.toBe(requestFingerprint({}, { a: [2, 1] }));
  });
});

describe('IdempotencyService on PostgreSQL', () => {
  it('lets exactly one of 20 concurrent claims run; the others replay its answer', async () => {
    let executions = 0;
    const attempt = async () => {
      const claim = await service.claim(tenantA, 'POST /v1/things', 'key-concurrent', 'h1');
      if (claim.kind === 'replay') return claim.response;
      executions += 1;
      await new Promise((r) => setTimeout(r, 150));
      const response = { status: 201, body: { id: 'thing-1', n: executions } };
      await service.complete(tenantA, claim.recordId, response);
      return response;
    };
    const answers = await Promise.all(Array.from({ length: 20 }, attempt));
    expect(executions).toBe(1);
    for (const answer of answers) expect(answer).toEqual({ status: 201, body: { id: 'thing-1', n: 1 } });
  });

  it('refuses the same key with a different request (422)', async () => {
    const claim = await service.claim(tenantA, 'POST /v1/things', 'key-mismatch', 'h1');
    expect(claim.kind).toBe('claimed');
    await service.complete(tenantA, (claim as { recordId: string }).recordId, { status: 201, body: {} });
    await expect(service.claim(tenantA, 'POST /v1/things', 'key-mismatch', 'h2')).rejects.toMatchObject({
      code: 'UNPROCESSABLE',
    });
    await expect(service.claim(tenantA, 'POST /v1/things', 'key-mismatch', 'h2')).rejects.toBeInstanceOf(DomainError);
  });

  it('keeps keys per tenant and per operation', async () => {
    const a = await service.claim(tenantA, 'POST /v1/things', 'shared-key', 'h1');
    const b = await service.claim(tenantB, 'POST /v1/things', 'shared-key', 'h-other');
    const c = await service.claim(tenantA, 'POST /v1/others', 'shared-key', 'h-other');
    expect([a.kind, b.kind, c.kind]).toEqual(['claimed', 'claimed', 'claimed']);
  });

  it('forgets a key whose first attempt failed, so a retry runs', async () => {
    const first = await service.claim(tenantA, 'POST /v1/things', 'key-failed', 'h1');
    await service.abandon(tenantA, (first as { recordId: string }).recordId);
    const retry = await service.claim(tenantA, 'POST /v1/things', 'key-failed', 'h1');
    expect(retry.kind).toBe('claimed');
  });

  it('lets a retry take over an attempt abandoned by a dead process, and expires answers after 24 h', async () => {
    const stale = await service.claim(tenantA, 'POST /v1/things', 'key-stale', 'h1');
    const staleId = (stale as { recordId: string }).recordId;
    await prisma.idempotencyRecord.update({
      where: { id: staleId },
      data: { createdAt: new Date(Date.now() - 10 * 60_000) },
    });
    const retry = await service.claim(tenantA, 'POST /v1/things', 'key-stale', 'h1');
    expect(retry).toEqual({ kind: 'claimed', recordId: staleId });

    await service.complete(tenantA, staleId, { status: 201, body: { old: true } });
    await prisma.idempotencyRecord.update({ where: { id: staleId }, data: { expiresAt: new Date(Date.now() - 1) } });
    const afterExpiry = await service.claim(tenantA, 'POST /v1/things', 'key-stale', 'h1');
    expect(afterExpiry.kind).toBe('claimed');
  });
});
