import { Inject, Injectable } from '@nestjs/common';
import type { TenantScope } from '@mailroom/persistence';
import { type Principal } from '../../common/auth/index.js';
import { DomainError, ErrorCode, type FieldProblem } from '../../common/errors/index.js';
import type { EventBus } from '@mailroom/events';
import { EVENT_BUS, GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { AuditService } from '../audit/audit.service.js';
import { UnitOfWork } from '../../data/index.js';
import { TenantSettingsRepository, type TenantSettingsChange } from './settings.repository.js';
import { announceSettingsChanged } from './tenant-settings-changes.js';
import {
  configuredStores,
  DEFAULT_ATTACHMENT_MAX_FILES,
  defaultStore,
  type AttachmentStore,
} from './settings.defaults.js';

type Setting<T> = { value: T; default: T; custom: boolean };

/** A tenant's effective settings: its own value where it set one, the operator's default elsewhere. */
export interface TenantSettingsView {
  attachments: {
    store: Setting<AttachmentStore> & { available: AttachmentStore[] };
    maxBytes: Setting<number> & { max: number };
    maxFiles: Setting<number>;
  };
  rateLimits: {
    perCredentialPerMinute: Setting<number> & { max: number };
    perTenantPerMinute: Setting<number> & { max: number };
  };
  updatedAt: string | null;
}

export interface TenantSettingsPatch {
  attachments?: { store?: AttachmentStore | null; maxBytes?: number | null; maxFiles?: number | null };
  rateLimits?: { perCredentialPerMinute?: number | null; perTenantPerMinute?: number | null };
}

const setting = <T>(own: T | null | undefined, fallback: T): Setting<T> => ({
  value: own ?? fallback,
  default: fallback,
  custom: own != null,
});

/** Reads and changes tenant settings. Other modules call `get(scope)` for the values in force. */
@Injectable()
export class TenantSettingsService {
  constructor(
    private readonly settings: TenantSettingsRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditService,
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
  ) {}

  async get(scope: TenantScope): Promise<TenantSettingsView> {
    const row = await this.settings.find(scope);
    const limits = this.runtime.config.rateLimits;
    const operator = this.runtime.config.attachments;
    return {
      attachments: {
        store: {
          ...setting(row?.attachmentStore as AttachmentStore | null | undefined, defaultStore(operator)),
          available: configuredStores(operator),
        },
        maxBytes: { ...setting(row?.attachmentMaxBytes, operator.maxBytes), max: operator.maxBytes },
        maxFiles: setting(row?.attachmentMaxFiles, DEFAULT_ATTACHMENT_MAX_FILES),
      },
      rateLimits: {
        perCredentialPerMinute: {
          ...setting(row?.rateLimitPerMinute, limits.perCredentialPerMinute),
          max: limits.perCredentialPerMinute,
        },
        perTenantPerMinute: {
          ...setting(row?.tenantRateLimitPerMinute, limits.perTenantPerMinute),
          max: limits.perTenantPerMinute,
        },
      },
      updatedAt: row?.updatedAt.toISOString() ?? null,
    };
  }

  async update(scope: TenantScope, actor: Principal, patch: TenantSettingsPatch): Promise<TenantSettingsView> {
    this.checkWithinOperatorLimits(patch);
    const data: TenantSettingsChange = {
      ...(patch.attachments?.store !== undefined ? { attachmentStore: patch.attachments.store } : {}),
      ...(patch.attachments?.maxBytes !== undefined ? { attachmentMaxBytes: patch.attachments.maxBytes } : {}),
      ...(patch.attachments?.maxFiles !== undefined ? { attachmentMaxFiles: patch.attachments.maxFiles } : {}),
      ...(patch.rateLimits?.perCredentialPerMinute !== undefined
        ? { rateLimitPerMinute: patch.rateLimits.perCredentialPerMinute }
        : {}),
      ...(patch.rateLimits?.perTenantPerMinute !== undefined
        ? { tenantRateLimitPerMinute: patch.rateLimits.perTenantPerMinute }
        : {}),
    };
    await this.unitOfWork.run(async (tx) => {
      await this.settings.save(scope, data, tx);
      await this.audit.record(
        scope,
        {
          actor,
          action: 'settings.updated',
          targetType: 'tenant',
          targetId: scope.tenantId,
          metadata: { fields: Object.keys(data).join(',') },
        },
        tx,
      );
    });
    await announceSettingsChanged(this.bus, scope.tenantId);
    return this.get(scope);
  }

  private checkWithinOperatorLimits(patch: TenantSettingsPatch): void {
    const limits = this.runtime.config.rateLimits;
    const operator = this.runtime.config.attachments;
    const problems: FieldProblem[] = [];
    const store = patch.attachments?.store;
    if (store != null && !configuredStores(operator).includes(store)) {
      problems.push({
        field: 'attachments.store',
        message: `must be one of the stores this gateway has configured: ${configuredStores(operator).join(', ')}`,
      });
    }
    const maxBytes = patch.attachments?.maxBytes;
    if (maxBytes != null && maxBytes > operator.maxBytes) {
      problems.push({
        field: 'attachments.maxBytes',
        message: `must be at most ${operator.maxBytes} (the operator limit)`,
      });
    }
    const perCredential = patch.rateLimits?.perCredentialPerMinute;
    const perTenant = patch.rateLimits?.perTenantPerMinute;
    if (perCredential != null && perCredential > limits.perCredentialPerMinute) {
      problems.push({
        field: 'rateLimits.perCredentialPerMinute',
        message: `must be at most ${limits.perCredentialPerMinute} (the operator limit)`,
      });
    }
    if (perTenant != null && perTenant > limits.perTenantPerMinute) {
      problems.push({
        field: 'rateLimits.perTenantPerMinute',
        message: `must be at most ${limits.perTenantPerMinute} (the operator limit)`,
      });
    }
    if (problems.length > 0)
      throw new DomainError(ErrorCode.ValidationFailed, 'Some settings are outside what this gateway allows.', {
        errors: problems,
      });
  }
}
