import { describe, expect, it } from '@jest/globals';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { InMemoryAuditRepository } from '../../testing/fakes/in-memory-audit-repository.js';
import { adminOf, apiKeyOf, TENANT_A, TENANT_B } from '../../testing/principals.js';
import { AuditService } from './audit.service.js';

describe('AuditService (in-memory repository)', () => {
  it('records who did what, and lists it newest first in pages per tenant', async () => {
    const audit = new AuditService(new InMemoryAuditRepository());
    await audit.record(TENANT_A, {
      actor: adminOf(TENANT_A),
      action: 'a.first',
      targetType: 'thing',
      targetId: 't1',
      metadata: { n: 1 },
    });
    await new Promise((resolve) => setTimeout(resolve, 2));
    await audit.record(TENANT_A, { actor: apiKeyOf(TENANT_A), action: 'a.second' });
    await audit.record(TENANT_A, { actor: { type: 'system' }, action: 'a.third' });
    await audit.record(TENANT_B, { actor: adminOf(TENANT_B), action: 'b.only' });

    const first = await audit.list(TENANT_A, { limit: 2 });
    const second = await audit.list(TENANT_A, { limit: 2, cursor: first.nextCursor! });
    const items = [...first.items, ...second.items];
    expect(items.map((i) => i.action).sort()).toEqual(['a.first', 'a.second', 'a.third']);
    expect(items.at(-1)).toMatchObject({
      action: 'a.first',
      actor: { type: 'admin', id: adminOf(TENANT_A).adminId },
      targetId: 't1',
      metadata: { n: 1 },
    });
    expect(items.find((i) => i.action === 'a.third')!.actor).toEqual({ type: 'system', id: null });
    expect(second.nextCursor).toBeNull();
    expect((await audit.list(TENANT_B, {})).items.map((i) => i.action)).toEqual(['b.only']);
  });

  it('finds once-only entries by action, target and metadata, within the tenant only', async () => {
    const audit = new AuditService(new InMemoryAuditRepository());
    await audit.record(TENANT_A, {
      actor: { type: 'system' },
      action: 'quota.warned',
      targetId: 'q',
      metadata: { period: '2026-12' },
    });
    const query = { action: 'quota.warned', targetId: 'q', metadata: { period: '2026-12' } };
    expect(await audit.hasEntry(TENANT_A, query)).toBe(true);
    expect(await audit.hasEntry(TENANT_A, { ...query, metadata: { period: '2027-01' } })).toBe(false);
    expect(await audit.hasEntry(TENANT_B, query)).toBe(false);
  });

  it('answers a forged cursor with a validation error', async () => {
    const audit = new AuditService(new InMemoryAuditRepository());
    const error = await audit.list(TENANT_A, { cursor: 'not-a-cursor' }).catch((e: unknown) => e);
    expect((error as DomainError).code).toBe(ErrorCode.ValidationFailed);
  });
});
