import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { IdentityCustody, IdentityStatus, tenantScope, type Identity, type TenantScope } from '@mailroom/persistence';
import { isUniqueViolation } from '../../data/index.js';
import {
  IdentityBusyError,
  WalletSignatureError,
  WalletSignatureRequests,
  type WalletRequestIssued,
  type WalletSignerRef,
} from '@mailroom/xmtp';
import type { Principal } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { AuditService } from '../audit/audit.service.js';
import { identityIdFor } from './identities.service.js';
import { IdentityHosting } from './identity-hosting.js';
import { INSTALLATION_LIMIT, presentIdentity, type IdentitySummary } from './identity.presenter.js';
import { IdentityRepository } from './identity.repository.js';
import { WalletRequests } from './wallet-requests.js';

export interface WalletSignerInput {
  type: 'eoa' | 'scw';
  address: string;
  chainId?: number;
}

/** The 202 answer: what the wallet must sign, and what signing it will do. */
export interface SignatureRequestView {
  id: string;
  status: 'pending_signature';
  action: 'create' | 'revoke';
  signatureText: string;
  expiresAt: string;
  signer: { type: 'eoa' | 'scw'; address: string; chainId?: number };
  inboxId: string;
  /** create: the installation the signature registers; revoke: those it revokes. */
  installationId?: string;
  installationIds?: string[];
  /** create: the inbox's installations before and after signing (the network allows 10). */
  installationBudget?: { current: number; afterSigning: number; limit: number; inboxExists: boolean };
}

/**
 * Wallet-owned identities: the wallet key stays with its owner; Mailroom holds the installation and its database key.
 * Creation and revocation are signature requests answered by the wallet (see WalletSignatureRequests).
 */
@Injectable()
export class WalletIdentitiesService {
  constructor(
    private readonly identities: IdentityRepository,
    private readonly hosting: IdentityHosting,
    private readonly requests: WalletRequests,
    private readonly audit: AuditService,
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
  ) {}

