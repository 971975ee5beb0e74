import { Injectable } from '@nestjs/common';
import {
  IdentityStatus,
  Prisma,
  PrismaClient,
  scopedWhere,
  type Identity,
  type TenantScope,
} from '@mailroom/persistence';

export interface IdentityPage {
  items: Identity[];
  nextCursor: string | null;
}

interface CursorPosition {
  createdAt: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function encodeCursor(row: Identity): string {
  return Buffer.from(
    JSON.stringify({ createdAt: row.createdAt.toISOString(), id: row.id } satisfies CursorPosition),
  ).toString('base64url');
}

function decodeCursor(cursor: string): CursorPosition | null {
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
@Injectable()
export class IdentityRepository {
  constructor(private readonly prisma: PrismaClient) {}

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
    const position = filter.cursor ? decodeCursor(filter.cursor) : undefined;
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
    return { items, nextCursor: rows.length > filter.limit ? encodeCursor(items[items.length - 1]!) : null };
  }

  create(scope: TenantScope, data: Omit<Prisma.IdentityUncheckedCreateInput, 'tenantId'>): Promise<Identity> {
    return this.prisma.identity.create({ data: { ...data, tenantId: scope.tenantId } });
  }

  async update(scope: TenantScope, id: string, data: Prisma.IdentityUpdateManyMutationInput): Promise<Identity> {
    const { count } = await this.prisma.identity.updateMany({
      where: scopedWhere<Prisma.IdentityWhereInput>(scope, { id }),
      data,
    });
    if (count !== 1) throw new Error(`identity ${id} vanished during an update`);
    return (await this.findAnyStatus(scope, id))!;
  }

  /** Records the identity broken unless it already left the active/creating states; reason cut to 500 characters. */
  async markBroken(scope: TenantScope, id: string, reason: string): Promise<void> {
    await this.prisma.identity.updateMany({
      where: scopedWhere<Prisma.IdentityWhereInput>(scope, {
        id,
        status: { in: [IdentityStatus.active, IdentityStatus.creating] },
      }),
      data: { status: IdentityStatus.broken, brokenReason: reason.slice(0, 500) },
    });
  }

  /** The kind (and chain) of a wallet-owned identity's signer; null for a hosted one. */
  walletSigner(scope: TenantScope, identityId: string): Promise<{ kind: string; chainId: bigint | null } | null> {
    return this.prisma.identityWalletSigner.findFirst({
      where: { identityId, identity: { tenantId: scope.tenantId } },
      select: { kind: true, chainId: true },
    });
  }
}
