import { describe, expect, it } from '@jest/globals';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { InMemoryAdminUserRepository } from '../../testing/fakes/in-memory-admin-user-repository.js';
import { InMemoryAuditRepository } from '../../testing/fakes/in-memory-audit-repository.js';
import { InMemoryUnitOfWork } from '../../testing/fakes/in-memory-unit-of-work.js';
import { adminOf, TENANT_A, TENANT_B } from '../../testing/principals.js';
import { AuditService } from '../audit/audit.service.js';
import { AdminUsersService } from './admin-users.service.js';

async function setUp() {
  const admins = new InMemoryAdminUserRepository();
  const audit = new InMemoryAuditRepository();
  const service = new AdminUsersService(admins, new InMemoryUnitOfWork(admins, audit.table), new AuditService(audit));
  const owner = await admins.create(TENANT_A, {
    email: 'owner@a.test',
    passwordHash: 'x',
    role: 'owner',
    lastLoginAt: new Date(),
  });
  const member = await admins.create(TENANT_A, {
    email: 'admin@a.test',
    passwordHash: 'x',
    role: 'admin',
    lastLoginAt: new Date(),
  });
  return { service, admins, audit, owner, member };
}

const errorOf = (promise: Promise<unknown>): Promise<DomainError> =>
  promise.then(
    () => undefined as never,
    (e: unknown) => e as DomainError,
  );

describe('AdminUsersService (in-memory repositories)', () => {
  it('keeps at least one owner: the last owner can be neither demoted nor removed', async () => {
    const { service, owner, admins } = await setUp();
    const actor = adminOf(TENANT_A, 'owner');
    expect((await errorOf(service.changeRole(TENANT_A, actor, owner.id, 'admin'))).code).toBe(ErrorCode.Conflict);
    expect((await errorOf(service.remove(TENANT_A, actor, owner.id))).code).toBe(ErrorCode.Conflict);
    expect(admins.admins.get(TENANT_A, owner.id)!.role).toBe('owner');
  });

  it('lets an owner promote another admin, after which the first owner may step down; both audited', async () => {
    const { service, owner, member, audit } = await setUp();
    const actor = adminOf(TENANT_A, 'owner');
    expect((await service.changeRole(TENANT_A, actor, member.id, 'owner')).role).toBe('owner');
    expect((await service.changeRole(TENANT_A, actor, owner.id, 'viewer')).role).toBe('viewer');
    expect(audit.actions(TENANT_A)).toEqual(['admin.role_changed', 'admin.role_changed']);
  });

  it('refuses viewers and non-owners acting on owners', async () => {
    const { service, owner, member } = await setUp();
    expect((await errorOf(service.remove(TENANT_A, adminOf(TENANT_A, 'viewer'), member.id))).code).toBe(
      ErrorCode.Forbidden,
    );
    expect((await errorOf(service.changeRole(TENANT_A, adminOf(TENANT_A, 'admin'), owner.id, 'admin'))).code).toBe(
      ErrorCode.Forbidden,
    );
    expect((await errorOf(service.changeRole(TENANT_A, adminOf(TENANT_A, 'admin'), member.id, 'owner'))).code).toBe(
      ErrorCode.Forbidden,
    );
  });

  it("keeps tenants apart: B neither lists nor changes A's admins", async () => {
    const { service, member, admins } = await setUp();
    expect((await service.list(TENANT_B)).items).toEqual([]);
    expect((await errorOf(service.remove(TENANT_B, adminOf(TENANT_B, 'owner'), member.id))).code).toBe(
      ErrorCode.NotFound,
    );
    expect(admins.admins.get(TENANT_A, member.id)).toBeDefined();
  });
});
