import type { TenantScope } from '@mailroom/persistence';
import {
  BroadcastRepository,
  tallyRecipients,
  type BroadcastCounts,
  type BroadcastRow,
  type RecipientStatus,
} from '../../modules/broadcasts/broadcast.repository.js';

interface FakeRecipient {
  recipient: string;
  status: RecipientStatus;
  reason: string | null;
}

export class InMemoryBroadcastRepository extends BroadcastRepository {
  readonly broadcasts = new Map<string, BroadcastRow>();
  readonly recipients = new Map<string, FakeRecipient[]>();

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
    this.recipients.set(
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
      (own ? (this.recipients.get(broadcastId) ?? []) : []).map(({ status, reason }) => ({ status, reason, count: 1 })),
    );
  }

  /** Test setup: what the runner would have done to one recipient. */
  markRecipient(broadcastId: string, position: number, status: RecipientStatus, reason: string | null = null): void {
    const recipient = this.recipients.get(broadcastId)![position]!;
    recipient.status = status;
    recipient.reason = reason;
  }
}
