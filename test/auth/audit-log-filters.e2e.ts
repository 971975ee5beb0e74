// GET /v1/audit-log filters (actor, action, time) against Postgres: they combine, page with the cursor inside the
// same filters, stay inside the tenant, and bad values answer 400 problem+json.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant, type SignedUpTenant } from '../support/factories.js';
import { REDIS_URL, startTestGateway, type TestGateway } from '../support/gateway.js';

let database: TestDatabase;
let gateway: TestGateway;
let tenant: SignedUpTenant;
let other: SignedUpTenant;
let keyId: string;

interface AuditItem {
  id: string;
  actor: { type: string; id: string | null };
  action: string;
  targetId: string | null;
  createdAt: string;
}

async function auditLog(
  token: string,
  query: Record<string, string | number>,
): Promise<{ items: AuditItem[]; nextCursor: string | null }> {
  const answer = await request(gateway.url).get('/v1/audit-log').query(query).set(bearer(token)).expect(200);
  return answer.body as { items: AuditItem[]; nextCursor: string | null };
}

beforeAll(async () => {
  database = await createTestDatabase();
  gateway = await startTestGateway({ DATABASE_URL: database.url, REDIS_URL, XMTP_API_URL: 'http://127.0.0.1:1' });
  tenant = await signUpTenant(gateway);
  other = await signUpTenant(gateway);
  // Admin-made: three keys; key-made: one key (an API key with the `keys` scope creates another).
  for (const name of ['one', 'two', 'three']) await createApiKey(gateway, tenant.adminToken, ['keys'], name);
  const key = await createApiKey(gateway, tenant.adminToken, ['keys'], 'automation');
  keyId = key.id;
  await createApiKey(gateway, key.key, ['keys'], 'made by a key');
  await createApiKey(gateway, other.adminToken, ['keys'], 'other tenant');
});

afterAll(async () => {
  await gateway?.close();
  await database?.drop();
});

describe('audit log filters', () => {
  it('filters by action, exactly or by resource prefix', async () => {
    const created = await auditLog(tenant.adminToken, { action: 'api_key.created' });
    expect(created.items).toHaveLength(5);
    expect(new Set(created.items.map((i) => i.action))).toEqual(new Set(['api_key.created']));

    const all = await auditLog(tenant.adminToken, {});
    expect(all.items.some((i) => !i.action.startsWith('api_key.'))).toBe(true); // e.g. the signup's entries
    const prefixed = await auditLog(tenant.adminToken, { action: 'api_key.*' });
    expect(prefixed.items.map((i) => i.id)).toEqual(
      all.items.filter((i) => i.action.startsWith('api_key.')).map((i) => i.id),
    );
  });

  it('filters by actor type and actor id', async () => {
    const byKey = await auditLog(tenant.adminToken, { actorType: 'api_key' });
    expect(byKey.items.map((i) => [i.actor, i.action])).toEqual([[{ type: 'api_key', id: keyId }, 'api_key.created']]);
    const byThatKey = await auditLog(tenant.adminToken, { actorId: keyId });
    expect(byThatKey.items.map((i) => i.id)).toEqual(byKey.items.map((i) => i.id));

    const byAdmins = await auditLog(tenant.adminToken, { actorType: 'admin', action: 'api_key.created' });
    expect(byAdmins.items).toHaveLength(4);
    expect(new Set(byAdmins.items.map((i) => i.actor.type))).toEqual(new Set(['admin']));
  });

  it('filters by time: from inclusive, to exclusive', async () => {
    const created = (await auditLog(tenant.adminToken, { action: 'api_key.created' })).items;
    const newest = created[0]!;
    const oldest = created.at(-1)!;
    const fromNewest = await auditLog(tenant.adminToken, { action: 'api_key.created', from: newest.createdAt });
    expect(fromNewest.items.map((i) => i.id)).toContain(newest.id);
    expect(fromNewest.items.map((i) => i.id)).not.toContain(oldest.id);
    const beforeOldest = await auditLog(tenant.adminToken, { action: 'api_key.created', to: oldest.createdAt });
    expect(beforeOldest.items).toEqual([]);
    const window = await auditLog(tenant.adminToken, {
      action: 'api_key.created',
      from: oldest.createdAt,
      to: new Date(Date.parse(newest.createdAt) + 1).toISOString(),
    });
    expect(window.items.map((i) => i.id)).toEqual(created.map((i) => i.id));
  });

  it('pages with the cursor inside the same filters', async () => {
    const first = await auditLog(tenant.adminToken, { action: 'api_key.created', limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await auditLog(tenant.adminToken, {
      action: 'api_key.created',
      limit: 2,
      cursor: first.nextCursor!,
    });
    const third = await auditLog(tenant.adminToken, {
      action: 'api_key.created',
      limit: 2,
      cursor: second.nextCursor!,
    });
    expect(third.nextCursor).toBeNull();
    const paged = [...first.items, ...second.items, ...third.items];
    expect(paged.map((i) => i.action)).toEqual(Array(5).fill('api_key.created'));
    expect(new Set(paged.map((i) => i.id)).size).toBe(5);
  });

  it('never shows another tenant’s entries, even by that tenant’s actor id', async () => {
    const otherAdmin = (await auditLog(other.adminToken, { action: 'api_key.created' })).items[0]!.actor.id!;
    expect((await auditLog(tenant.adminToken, { actorId: otherAdmin })).items).toEqual([]);
    const names = (await auditLog(tenant.adminToken, { action: 'api_key.created' })).items.map((i) => i.targetId);
    const otherKeys = (await auditLog(other.adminToken, { action: 'api_key.created' })).items.map((i) => i.targetId);
    expect(names.filter((id) => otherKeys.includes(id))).toEqual([]);
  });

  it('answers 400 problem+json for filters it cannot read', async () => {
    for (const query of [
      { actorType: 'robot' },
      { actorId: 'not-a-uuid' },
      { action: 'DROP TABLE' },
      { from: 'yesterday' },
      { to: '2026-13-45T00:00:00Z' },
    ]) {
      const answer = await request(gateway.url)
        .get('/v1/audit-log')
        .query(query)
        .set(bearer(tenant.adminToken))
        .expect(400);
      expect(answer.headers['content-type']).toContain('application/problem+json');
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual([Object.keys(query)[0]]);
    }
  });
});
