import { randomBytes, randomUUID, createHash } from 'node:crypto';
import path from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import { IdentityStatus, type Identity, type TenantScope } from '@mailroom/persistence';
import { isUniqueViolation } from '../../data/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../../common/auth/index.js';
import { IdentityTokenService } from '../auth/identity-token.service.js';
import { IdentityRepository, type IdentityPage } from './identity.repository.js';
import { IdentityHosting } from './identity-hosting.js';
import {
  IDENTITY_UPDATE_LIMIT,
  INSTALLATION_LIMIT,
  presentIdentity,
  type IdentitySummary,
  type InboxStateView,
} from './identity.presenter.js';

export interface CreateIdentityInput {
  label?: string;
  externalId?: string;
  /** Import: host this existing wallet's inbox instead of generating a new wallet. */
  privateKey?: `0x${string}`;
}

/** Identity ids derived from (tenant, Idempotency-Key): a retried create after a crash finds its own half-made row. */
export function identityIdFor(scope: TenantScope, idempotencyKey: string | undefined): string {
  if (!idempotencyKey) return randomUUID();
  const hash = createHash('sha256').update(`mailroom identity\0${scope.tenantId}\0${idempotencyKey}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50; // RFC 9562 version 5 layout, SHA-256 based
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

@Injectable()
export class IdentitiesService {
  private readonly logger = new Logger('Identities');

  constructor(
    private readonly identities: IdentityRepository,
    private readonly hosting: IdentityHosting,
    private readonly audit: AuditService,
    private readonly tokens: IdentityTokenService,
  ) {}

  /**
   * Creates (or imports) a hosted identity. Keys are sealed and persisted before the network registration, so a crash
   * at any point leaves a `creating` row that a retry or the start-up sweep finishes with the same keys and the same
   * database file — never a second inbox or installation.
   */
  async create(
    scope: TenantScope,
    actor: Principal,
    input: CreateIdentityInput,
    idempotencyKey?: string,
  ): Promise<IdentitySummary> {
    const id = identityIdFor(scope, idempotencyKey);
    const existing = await this.identities.findAnyStatus(scope, id);
    if (existing)
      return presentIdentity(
        existing.status === IdentityStatus.creating ? await this.finishCreation(scope, existing) : existing,
      );

    const walletKey = input.privateKey ?? generatePrivateKey();
    const address = privateKeyToAddress(walletKey).toLowerCase();
    const dbEncryptionKey = new Uint8Array(randomBytes(32));
    let row: Identity;
    try {
      row = await this.identities.create(scope, {
        id,
        label: input.label ?? null,
        externalId: input.externalId ?? null,
        address,
        status: IdentityStatus.creating,
        dbPath: path.join('identities', scope.tenantId, `${id}.db3`),
        ...this.hosting.seal(id, { walletPrivateKey: walletKey, dbEncryptionKey }),
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(ErrorCode.Conflict, `An identity with externalId "${input.externalId}" already exists.`);
      }
      throw error;
    } finally {
      dbEncryptionKey.fill(0);
    }
    const created = await this.finishCreation(scope, row);
    await this.audit.record(scope, {
      actor,
      action: input.privateKey ? 'identity.imported' : 'identity.created',
      targetType: 'identity',
      targetId: created.id,
      metadata: { inboxId: created.inboxId, installationId: created.installationId, address: created.address },
    });
    return presentIdentity(created);
  }

  /** Registers the persisted keys on the network (idempotent for the same keys and database file). */
  async finishCreation(scope: TenantScope, row: Identity): Promise<Identity> {
    const registered = await this.hosting.register(row);
    const updated = await this.identities.update(scope, row.id, {
      status: IdentityStatus.active,
      inboxId: registered.inboxId,
      installationId: registered.installationId,
    });
    await this.checkInstallationBudget(scope, updated, registered.installationCount);
    return updated;
  }

  async list(
    scope: TenantScope,
    query: { limit?: number; cursor?: string; externalId?: string; label?: string },
  ): Promise<{ items: IdentitySummary[]; nextCursor: string | null }> {
    const page: IdentityPage | null = await this.identities.list(scope, { ...query, limit: query.limit ?? 50 });
    if (!page)
      throw new DomainError(ErrorCode.ValidationFailed, 'The cursor is not valid.', {
        errors: [{ field: 'cursor', message: 'is not a cursor from this list' }],
      });
    return { items: page.items.map(presentIdentity), nextCursor: page.nextCursor };
  }

  async get(
    scope: TenantScope,
    id: string,
  ): Promise<
    IdentitySummary & {
      installations: InboxStateView['installations'];
      identityUpdateCount: number | null;
      inboxState: InboxStateView | null;
    }
  > {
    const row = await this.require(scope, id);
    if (row.status !== IdentityStatus.active)
      return { ...presentIdentity(row), installations: [], identityUpdateCount: null, inboxState: null };
    const state = await this.hosting.inboxState(row);
    await this.checkInstallationBudget(scope, row, state.installations.length);
    const installations = state.installations.map((i) => ({
      id: i.id,
      createdAt: i.createdAt?.toISOString() ?? null,
      current: i.id === row.installationId,
    }));
    return {
      ...presentIdentity(row),
      // The contract's top-level fields (ARCHITECTURE.md), and the fuller view with limits.
      installations,
      identityUpdateCount: state.identityUpdateCount ?? null,
      inboxState: {
        installations,
        installationCount: state.installations.length,
        installationLimit: INSTALLATION_LIMIT,
        identityUpdateCount: state.identityUpdateCount ?? null,
        identityUpdateLimit: IDENTITY_UPDATE_LIMIT,
        identifiers: state.identifiers,
      },
    };
  }

  /** Revokes the installation on the network, deletes its database and destroys its keys. */
  async delete(scope: TenantScope, actor: Principal, id: string): Promise<void> {
    const row = await this.require(scope, id);
    if (row.status === IdentityStatus.active || row.status === IdentityStatus.creating) {
      await this.hosting.destroy(row);
    }
    await this.identities.update(scope, id, {
      status: IdentityStatus.deleted,
      deletedAt: new Date(),
      wrappedDataKey: null,
      encryptedWalletKey: null,
      encryptedDbKey: null,
    });
    await this.audit.record(scope, {
      actor,
      action: 'identity.deleted',
      targetType: 'identity',
      targetId: id,
      metadata: { inboxId: row.inboxId, installationId: row.installationId },
    });
  }

  async revokeOtherInstallations(scope: TenantScope, actor: Principal, id: string): Promise<{ revoked: string[] }> {
    const row = await this.requireActive(scope, id);
    const revoked = await this.hosting.revokeOthers(row);
    await this.audit.record(scope, {
      actor,
      action: 'identity.installations_revoked',
      targetType: 'identity',
      targetId: id,
      metadata: { revokedCount: revoked.length, revoked: revoked.join(',') },
    });
    return { revoked };
  }

  async mintToken(scope: TenantScope, id: string, ttlSeconds?: number) {
    const row = await this.requireActive(scope, id);
    const minted = await this.tokens.mint(scope, row.id, ttlSeconds);
    return { ...minted, identityId: row.id };
  }

  async requireActive(scope: TenantScope, id: string): Promise<Identity> {
    const row = await this.require(scope, id);
    if (row.status === IdentityStatus.broken) {
      throw new DomainError(ErrorCode.Conflict, `Identity ${id} is broken: ${row.brokenReason ?? 'unknown reason'}.`);
    }
    if (row.status !== IdentityStatus.active) {
      throw new DomainError(ErrorCode.Conflict, `Identity ${id} is ${row.status.replace('_', ' ')}, not active.`);
    }
    return row;
  }

  /** The tenant's identity whatever its status; 404 for another tenant's or an unknown id. */
  requireVisible(scope: TenantScope, id: string): Promise<Identity> {
    return this.require(scope, id);
  }

  private async require(scope: TenantScope, id: string): Promise<Identity> {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await this.identities.findVisible(scope, id) : null;
    if (!row) throw new DomainError(ErrorCode.NotFound, `No identity ${id}.`);
    return row;
  }

  private async checkInstallationBudget(scope: TenantScope, row: Identity, installationCount: number): Promise<void> {
    if (installationCount < 8) return;
    // Once per identity and count: reading an identity's state again must not flood the audit log.
    if (
      await this.audit.hasEntry(scope, {
        action: 'identity.installation_budget',
        targetId: row.id,
        metadata: { installationCount },
      })
    )
      return;
    this.logger.warn(
      { identityId: row.id, inboxId: row.inboxId, installationCount },
      'inbox is close to its installation limit',
    );
    await this.audit.record(scope, {
      actor: { type: 'system' },
      action: 'identity.installation_budget',
      targetType: 'identity',
      targetId: row.id,
      metadata: { inboxId: row.inboxId, installationCount, installationLimit: INSTALLATION_LIMIT },
    });
  }
}
