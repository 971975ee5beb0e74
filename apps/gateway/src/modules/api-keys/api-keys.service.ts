import { Inject, Injectable } from '@nestjs/common';
import type { EventBus } from '@mailroom/events';
import type { ApiKey, ApiKeyScope, TenantScope } from '@mailroom/persistence';
import { API_KEY_SCOPES, type Principal } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { AuditService } from '../audit/audit.service.js';
import { isUniqueViolation, UnitOfWork } from '../../data/index.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../audit/page-cursor.js';
import { EVENT_BUS } from '../../runtime.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { announceRevocation } from './api-key-revocations.js';
import { generateApiKey } from './api-key-secret.js';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiKey extends ApiKeyView {
  /** The full key; it is never shown again. */
  key: string;
}

const PREFIX_ATTEMPTS = 3;

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditService,
    private readonly authenticator: ApiKeyAuthenticator,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
  ) {}

  async create(
    scope: TenantScope,
    actor: Principal,
    input: { name: string; scopes?: ApiKeyScope[] },
  ): Promise<CreatedApiKey> {
    const scopes = [...new Set(input.scopes ?? API_KEY_SCOPES)];
    if (actor.type === 'apiKey') {
      const beyond = scopes.filter((s) => !actor.scopes.includes(s));
      if (beyond.length > 0) {
        throw new DomainError(
          ErrorCode.Forbidden,
          `An API key cannot grant scopes it does not hold: ${beyond.join(', ')}.`,
        );
      }
    }
    for (let attempt = 1; ; attempt++) {
      const secret = generateApiKey();
      try {
        const row = await this.unitOfWork.run(async (tx) => {
          const created = await this.keys.create(
            scope,
            { name: input.name, prefix: secret.prefix, hash: secret.hash, scopes },
            tx,
          );
          await this.audit.record(
            scope,
            {
              actor,
              action: 'api_key.created',
              targetType: 'api_key',
              targetId: created.id,
              metadata: { name: created.name, prefix: created.prefix, scopes: scopes.join(',') },
            },
            tx,
          );
          return created;
        });
        return { ...toView(row), key: secret.key };
      } catch (error) {
        // A prefix collision (48 random bits) is rare but possible: draw a new key.
        if (!isUniqueViolation(error) || attempt >= PREFIX_ATTEMPTS) throw error;
      }
    }
  }

  /** Newest first; revoked keys included (with revokedAt) so the dashboard can show them. */
  async list(
    scope: TenantScope,
    page: { limit?: number; cursor?: string },
  ): Promise<{ items: ApiKeyView[]; nextCursor: string | null }> {
    const limit = page.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.keys.list(scope, {
      after: page.cursor ? decodeCursor(page.cursor) : undefined,
      take: limit + 1,
    });
    return toPage(rows, limit, toView);
  }

  /** Idempotent: revoking a revoked key succeeds and changes nothing. Another tenant's key is not found. */
  async revoke(scope: TenantScope, actor: Principal, id: string): Promise<void> {
    await this.unitOfWork.run(async (tx) => {
      const key = await this.keys.find(scope, id, tx);
      if (!key) throw new DomainError(ErrorCode.NotFound, 'API key not found.');
      if (!(await this.keys.revoke(scope, id, new Date(), tx))) return;
      await this.audit.record(
        scope,
        {
          actor,
          action: 'api_key.revoked',
          targetType: 'api_key',
          targetId: id,
          metadata: { name: key.name, prefix: key.prefix },
        },
        tx,
      );
    });
    this.authenticator.forget(id);
    await announceRevocation(this.bus, id);
  }
}

function toView(row: ApiKey): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
