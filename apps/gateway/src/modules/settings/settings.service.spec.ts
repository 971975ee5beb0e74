import { describe, expect, it } from '@jest/globals';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import type { GatewayRuntime } from '../../runtime.js';
import { InMemoryAuditRepository } from '../../testing/fakes/in-memory-audit-repository.js';
import { InMemoryTenantSettingsRepository } from '../../testing/fakes/in-memory-tenant-settings-repository.js';
import { InMemoryUnitOfWork } from '../../testing/fakes/in-memory-unit-of-work.js';
import { RecordingEventBus } from '../../testing/fakes/recording-event-bus.js';
import { adminOf, TENANT_A, TENANT_B } from '../../testing/principals.js';
import { AuditService } from '../audit/audit.service.js';
import { TenantSettingsService } from './settings.service.js';
import { TENANT_SETTINGS_CHANGED } from './tenant-settings-changes.js';

const runtime = {
  config: {
    rateLimits: { perCredentialPerMinute: 600, perTenantPerMinute: 6000 },
    attachments: { defaultStore: 'fs', maxBytes: 10_000_000, s3: undefined, ipfs: undefined },
  },
} as unknown as GatewayRuntime;

function setUp() {
  const settings = new InMemoryTenantSettingsRepository();
  const audit = new InMemoryAuditRepository();
  const bus = new RecordingEventBus();
  const service = new TenantSettingsService(
    settings,
    new InMemoryUnitOfWork(settings, audit.table),
    new AuditService(audit),
    runtime,
    bus,
  );
  return { service, settings, audit, bus };
}

describe('TenantSettingsService (in-memory repositories)', () => {
  it("shows the operator's defaults for a tenant that set nothing", async () => {
    const { service } = setUp();
    const view = await service.get(TENANT_A);
    expect(view.rateLimits.perCredentialPerMinute).toEqual({ value: 600, default: 600, custom: false, max: 600 });
    expect(view.attachments.store).toEqual({
      value: 'filesystem',
      default: 'filesystem',
      custom: false,
      available: ['filesystem'],
    });
    expect(view.updatedAt).toBeNull();
  });

  it("applies a tenant's lower values, audits and announces the change, and leaves other tenants on defaults", async () => {
    const { service, audit, bus } = setUp();
    const view = await service.update(TENANT_A, adminOf(TENANT_A), {
      rateLimits: { perTenantPerMinute: 100 },
      attachments: { maxFiles: 3 },
    });
    expect(view.rateLimits.perTenantPerMinute).toMatchObject({ value: 100, custom: true });
    expect(view.attachments.maxFiles).toMatchObject({ value: 3, custom: true });
    expect(audit.actions(TENANT_A)).toEqual(['settings.updated']);
    expect(bus.published).toEqual([{ channel: TENANT_SETTINGS_CHANGED, payload: { tenantId: TENANT_A.tenantId } }]);
    expect((await service.get(TENANT_B)).rateLimits.perTenantPerMinute.custom).toBe(false);
  });

  it('keeps fields a patch leaves out, and null returns one to the default', async () => {
    const { service } = setUp();
    await service.update(TENANT_A, adminOf(TENANT_A), {
      rateLimits: { perTenantPerMinute: 100, perCredentialPerMinute: 10 },
    });
    const view = await service.update(TENANT_A, adminOf(TENANT_A), { rateLimits: { perCredentialPerMinute: null } });
    expect(view.rateLimits.perTenantPerMinute.value).toBe(100);
    expect(view.rateLimits.perCredentialPerMinute).toMatchObject({ value: 600, custom: false });
  });

  it("refuses values above the operator's limits or stores it has not configured, and saves nothing", async () => {
    const { service, settings, bus } = setUp();
    const error = await service
      .update(TENANT_A, adminOf(TENANT_A), {
        rateLimits: { perCredentialPerMinute: 601 },
        attachments: { store: 's3', maxBytes: 10_000_001 },
      })
      .catch((e: unknown) => e);
    expect((error as DomainError).code).toBe(ErrorCode.ValidationFailed);
    expect((error as DomainError).details.errors?.map((p) => p.field).sort()).toEqual([
      'attachments.maxBytes',
      'attachments.store',
      'rateLimits.perCredentialPerMinute',
    ]);
    expect(settings.rows.size).toBe(0);
    expect(bus.published).toEqual([]);
  });

  it('rolls the change back when its audit row cannot be written', async () => {
    const { service, settings, audit } = setUp();
    audit.failNextAppend = true;
    await expect(
      service.update(TENANT_A, adminOf(TENANT_A), { rateLimits: { perTenantPerMinute: 5 } }),
    ).rejects.toThrow();
    expect(settings.rows.size).toBe(0);
  });
});
