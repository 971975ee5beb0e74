import { describe, expect, it } from '@jest/globals';
import type { EventBus } from '@mailroom/events';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { InMemoryApiKeyRepository } from '../../testing/fakes/in-memory-api-key-repository.js';
import { InMemoryAuditRepository } from '../../testing/fakes/in-memory-audit-repository.js';
import { InMemoryUnitOfWork } from '../../testing/fakes/in-memory-unit-of-work.js';
import { adminOf, apiKeyOf, TENANT_A, TENANT_B } from '../../testing/principals.js';
import { AuditService } from '../audit/audit.service.js';
import type { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { API_KEY_REVOKED } from './api-key-revocations.js';
import { ApiKeysService } from './api-keys.service.js';

function setUp() {
  const keys = new InMemoryApiKeyRepository();
  const audit = new InMemoryAuditRepository();
  const forgotten: string[] = [];
  const published: Array<{ channel: string; payload: unknown }> = [];
  const authenticator = { forget: (id: string) => forgotten.push(id) } as unknown as ApiKeyAuthenticator;
  const bus = {
    publish: async (channel: string, payload: unknown) => void published.push({ channel, payload }),
  } as unknown as EventBus;
  const service = new ApiKeysService(
    keys,
    new InMemoryUnitOfWork(keys.table, audit.table),
    new AuditService(audit),
    authenticator,
    bus,
  );
  return { service, keys, audit, forgotten, published };
}

describe('ApiKeysService (in-memory repositories)', () => {
  it('creates a key with all scopes by default, shows the secret once and stores only its hash', async () => {
    const { service, keys, audit } = setUp();
    const created = await service.create(TENANT_A, adminOf(TENANT_A), { name: 'ci' });
    expect(created.key.startsWith(created.prefix)).toBe(true);
    expect(created.scopes).toEqual(['identities', 'messages', 'webhooks', 'keys']);
    const row = keys.table.get(TENANT_A, created.id)!;
    expect(row.hash).not.toContain(created.key);
    expect(JSON.stringify(await service.list(TENANT_A, {}))).not.toContain(created.key);
    expect(audit.actions(TENANT_A)).toEqual(['api_key.created']);
  });

  it('refuses an API key granting scopes it does not hold', async () => {
    const { service, keys } = setUp();
    const error = await service
      .create(TENANT_A, apiKeyOf(TENANT_A, ['keys']), { name: 'x', scopes: ['messages'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(ErrorCode.Forbidden);
    expect(keys.table.rows.size).toBe(0);
  });

  it('rolls the key back when its audit row cannot be written', async () => {
    const { service, keys, audit } = setUp();
    audit.failNextAppend = true;
    await expect(service.create(TENANT_A, adminOf(TENANT_A), { name: 'ci' })).rejects.toThrow('audit write failed');
    expect(keys.table.rows.size).toBe(0);
  });

  it('lists newest first in pages', async () => {
    const { service } = setUp();
    for (const name of ['one', 'two', 'three']) await service.create(TENANT_A, adminOf(TENANT_A), { name });
    const first = await service.list(TENANT_A, { limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await service.list(TENANT_A, { limit: 2, cursor: first.nextCursor! });
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((k) => k.name).sort()).toEqual(['one', 'three', 'two']);
  });

  it('revokes once: audits, forgets the cached key and announces it on the bus; a second revoke changes nothing', async () => {
    const { service, audit, forgotten, published } = setUp();
    const created = await service.create(TENANT_A, adminOf(TENANT_A), { name: 'ci' });
    await service.revoke(TENANT_A, adminOf(TENANT_A), created.id);
    await service.revoke(TENANT_A, adminOf(TENANT_A), created.id);
    const [listed] = (await service.list(TENANT_A, {})).items;
    expect(listed!.revokedAt).not.toBeNull();
    expect(audit.actions(TENANT_A).filter((a) => a === 'api_key.revoked')).toHaveLength(1);
    expect(forgotten).toContain(created.id);
    expect(published).toContainEqual({ channel: API_KEY_REVOKED, payload: { apiKeyId: created.id } });
  });

  it("keeps tenants apart: B neither lists nor revokes A's key", async () => {
    const { service, keys, audit } = setUp();
    const created = await service.create(TENANT_A, adminOf(TENANT_A), { name: 'a-key' });
    expect((await service.list(TENANT_B, {})).items).toEqual([]);
    const error = await service.revoke(TENANT_B, adminOf(TENANT_B), created.id).catch((e: unknown) => e);
    expect((error as DomainError).code).toBe(ErrorCode.NotFound);
    expect(keys.table.get(TENANT_A, created.id)!.revokedAt).toBeNull();
    expect(audit.actions(TENANT_B)).toEqual([]);
  });
});
