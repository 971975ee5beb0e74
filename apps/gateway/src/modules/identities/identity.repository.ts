import { Injectable } from '@nestjs/common';
import {
  IdentityStatus,
  Prisma,
  type IdentityCustody,
  PrismaClient,
  scopedWhere,
  type Identity,
  type TenantScope,
} from '@mailroom/persistence';

export interface IdentityPage {
  items: Identity[];
  nextCursor: string | null;
}

export interface CursorPosition {
  createdAt: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The columns of a new identity row (the others take their defaults) and, for a wallet-owned one, its signer. */
export type NewIdentity = Pick<
  Identity,
  | 'id'
  | 'label'
  | 'externalId'
  | 'address'
  | 'status'
  | 'dbPath'
  | 'wrappedDataKey'
  | 'encryptedWalletKey'
  | 'encryptedDbKey'
> & {
  readonly custody?: IdentityCustody;
  readonly walletSigner?: { readonly kind: 'eoa' | 'scw'; readonly chainId: bigint | null };
};

/** The columns services change on an identity. */
export type IdentityChanges = Partial<
  Pick<
    Identity,
    'status' | 'inboxId' | 'installationId' | 'deletedAt' | 'wrappedDataKey' | 'encryptedWalletKey' | 'encryptedDbKey'
  >
>;

export function encodeIdentityCursor(row: Identity): string {
  return Buffer.from(
    JSON.stringify({ createdAt: row.createdAt.toISOString(), id: row.id } satisfies CursorPosition),
  ).toString('base64url');
}

/** Null for anything that is not a cursor of this list. */
export function decodeIdentityCursor(cursor: string): CursorPosition | null {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorPosition;
    const wellFormed =
      typeof value.createdAt === 'string' &&
      !Number.isNaN(new Date(value.createdAt).getTime()) &&
      typeof value.id === 'string' &&
      UUID.test(value.id);
    return wellFormed ? value : null;
  } catch {
    return null;
  }
}

/**
 * Identity rows of one tenant. Deleted identities are invisible here except to `findAnyStatus`. The cross-tenant
 * recovery query lives in system/interrupted-identities.system-repository.ts.
 */
export abstract class IdentityRepository {
  abstract findVisible(scope: TenantScope, id: string): Promise<Identity | null>;
  abstract countWithStatus(scope: TenantScope, status: IdentityStatus): Promise<number>;
  abstract findAnyStatus(scope: TenantScope, id: string): Promise<Identity | null>;
  /** Newest first, deleted ones left out; null when the cursor is not one of this list's. */
  abstract list(
    scope: TenantScope,
    filter: { externalId?: string; label?: string; limit: number; cursor?: string },
  ): Promise<IdentityPage | null>;
  /** Throws a unique violation (see `isUniqueViolation`) when the tenant has the externalId already. */
  abstract create(scope: TenantScope, identity: NewIdentity): Promise<Identity>;
  /** Returns the changed row; throws when the identity is not in this tenant. */
  abstract update(scope: TenantScope, id: string, changes: IdentityChanges): Promise<Identity>;
  /** Records the identity broken unless it already left the active/creating states; reason cut to 500 characters. */
  abstract markBroken(scope: TenantScope, id: string, reason: string): Promise<void>;
  /** The kind (and chain) of a wallet-owned identity's signer; null for a hosted one. */
  abstract walletSigner(
    scope: TenantScope,
    identityId: string,
  ): Promise<{ kind: string; chainId: bigint | null } | null>;
}

@Injectable()
export class PrismaIdentityRepository extends IdentityRepository {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  findVisible(scope: TenantScope, id: string): Promise<Identity | null> {
    return this.prisma.identity.findFirst({
      where: scopedWhere<Prisma.IdentityWhereInput>(scope, { id, status: { not: IdentityStatus.deleted } }),
    });
  }

  countWithStatus(scope: TenantScope, status: IdentityStatus): Promise<number> {
    return this.prisma.identity.count({ where: scopedWhere<Prisma.IdentityWhereInput>(scope, { status }) });
  }

  findAnyStatus(scope: TenantScope, id: string): Promise<Identity | null> {
    return this.prisma.identity.findFirst({ where: scopedWhere<Prisma.IdentityWhereInput>(scope, { id }) });
  }

  async list(
    scope: TenantScope,
    filter: { externalId?: string; label?: string; limit: number; cursor?: string },
  ): Promise<IdentityPage | null> {
    const position = filter.cursor ? decodeIdentityCursor(filter.cursor) : undefined;
    if (position === null) return null;
    const after: Prisma.IdentityWhereInput = position
      ? {
          OR: [
            { createdAt: { lt: new Date(position.createdAt) } },
            { createdAt: new Date(position.createdAt), id: { lt: position.id } },
          ],
        }
      : {};
    const rows = await this.prisma.identity.findMany({
      where: scopedWhere<Prisma.IdentityWhereInput>(scope, {
        status: { not: IdentityStatus.deleted },
        ...(filter.externalId !== undefined ? { externalId: filter.externalId } : {}),
        ...(filter.label !== undefined ? { label: filter.label } : {}),
        ...after,
      }),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: filter.limit + 1,
    });
    const items = rows.slice(0, filter.limit);
    return { items, nextCursor: rows.length > filter.limit ? encodeIdentityCursor(items[items.length - 1]!) : null };
  }

  create(scope: TenantScope, { walletSigner, ...identity }: NewIdentity): Promise<Identity> {
    return this.prisma.identity.create({
      data: {
        ...identity,
        tenantId: scope.tenantId,
        ...(walletSigner ? { walletSigner: { create: walletSigner } } : {}),
      },
    });
  }

  async update(scope: TenantScope, id: string, changes: IdentityChanges): Promise<Identity> {
    const { count } = await this.prisma.identity.updateMany({
      where: scopedWhere<Prisma.IdentityWhereInput>(scope, { id }),
      data: changes,
    });
    if (count !== 1) throw new Error(`identity ${id} vanished during an update`);
    return (await this.findAnyStatus(scope, id))!;
  }

  async markBroken(scope: TenantScope, id: string, reason: string): Promise<void> {
    await this.prisma.identity.updateMany({
      where: scopedWhere<Prisma.IdentityWhereInput>(scope, {
        id,
        status: { in: [IdentityStatus.active, IdentityStatus.creating] },
      }),
      data: { status: IdentityStatus.broken, brokenReason: reason.slice(0, 500) },
    });
  }

  walletSigner(scope: TenantScope, identityId: string): Promise<{ kind: string; chainId: bigint | null } | null> {
    return this.prisma.identityWalletSigner.findFirst({
      where: { identityId, identity: { tenantId: scope.tenantId } },
      select: { kind: true, chainId: true },
    });
  }
}
