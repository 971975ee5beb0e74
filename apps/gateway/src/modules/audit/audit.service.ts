import { Injectable } from '@nestjs/common';
import type { AuditLog, TenantScope } from '@mailroom/persistence';
import { actorOf, type Principal } from '../../common/auth/index.js';
import { AuditRepository, type AuditFilter, type AuditTransaction } from './audit.repository.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from './page-cursor.js';

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

/** The tenant's audit trail: who did what to which resource, and when. */
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  /** Writes one row; pass the transaction of the change it describes to commit (or roll back) with it. */
  async record(scope: TenantScope, entry: AuditEntry, tx?: AuditTransaction): Promise<void> {
    const actor = entry.actor.type === 'system' ? { type: 'system', id: null } : actorOf(entry.actor);
    await this.audit.append(
      scope,
      {
        actorType: actor.type,
        actorId: actor.id,
        action: entry.action,
        targetType: entry.targetType ?? null,
        targetId: entry.targetId ?? null,
        metadata: entry.metadata ?? null,
      },
      tx,
    );
  }

  /** Whether an entry with this action, target and metadata values exists already (for once-only events). */
  async hasEntry(
    scope: TenantScope,
    query: { action: string; targetId: string; metadata: Record<string, string | number | boolean> },
  ): Promise<boolean> {
    return this.audit.exists(scope, query);
  }

  /** Newest first, narrowed by the query's filters. */
  async list(scope: TenantScope, page: AuditListQuery): Promise<{ items: AuditItem[]; nextCursor: string | null }> {
    const limit = page.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.audit.list(scope, {
      after: page.cursor ? decodeCursor(page.cursor) : undefined,
      take: limit + 1,
      filter: filterOf(page),
    });
    return toPage(rows, limit, toAuditItem);
  }
}

export interface AuditListQuery {
  limit?: number;
  cursor?: string;
  actorType?: string;
  actorId?: string;
  /** Exact, or a prefix written `admin.*`. */
  action?: string;
  /** ISO 8601 instants: from inclusive, to exclusive. */
  from?: string;
  to?: string;
}

function filterOf(query: AuditListQuery): AuditFilter {
  return {
    actorType: query.actorType,
    actorId: query.actorId,
    action:
      query.action === undefined
        ? undefined
        : query.action.endsWith('.*')
          ? { prefix: query.action.slice(0, -1) }
          : { exact: query.action },
    from: query.from === undefined ? undefined : new Date(query.from),
    to: query.to === undefined ? undefined : new Date(query.to),
  };
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
