import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { IdentitiesService, identityIdFor } from '../identities/identities.service.js';
import { BroadcastRunner } from './broadcast-runner.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../audit/page-cursor.js';
import {
  BroadcastRepository,
  type BroadcastRow,
  type RecipientOutcome,
  type RecipientStatus,
} from './broadcast.repository.js';
import { parseBroadcastContent, parseRecipients, type BroadcastContent } from './broadcast-content.js';

export interface BroadcastView {
  id: string;
  identityId: string;
  status: 'running' | 'completed';
  /** What is sent, as it was given. */
  content: BroadcastContent;
  total: number;
  queued: number;
  sent: number;
  skipped: number;
  failed: number;
  /** Skipped recipients by reason: not_on_xmtp, denied, duplicate, self. */
  skippedBy: Record<string, number>;
  createdAt: string;
  completedAt: string | null;
}

export interface BroadcastRecipientView {
  position: number;
  recipient: string;
  inboxId: string | null;
  /** `sending` is reported as `queued`: the send has not finished. */
  status: 'queued' | 'sent' | 'skipped' | 'failed';
  reason: string | null;
  updatedAt: string;
}

export const RECIPIENT_FILTERS = ['queued', 'sent', 'skipped', 'failed'] as const;

function presentRecipient(row: RecipientOutcome): BroadcastRecipientView {
  return {
    position: row.position,
    recipient: row.recipient,
    inboxId: row.inboxId,
    status: row.status === 'sending' ? 'queued' : row.status,
    reason: row.reason,
    updatedAt: row.updatedAt.toISOString(),
  };
}

function invalidCursor(): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, 'cursor is not valid', {
    errors: [{ field: 'cursor', message: 'cursor is not valid' }],
  });
}

/** Starting broadcasts and reading their progress; the sending is BroadcastRunner's. */
@Injectable()
export class BroadcastsService {
  constructor(
    private readonly identities: IdentitiesService,
    private readonly broadcasts: BroadcastRepository,
    private readonly runner: BroadcastRunner,
  ) {}

  async start(
    scope: TenantScope,
    identityId: string,
    input: { recipients: unknown; content: unknown },
    idempotencyKey?: string,
  ): Promise<BroadcastView> {
    const recipients = parseRecipients(input.recipients);
    const content = parseBroadcastContent(input.content);
    const identity = await this.identities.requireActive(scope, identityId);
    const id = idempotencyKey ? identityIdFor(scope, `broadcast\0${identity.id}\0${idempotencyKey}`) : randomUUID();
    const row = await this.broadcasts.create(scope, { id, identityId: identity.id, content, recipients });
    this.runner.wake();
    return this.view(scope, row);
  }

  async get(scope: TenantScope, identityId: string, broadcastId: string): Promise<BroadcastView> {
    const row = /^[0-9a-f-]{36}$/i.test(broadcastId)
      ? await this.broadcasts.find(scope, identityId, broadcastId)
      : null;
    if (!row) throw new DomainError(ErrorCode.NotFound, `No broadcast ${broadcastId} for identity ${identityId}.`);
    return this.view(scope, row);
  }

  /** The identity's broadcasts, newest first, each with its counts. */
  async list(
    scope: TenantScope,
    identityId: string,
    query: { limit?: number; cursor?: string },
  ): Promise<{ items: BroadcastView[]; nextCursor: string | null }> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    await this.identities.requireVisible(scope, identityId);
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await this.broadcasts.list(scope, identityId, { limit, after });
    const page = toPage(rows, limit, (row) => row);
    return { items: await Promise.all(page.items.map((row) => this.view(scope, row))), nextCursor: page.nextCursor };
  }

  /** One broadcast's recipients in the order given, optionally only those sent, skipped or failed. */
  async recipients(
    scope: TenantScope,
    identityId: string,
    broadcastId: string,
    query: { limit?: number; cursor?: string; status?: (typeof RECIPIENT_FILTERS)[number] },
  ): Promise<{ items: BroadcastRecipientView[]; nextCursor: string | null }> {
    const broadcast = await this.get(scope, identityId, broadcastId);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    let afterPosition: number | undefined;
    if (query.cursor !== undefined) {
      if (!/^\d{1,9}$/.test(query.cursor)) throw invalidCursor();
      afterPosition = Number(query.cursor);
    }
    const statuses: RecipientStatus[] | undefined =
      query.status === 'queued' ? ['queued', 'sending'] : query.status ? [query.status] : undefined;
    const rows = await this.broadcasts.recipients(scope, broadcast.id, { limit, afterPosition, statuses });
    const kept = rows.slice(0, limit);
    return {
      items: kept.map(presentRecipient),
      nextCursor: rows.length > limit ? String(kept.at(-1)!.position) : null,
    };
  }

  private async view(scope: TenantScope, row: BroadcastRow): Promise<BroadcastView> {
    const counts = await this.broadcasts.counts(scope, row.id);
    return {
      id: row.id,
      identityId: row.identityId,
      status: row.status,
      content: row.content as BroadcastContent,
      total: row.total,
      ...counts,
      createdAt: row.createdAt.toISOString(),
      completedAt: row.completedAt?.toISOString() ?? null,
    };
  }
}
