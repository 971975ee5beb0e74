import { Inject, Injectable } from '@nestjs/common';
import type { BlobStoreKind } from '@mailroom/blob-storage';
import type { TenantScope } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { TenantSettingsRepository } from '../settings/settings.repository.js';
import { BlobStoresHolder } from './blob-stores.provider.js';

export interface TenantAttachmentLimits {
  readonly store: BlobStoreKind;
  readonly maxBytes: number;
  readonly maxFiles: number;
}

/** Files in one message when the tenant set no limit. */
export const DEFAULT_MAX_FILES = 10;

/** Settings use `filesystem` where configuration says `fs`. */
const STORE_NAMES: Record<string, BlobStoreKind> = { filesystem: 'fs', fs: 'fs', s3: 's3', ipfs: 'ipfs' };

/**
 * The limits in force for a tenant: its own setting (tenant_settings) where it has one, else the operator's
 * configuration; a tenant never gets more than the operator's ATTACHMENT_MAX_BYTES.
 */
@Injectable()
export class AttachmentLimits {
  constructor(
    private readonly settings: TenantSettingsRepository,
    private readonly stores: BlobStoresHolder,
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
  ) {}

  async forTenant(scope: TenantScope): Promise<TenantAttachmentLimits> {
    const row = await this.settings.find(scope);
    const operator = this.runtime.config.attachments;
    const chosen = row?.attachmentStore ? STORE_NAMES[row.attachmentStore] : undefined;
    const store = chosen ?? this.stores.stores.defaultKind;
    if (!this.stores.stores.has(store)) {
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        `The blob store ${row?.attachmentStore} chosen in the tenant settings is not configured on this gateway.`,
      );
    }
    return {
      store,
      maxBytes: Math.min(row?.attachmentMaxBytes ?? operator.maxBytes, operator.maxBytes),
      maxFiles: row?.attachmentMaxFiles ?? DEFAULT_MAX_FILES,
    };
  }
}
