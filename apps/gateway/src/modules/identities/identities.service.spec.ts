import { describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { IdentityStatus } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { InMemoryAuditRepository } from '../../testing/fakes/in-memory-audit-repository.js';
import { InMemoryIdentityRepository } from '../../testing/fakes/in-memory-identity-repository.js';
import { RecordingIdentityHosting } from '../../testing/fakes/recording-identity-hosting.js';
import { apiKeyOf, TENANT_A, TENANT_B } from '../../testing/principals.js';
import { AuditService } from '../audit/audit.service.js';
import { IdentityTokenService } from '../auth/identity-token.service.js';
import { IdentitiesService, identityIdFor } from './identities.service.js';
import type { IdentityHosting } from './identity-hosting.js';

function setUp() {
  const identities = new InMemoryIdentityRepository();
  const audit = new InMemoryAuditRepository();
  const hosting = new RecordingIdentityHosting();
  const tokens = new IdentityTokenService(new JwtService({ secret: 'unit-test-secret-unit-test-secret-0000' }));
  const service = new IdentitiesService(
    identities,
    hosting as unknown as IdentityHosting,
    new AuditService(audit),
    tokens,
  );
  return { service, identities, audit, hosting };
}

const errorOf = (promise: Promise<unknown>): Promise<DomainError> =>
  promise.then(
    () => undefined as never,
    (e: unknown) => e as DomainError,
  );

describe('IdentitiesService (in-memory identity repository)', () => {
  it('creates an identity: keys persisted first, then registered, then active and audited', async () => {
    const { service, identities, audit, hosting } = setUp();
    const created = await service.create(TENANT_A, apiKeyOf(TENANT_A), { label: 'support', externalId: 'u-1' });
    expect(created).toMatchObject({ status: 'active', label: 'support', externalId: 'u-1' });
    expect(created.inboxId).toBe(`inbox-${created.id}`);
    expect(hosting.registered).toEqual([created.id]);
    const row = identities.table.get(TENANT_A, created.id)!;
    expect(row.dbPath).toContain(TENANT_A.tenantId);
    expect(row.encryptedDbKey).not.toBeNull();
    expect(audit.actions(TENANT_A)).toEqual(['identity.created']);
  });

  it('answers a retried create with the same Idempotency-Key with the same identity, finishing a half-made one', async () => {
    const { service, identities, hosting } = setUp();
    const id = identityIdFor(TENANT_A, 'retry-key');
    // What a crash between persisting the keys and the network's answer leaves behind.
    await identities.create(TENANT_A, {
      id,
      label: null,
      externalId: null,
      address: '0xabc',
      status: IdentityStatus.creating,
      dbPath: 'identities/x.db3',
      ...hosting.seal(),
    });
    const finished = await service.create(TENANT_A, apiKeyOf(TENANT_A), {}, 'retry-key');
    expect(finished).toMatchObject({ id, status: 'active', address: '0xabc' });
    const again = await service.create(TENANT_A, apiKeyOf(TENANT_A), {}, 'retry-key');
    expect(again.id).toBe(id);
    expect(hosting.registered).toEqual([id]);
    expect(identities.table.all(TENANT_A)).toHaveLength(1);
  });

  it('refuses a second identity with the same externalId in a tenant, not in another tenant', async () => {
    const { service } = setUp();
    await service.create(TENANT_A, apiKeyOf(TENANT_A), { externalId: 'u-1' });
    expect((await errorOf(service.create(TENANT_A, apiKeyOf(TENANT_A), { externalId: 'u-1' }))).code).toBe(
      ErrorCode.Conflict,
    );
    await expect(service.create(TENANT_B, apiKeyOf(TENANT_B), { externalId: 'u-1' })).resolves.toMatchObject({
      status: 'active',
    });
  });

  it('lists newest first in pages, filtered, and refuses a cursor it did not make', async () => {
    const { service } = setUp();
    const ids: string[] = [];
    for (const label of ['a', 'b', 'c']) {
      ids.push((await service.create(TENANT_A, apiKeyOf(TENANT_A), { label })).id);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const first = await service.list(TENANT_A, { limit: 2 });
    expect(first.items.map((i) => i.id)).toEqual([ids[2], ids[1]]);
    const second = await service.list(TENANT_A, { limit: 2, cursor: first.nextCursor! });
    expect(second).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    expect((await service.list(TENANT_A, { label: 'b' })).items.map((i) => i.id)).toEqual([ids[1]]);
    expect((await errorOf(service.list(TENANT_A, { cursor: 'not-a-cursor' }))).code).toBe(ErrorCode.ValidationFailed);
  });

  it("keeps tenants apart: B neither lists, reads, deletes nor mints tokens for A's identity", async () => {
    const { service, identities, hosting } = setUp();
    const { id } = await service.create(TENANT_A, apiKeyOf(TENANT_A), {});
    expect((await service.list(TENANT_B, {})).items).toEqual([]);
    expect((await errorOf(service.get(TENANT_B, id))).code).toBe(ErrorCode.NotFound);
    expect((await errorOf(service.delete(TENANT_B, apiKeyOf(TENANT_B), id))).code).toBe(ErrorCode.NotFound);
    expect((await errorOf(service.mintToken(TENANT_B, id))).code).toBe(ErrorCode.NotFound);
    expect(hosting.destroyed).toEqual([]);
    expect(identities.table.get(TENANT_A, id)!.status).toBe(IdentityStatus.active);
  });

  it('deletes: the installation destroyed, the keys gone, the identity invisible afterwards, audited', async () => {
    const { service, identities, audit, hosting } = setUp();
    const { id } = await service.create(TENANT_A, apiKeyOf(TENANT_A), {});
    await service.delete(TENANT_A, apiKeyOf(TENANT_A), id);
    expect(hosting.destroyed).toEqual([id]);
    expect(identities.table.get(TENANT_A, id)).toMatchObject({
      status: IdentityStatus.deleted,
      wrappedDataKey: null,
      encryptedWalletKey: null,
      encryptedDbKey: null,
    });
    expect((await errorOf(service.get(TENANT_A, id))).code).toBe(ErrorCode.NotFound);
    expect((await service.list(TENANT_A, {})).items).toEqual([]);
    expect(audit.actions(TENANT_A)).toEqual(['identity.created', 'identity.deleted']);
  });

  it('refuses to act for a broken identity, saying why', async () => {
    const { service, identities } = setUp();
    const { id } = await service.create(TENANT_A, apiKeyOf(TENANT_A), {});
    await identities.markBroken(TENANT_A, id, 'database_key_rejected');
    const error = await errorOf(service.requireActive(TENANT_A, id));
    expect(error.code).toBe(ErrorCode.Conflict);
    expect(error.message).toContain('database_key_rejected');
  });

  it('audits an inbox close to its installation limit once per count', async () => {
    const { service, audit, hosting } = setUp();
    const { id } = await service.create(TENANT_A, apiKeyOf(TENANT_A), {});
    hosting.installations = 8;
    const detail = await service.get(TENANT_A, id);
    await service.get(TENANT_A, id);
    expect(detail.inboxState).toMatchObject({ installationCount: 8, installationLimit: 10 });
    expect(audit.actions(TENANT_A).filter((a) => a === 'identity.installation_budget')).toHaveLength(1);
  });
});
