import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, scopedWhere, type AuditLog, type TenantScope } from '@mailroom/persistence';
import { actorOf, type Principal } from '../../common/auth/index.js';
import { afterPosition, decodeCursor, DEFAULT_PAGE_SIZE, toPage } from './page-cursor.js';

export type AuditActor = Principal | { readonly type: 'system' };

export interface AuditEntry {
  readonly actor: AuditActor;
  /** Dotted verb, e.g. `api_key.created`. */
  readonly action: string;
  readonly targetType?: string;
  readonly targetId?: string;
  /** Context for a human reader. Never secrets: no keys, tokens, passwords or hashes. */
  readonly metadata?: Record<string, string | number | boolean | null>;
}

export interface AuditItem {
  id: string;
  actor: { type: string; id: string | null };
  action: string;
  targetType: string | null;
  targetId: string | null;
  metadata: unknown;
  createdAt: string;
}

type Db = PrismaClient | Prisma.TransactionClient;

/** The tenant's audit trail: who did what to which resource, and when. */
@Injectable()
export class AuditService {
  constructor(private readonly prisma: PrismaClient) {}

  /** Writes one row; pass a transaction client to make it part of the change it describes. */
  async record(scope: TenantScope, entry: AuditEntry, db: Db = this.prisma): Promise<void> {
    const actor = entry.actor.type === 'system' ? { type: 'system', id: null } : actorOf(entry.actor);
    await db.auditLog.create({
      data: {
        tenantId: scope.tenantId,
        actorType: actor.type,
        actorId: actor.id,
        action: entry.action,
        targetType: entry.targetType ?? null,
        targetId: entry.targetId ?? null,
        metadata: entry.metadata ?? Prisma.DbNull,
      },
    });
  }

  /** Newest first. */
  /** Whether an entry with this action, target and metadata values exists already (for once-only events). */
  async hasEntry(
    scope: TenantScope,
    query: { action: string; targetId: string; metadata: Record<string, string | number | boolean> },
  ): Promise<boolean> {
    const found = await this.prisma.auditLog.findFirst({
      where: scopedWhere<Prisma.AuditLogWhereInput>(scope, {
        action: query.action,
        targetId: query.targetId,
        AND: Object.entries(query.metadata).map(([key, value]) => ({ metadata: { path: [key], equals: value } })),
      }),
      select: { id: true },
    });
    return found !== null;
  }

  async list(scope: TenantScope, page: { limit?: number; cursor?: string }): Promise<{ items: AuditItem[]; nextCursor: string | null }> {
    const limit = page.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.prisma.auditLog.findMany({
      where: scopedWhere<Prisma.AuditLogWhereInput>(scope, afterPosition(page.cursor ? decodeCursor(page.cursor) : undefined)),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    return toPage(rows, limit, toAuditItem);
  }
}

function toAuditItem(row: AuditLog): AuditItem {
  return {
    id: row.id,
    actor: { type: row.actorType, id: row.actorId },
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    metadata: row.metadata,
    createdAt: row.createdAt.toISOString(),
  };
}
