import type { TenantScope } from '@mailroom/persistence';
import type { PagePosition } from '../../modules/audit/page-cursor.js';
import {
  BroadcastRepository,
  tallyRecipients,
  type BroadcastCounts,
  type BroadcastRow,
  type RecipientOutcome,
  type RecipientStatus,
} from '../../modules/broadcasts/broadcast.repository.js';

interface FakeRecipient {
  recipient: string;
  status: RecipientStatus;
  reason: string | null;
}

export class InMemoryBroadcastRepository extends BroadcastRepository {
  readonly broadcasts = new Map<string, BroadcastRow>();
  readonly recipientsOf = new Map<string, FakeRecipient[]>();

  async create(
    scope: TenantScope,
    input: { id: string; identityId: string; content: unknown; recipients: string[] },
  ): Promise<BroadcastRow> {
    const existing = await this.find(scope, input.identityId, input.id);
    if (existing) return existing;
    const row: BroadcastRow = {
      id: input.id,
      tenantId: scope.tenantId,
      identityId: input.identityId,
      status: 'running',
      content: input.content,
      total: input.recipients.length,
      createdAt: new Date(),
      completedAt: null,
    };
    this.broadcasts.set(row.id, row);
    this.recipientsOf.set(
      row.id,
      input.recipients.map((recipient) => ({ recipient, status: 'queued', reason: null })),
    );
    return row;
  }

  async find(scope: TenantScope, identityId: string, id: string): Promise<BroadcastRow | null> {
    const row = this.broadcasts.get(id);
    return row?.tenantId === scope.tenantId && row.identityId === identityId ? row : null;
  }

  async counts(scope: TenantScope, broadcastId: string): Promise<BroadcastCounts> {
    const own = this.broadcasts.get(broadcastId)?.tenantId === scope.tenantId;
    return tallyRecipients(
      (own ? (this.recipientsOf.get(broadcastId) ?? []) : []).map(({ status, reason }) => ({
        status,
        reason,
        count: 1,
      })),
    );
  }

  async list(
    scope: TenantScope,
    identityId: string,
    page: { limit: number; after?: PagePosition },
  ): Promise<BroadcastRow[]> {
    const after = page.after;
    return [...this.broadcasts.values()]
      .filter((row) => row.tenantId === scope.tenantId && row.identityId === identityId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id))
      .filter(
        (row) =>
          !after ||
          row.createdAt < after.createdAt ||
          (row.createdAt.getTime() === after.createdAt.getTime() && row.id < after.id),
      )
      .slice(0, page.limit + 1);
  }

  async recipients(
    scope: TenantScope,
    broadcastId: string,
    page: { limit: number; afterPosition?: number; statuses?: RecipientStatus[] },
  ): Promise<RecipientOutcome[]> {
    if (this.broadcasts.get(broadcastId)?.tenantId !== scope.tenantId) return [];
    return (this.recipientsOf.get(broadcastId) ?? [])
      .map((r, position) => ({ ...r, position, inboxId: null, updatedAt: new Date(0) }))
      .filter((r) => page.afterPosition === undefined || r.position > page.afterPosition)
      .filter((r) => !page.statuses || page.statuses.includes(r.status))
      .slice(0, page.limit + 1);
  }

  /** Test setup: what the runner would have done to one recipient. */
  markRecipient(broadcastId: string, position: number, status: RecipientStatus, reason: string | null = null): void {
    const recipient = this.recipientsOf.get(broadcastId)![position]!;
    recipient.status = status;
    recipient.reason = reason;
  }
}
