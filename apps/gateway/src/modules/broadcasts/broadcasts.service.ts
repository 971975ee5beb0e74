import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { IdentitiesService, identityIdFor } from '../identities/identities.service.js';
import { BroadcastRunner } from './broadcast-runner.js';
import { BroadcastRepository, type BroadcastRow } from './broadcast.repository.js';
import { parseBroadcastContent, parseRecipients } from './broadcast-content.js';

export interface BroadcastView {
  id: string;
  identityId: string;
  status: 'running' | 'completed';
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

  private async view(scope: TenantScope, row: BroadcastRow): Promise<BroadcastView> {
    const counts = await this.broadcasts.counts(scope, row.id);
    return {
      id: row.id,
      identityId: row.identityId,
      status: row.status,
      total: row.total,
      ...counts,
      createdAt: row.createdAt.toISOString(),
      completedAt: row.completedAt?.toISOString() ?? null,
    };
  }
}
