import { IdentityCustody, IdentityStatus, type Identity, type TenantScope } from '@mailroom/persistence';
import {
  decodeIdentityCursor,
  encodeIdentityCursor,
  IdentityRepository,
  type IdentityChanges,
  type IdentityPage,
  type NewIdentity,
} from '../../modules/identities/identity.repository.js';
import { uniqueViolation } from './in-memory-api-key-repository.js';
import { InMemoryTable, newestFirst } from './in-memory-table.js';

export class InMemoryIdentityRepository extends IdentityRepository {
  readonly table = new InMemoryTable<Identity>();
  readonly signers = new Map<string, { kind: string; chainId: bigint | null }>();

  async findVisible(scope: TenantScope, id: string): Promise<Identity | null> {
    const row = this.table.get(scope, id);
    return row && row.status !== IdentityStatus.deleted ? row : null;
  }

  async countWithStatus(scope: TenantScope, status: IdentityStatus): Promise<number> {
    return this.table.all(scope).filter((row) => row.status === status).length;
  }

  async findAnyStatus(scope: TenantScope, id: string): Promise<Identity | null> {
    return this.table.get(scope, id) ?? null;
  }

  async list(
    scope: TenantScope,
    filter: { externalId?: string; label?: string; limit: number; cursor?: string },
  ): Promise<IdentityPage | null> {
    const position = filter.cursor ? decodeIdentityCursor(filter.cursor) : undefined;
    if (position === null) return null;
    const after = position && { id: position.id, createdAt: new Date(position.createdAt) };
    const rows = this.table
      .all(scope)
      .filter(
        (row) =>
          row.status !== IdentityStatus.deleted &&
          (filter.externalId === undefined || row.externalId === filter.externalId) &&
          (filter.label === undefined || row.label === filter.label) &&
          (!after || newestFirst(after, row) < 0),
      )
      .sort(newestFirst)
      .slice(0, filter.limit + 1);
    const items = rows.slice(0, filter.limit);
    return { items, nextCursor: rows.length > filter.limit ? encodeIdentityCursor(items[items.length - 1]!) : null };
  }

  async create(scope: TenantScope, { walletSigner, ...identity }: NewIdentity): Promise<Identity> {
    const taken = (row: Identity) => identity.externalId !== null && row.externalId === identity.externalId;
    if (this.table.rows.has(identity.id) || this.table.all(scope).some(taken)) throw uniqueViolation();
    if (walletSigner) this.signers.set(identity.id, walletSigner);
    const now = new Date();
    return this.table.put({
      custody: IdentityCustody.custodial,
      inboxId: null,
      installationId: null,
      brokenReason: null,
      deletedAt: null,
      ...identity,
      tenantId: scope.tenantId,
      createdAt: now,
      updatedAt: now,
    });
  }

  async update(scope: TenantScope, id: string, changes: IdentityChanges): Promise<Identity> {
    const row = this.table.get(scope, id);
    if (!row) throw new Error(`identity ${id} vanished during an update`);
    return this.table.put({ ...row, ...changes, updatedAt: new Date() });
  }

  async markBroken(scope: TenantScope, id: string, reason: string): Promise<void> {
    const row = this.table.get(scope, id);
    if (row && (row.status === IdentityStatus.active || row.status === IdentityStatus.creating))
      this.table.put({ ...row, status: IdentityStatus.broken, brokenReason: reason.slice(0, 500) });
  }

  async walletSigner(scope: TenantScope, identityId: string): Promise<{ kind: string; chainId: bigint | null } | null> {
    return this.table.get(scope, identityId) ? (this.signers.get(identityId) ?? null) : null;
  }
}