  async create(
    scope: TenantScope,
    input: { label?: string; externalId?: string; signer: WalletSignerInput },
    idempotencyKey?: string,
  ): Promise<SignatureRequestView | IdentitySummary> {
    const signer = checkSigner(input.signer);
    const id = identityIdFor(scope, idempotencyKey);
    const existing = await this.identities.findAnyStatus(scope, id);
    if (existing)
      return existing.status === IdentityStatus.pending_signature
        ? this.requestCreation(scope, existing)
        : presentIdentity(existing);

    const waiting = await this.identities.countWithStatus(scope, IdentityStatus.pending_signature);
    if (waiting >= this.runtime.config.wallets.maxPendingPerTenant) {
      throw new DomainError(
        ErrorCode.Conflict,
        `${waiting} wallet-owned identities of this tenant already wait for their signature; complete or delete one first.`,
        { limit: 'pending_signatures' },
      );
    }
    await this.call(async () => this.requests.checkRoom(id));
    const dbEncryptionKey = new Uint8Array(randomBytes(32));
    let row: Identity;
    try {
      row = await this.identities.create(scope, {
        id,
        label: input.label ?? null,
        externalId: input.externalId ?? null,
        address: signer.address,
        custody: IdentityCustody.wallet,
        status: IdentityStatus.pending_signature,
        dbPath: path.join('identities', scope.tenantId, `${id}.db3`),
        ...this.hosting.seal(id, { dbEncryptionKey }),
        walletSigner: { kind: signer.kind, chainId: signer.kind === 'scw' ? signer.chainId : null },
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(ErrorCode.Conflict, `An identity with externalId "${input.externalId}" already exists.`);
      }
      throw error;
    } finally {
      dbEncryptionKey.fill(0);
    }
    return this.requestCreation(scope, row);
  }

  /** Issues the creation text again: the pending one while it lives in this process, a new one after expiry or a restart. */
  async reissue(scope: TenantScope, id: string): Promise<SignatureRequestView> {
    const row = await this.require(scope, id);
    if (row.status !== IdentityStatus.pending_signature) {
      const pending = this.requests.pending(row.id);
      if (pending) return this.view(row, await this.signerOf(row), pending);
      throw new DomainError(
        ErrorCode.Conflict,
        `Identity ${id} is ${row.status.replace('_', ' ')}; it waits for no signature.`,
      );
    }
    return this.requestCreation(scope, row);
  }

  /** Starts revoking installations of a wallet-owned identity's inbox; revoking its own installation deletes the identity. */
  async requestRevocation(scope: TenantScope, id: string, installationIds: string[]): Promise<SignatureRequestView> {
    const row = await this.require(scope, id);
    if (row.custody !== IdentityCustody.wallet) {
      throw new DomainError(
        ErrorCode.Conflict,
        `Identity ${id} is custodial; use DELETE or installations/revoke-others.`,
      );
    }
    if (row.status !== IdentityStatus.active || !row.inboxId)
      throw new DomainError(ErrorCode.Conflict, `Identity ${id} is ${row.status.replace('_', ' ')}, not active.`);
    const signer = await this.signerOf(row);
    const ids = [...new Set(installationIds.map((i) => i.toLowerCase()))];
    const issued = await this.call(() => this.requests.beginRevoke(row.id, signer, row.inboxId!, ids));
    return this.view(row, signer, issued);
  }

  /** Completes the identity's pending creation or revocation with the wallet's signature. */
  async completeSignature(
    scope: TenantScope,
    actor: Principal,
    id: string,
    signature: `0x${string}`,
  ): Promise<IdentitySummary & { revoked?: string[] }> {
    const row = await this.require(scope, id);
    const completed = await this.call(() => this.requests.complete(row.id, signature));
    if (completed.kind === 'create') {
      const updated = await this.identities.update(scope, row.id, {
        status: IdentityStatus.active,
        inboxId: completed.inboxId,
        installationId: completed.installationId,
      });
      await this.audit.record(scope, {
        actor,
        action: 'identity.created',
        targetType: 'identity',
        targetId: row.id,
        metadata: {
          custody: 'wallet',
          inboxId: completed.inboxId,
          installationId: completed.installationId ?? null,
          address: row.address,
        },
      });
      return presentIdentity(updated);
    }
    const revoked = completed.installationIds ?? [];
    await this.audit.record(scope, {
      actor,
      action: 'identity.installations_revoked',
      targetType: 'identity',
      targetId: row.id,
      metadata: { custody: 'wallet', revokedCount: revoked.length, revoked: revoked.join(',') },
    });
    if (row.installationId && revoked.includes(row.installationId)) {
      await this.hosting.forgetDatabase(row);
      const deleted = await this.identities.update(scope, row.id, {
        status: IdentityStatus.deleted,
        deletedAt: new Date(),
        wrappedDataKey: null,
        encryptedDbKey: null,
      });
      await this.audit.record(scope, {
        actor,
        action: 'identity.deleted',
        targetType: 'identity',
        targetId: row.id,
        metadata: { custody: 'wallet', inboxId: row.inboxId },
      });
      return { ...presentIdentity(deleted), revoked };
    }
    return { ...presentIdentity(row), revoked };
  }

  /**
   * The wallet-owned part of DELETE: an active identity needs its wallet's signature to revoke its installation (answered
   * as a revocation request); a pending one just drops its request and unregistered database. Null for custodial
   * identities and pending ones, which the usual deletion finishes.
   */
  async beginDeletion(scope: TenantScope, id: string): Promise<SignatureRequestView | null> {
    const row = await this.require(scope, id);
    if (row.custody !== IdentityCustody.wallet) return null;
    if (row.status === IdentityStatus.active && row.installationId)
      return this.requestRevocation(scope, id, [row.installationId]);
    await this.requests.cancel(row.id);
    await this.hosting.forgetDatabase(row);
    return null;
  }

  private async requestCreation(scope: TenantScope, row: Identity): Promise<SignatureRequestView> {
    const signer = await this.signerOf(row);
    const storage = this.hosting.databaseStorage(row);
    await mkdir(path.dirname(storage.dbPath), { recursive: true, mode: 0o700 });
    let issued: WalletRequestIssued;
    try {
      issued = await this.call(() => this.requests.beginCreate(row.id, signer, storage));
    } finally {
      storage.dbEncryptionKey.fill(0);
    }
    if ((issued.installationCount ?? 0) >= INSTALLATION_LIMIT) {
      await this.requests.cancel(row.id);
      throw new DomainError(
        ErrorCode.Conflict,
        `The inbox of ${row.address} already has ${issued.installationCount} of ${INSTALLATION_LIMIT} installations; revoke one with that wallet before adding Mailroom's.`,
        { installationCount: issued.installationCount, installationLimit: INSTALLATION_LIMIT },
      );
    }
    if (row.inboxId !== issued.inboxId) await this.identities.update(scope, row.id, { inboxId: issued.inboxId });
    return this.view(row, signer, issued);
  }

  private view(row: Identity, signer: WalletSignerRef, issued: WalletRequestIssued): SignatureRequestView {
    return {
      id: row.id,
      status: 'pending_signature',
      action: issued.kind,
      signatureText: issued.signatureText,
      expiresAt: issued.expiresAt.toISOString(),
      signer:
        signer.kind === 'scw'
          ? { type: 'scw', address: signer.address, chainId: Number(signer.chainId) }
          : { type: 'eoa', address: signer.address },
      inboxId: issued.inboxId,
      ...(issued.installationId ? { installationId: issued.installationId } : {}),
      ...(issued.installationIds ? { installationIds: issued.installationIds } : {}),
      ...(issued.kind === 'create'
        ? {
            installationBudget: {
              current: issued.installationCount ?? 0,
              afterSigning: (issued.installationCount ?? 0) + 1,
              limit: INSTALLATION_LIMIT,
              inboxExists: issued.inboxExists ?? false,
            },
          }
        : {}),
    };
  }

  private async signerOf(row: Identity): Promise<WalletSignerRef> {
    const signer = await this.identities.walletSigner(tenantScope(row.tenantId), row.id);
    if (!signer) throw new DomainError(ErrorCode.Conflict, `Identity ${row.id} is not wallet-owned.`);
    return signer.kind === 'scw'
      ? { kind: 'scw', address: row.address, chainId: signer.chainId ?? 0n }
      : { kind: 'eoa', address: row.address };
  }

  private async require(scope: TenantScope, id: string): Promise<Identity> {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await this.identities.findVisible(scope, id) : null;
    if (!row) throw new DomainError(ErrorCode.NotFound, `No identity ${id}.`);
    return row;
  }

  /** Maps signature request failures to domain errors with the reason in words. */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof IdentityBusyError)
        throw new DomainError(ErrorCode.ServiceUnavailable, `${error.message}; retry shortly.`);
      if (!(error instanceof WalletSignatureError)) throw error;
      switch (error.code) {
        case 'no_pending_request':
          throw new DomainError(ErrorCode.Conflict, `No signature request is waiting: ${error.message}.`, {
            reason: error.code,
          });
        case 'invalid_signer':
          throw new DomainError(ErrorCode.ValidationFailed, error.message, {
            errors: [{ field: 'signer', message: error.message }],
          });
        case 'too_many_pending':
          throw new DomainError(ErrorCode.ServiceUnavailable, `${error.message}.`, { reason: error.code });
        case 'scw_unverifiable':
          throw new DomainError(ErrorCode.Unprocessable, `Smart contract wallet signature refused: ${error.message}.`, {
            reason: error.code,
          });
        default:
          throw new DomainError(ErrorCode.Unprocessable, error.message, { reason: error.code });
      }
    }
  }
}

function checkSigner(input: WalletSignerInput): WalletSignerRef {
  try {
    return WalletSignatureRequests.checkSigner(input);
  } catch (error) {
    if (error instanceof WalletSignatureError) {
      throw new DomainError(ErrorCode.ValidationFailed, error.message, {
        errors: [{ field: 'signer', message: error.message }],
      });
    }
    throw error;
  }
}
