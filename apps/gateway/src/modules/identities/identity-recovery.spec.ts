import { describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { IdentityStatus, type TenantScope } from '@mailroom/persistence';
import { InMemoryAuditRepository } from '../../testing/fakes/in-memory-audit-repository.js';
import { InMemoryIdentityRepository } from '../../testing/fakes/in-memory-identity-repository.js';
import { InMemoryInterruptedIdentities } from '../../testing/fakes/in-memory-interrupted-identities.js';
import { RecordingIdentityHosting } from '../../testing/fakes/recording-identity-hosting.js';
import { TENANT_A, TENANT_B } from '../../testing/principals.js';
import { AuditService } from '../audit/audit.service.js';
import { IdentityTokenService } from '../auth/identity-token.service.js';
import { IdentitiesService } from './identities.service.js';
import type { IdentityHosting } from './identity-hosting.js';
import { IdentityRecovery } from './identity-recovery.js';

function setUp() {
  const identities = new InMemoryIdentityRepository();
  const hosting = new RecordingIdentityHosting();
  const service = new IdentitiesService(
    identities,
    hosting as unknown as IdentityHosting,
    new AuditService(new InMemoryAuditRepository()),
    new IdentityTokenService(new JwtService({ secret: 'unit-test-secret-unit-test-secret-0000' })),
  );
  const recovery = new IdentityRecovery(new InMemoryInterruptedIdentities(identities), service);
  let n = 0;
  const persist = (scope: TenantScope, status: IdentityStatus) =>
    identities.create(scope, {
      id: `00000000-0000-4000-8000-00000000000${++n}`,
      label: null,
      externalId: null,
      address: `0x${n}`,
      status,
      dbPath: `identities/${n}.db3`,
      ...hosting.seal(),
    });
  return { identities, hosting, recovery, persist };
}

describe('IdentityRecovery (in-memory repositories)', () => {
  it("finishes every tenant's interrupted creations in its own tenant, and retries one the network refused later", async () => {
    const { identities, hosting, recovery, persist } = setUp();
    const a = await persist(TENANT_A, IdentityStatus.creating);
    const b = await persist(TENANT_B, IdentityStatus.creating);
    const active = await persist(TENANT_A, IdentityStatus.active);
    hosting.failNextRegistration.add(b.id);

    expect(await recovery.resumeInterruptedCreations()).toBe(1);
    expect(identities.table.get(TENANT_A, a.id)).toMatchObject({ status: 'active', inboxId: `inbox-${a.id}` });
    expect(identities.table.get(TENANT_B, b.id)!.status).toBe(IdentityStatus.creating);
    expect(hosting.registered).not.toContain(active.id);

    expect(await recovery.resumeInterruptedCreations()).toBe(1);
    expect(identities.table.get(TENANT_B, b.id)).toMatchObject({ status: 'active', tenantId: TENANT_B.tenantId });
    expect(await recovery.resumeInterruptedCreations()).toBe(0);
    expect(hosting.registered).toEqual([a.id, b.id]);
  });
});
