import { describe, expect, it } from '@jest/globals';
import { IdentityStatus, type Identity, type TenantScope } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { InMemoryBroadcastRepository } from '../../testing/fakes/in-memory-broadcast-repository.js';
import { TENANT_A, TENANT_B } from '../../testing/principals.js';
import type { IdentitiesService } from '../identities/identities.service.js';
import type { BroadcastRunner } from './broadcast-runner.js';
import { BroadcastsService } from './broadcasts.service.js';

const IDENTITY = '11111111-1111-4111-8111-111111111111';
const ALICE = `0x${'a'.repeat(40)}`;
const BOB_INBOX = 'b'.repeat(64);

function setUp() {
  const broadcasts = new InMemoryBroadcastRepository();
  let wakes = 0;
  const visible = async (scope: TenantScope, id: string): Promise<Identity> => {
    if (scope.tenantId !== TENANT_A.tenantId || id !== IDENTITY)
      throw new DomainError(ErrorCode.NotFound, `Identity ${id} not found.`);
    return { id, tenantId: scope.tenantId, status: IdentityStatus.active } as unknown as Identity;
  };
  const identities = { requireActive: visible, requireVisible: visible } as unknown as IdentitiesService;
  const runner = { wake: () => void wakes++ } as unknown as BroadcastRunner;
  return { service: new BroadcastsService(identities, broadcasts, runner), broadcasts, wakes: () => wakes };
}

const text = { type: 'text', text: 'hello all' };
const errorOf = (promise: Promise<unknown>): Promise<DomainError> =>
  promise.then(
    () => undefined as never,
    (e: unknown) => e as DomainError,
  );

describe('BroadcastsService (in-memory repository)', () => {
  it('queues every recipient (lowercased), wakes the runner and shows the progress', async () => {
    const { service, broadcasts, wakes } = setUp();
    const started = await service.start(TENANT_A, IDENTITY, {
      recipients: [ALICE.toUpperCase().replace('0X', '0x'), BOB_INBOX],
      content: text,
    });
    expect(started).toMatchObject({
      identityId: IDENTITY,
      status: 'running',
      content: text,
      total: 2,
      queued: 2,
      sent: 0,
      skipped: 0,
      failed: 0,
      completedAt: null,
    });
    expect(broadcasts.recipientsOf.get(started.id)!.map((r) => r.recipient)).toEqual([ALICE, BOB_INBOX]);
    expect(wakes()).toBe(1);

    broadcasts.markRecipient(started.id, 0, 'sent');
    broadcasts.markRecipient(started.id, 1, 'skipped', 'not_on_xmtp');
    expect(await service.get(TENANT_A, IDENTITY, started.id)).toMatchObject({
      queued: 0,
      sent: 1,
      skipped: 1,
      skippedBy: { not_on_xmtp: 1 },
    });
  });

  it('answers a retry with the same idempotency key with the same broadcast, without queueing it twice', async () => {
    const { service, broadcasts } = setUp();
    const first = await service.start(TENANT_A, IDENTITY, { recipients: [ALICE], content: text }, 'key-1');
    const again = await service.start(TENANT_A, IDENTITY, { recipients: [ALICE], content: text }, 'key-1');
    const other = await service.start(TENANT_A, IDENTITY, { recipients: [ALICE], content: text }, 'key-2');
    expect(again.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    expect(broadcasts.broadcasts.size).toBe(2);
  });

  it('refuses bad recipients and content before touching the store', async () => {
    const { service, broadcasts } = setUp();
    const badRecipient = await errorOf(
      service.start(TENANT_A, IDENTITY, { recipients: ['not-an-address'], content: text }),
    );
    expect(badRecipient.code).toBe(ErrorCode.ValidationFailed);
    expect(badRecipient.details.errors?.[0]?.field).toBe('recipients.0');
    expect(
      (await errorOf(service.start(TENANT_A, IDENTITY, { recipients: [ALICE], content: { type: 'text', text: '' } })))
        .code,
    ).toBe(ErrorCode.ValidationFailed);
    expect(broadcasts.broadcasts.size).toBe(0);
  });

  it("keeps tenants apart: B cannot read A's broadcast, even with the ids", async () => {
    const { service } = setUp();
    const started = await service.start(TENANT_A, IDENTITY, { recipients: [ALICE], content: text });
    expect((await errorOf(service.get(TENANT_B, IDENTITY, started.id))).code).toBe(ErrorCode.NotFound);
    expect((await errorOf(service.get(TENANT_A, IDENTITY, 'not-a-uuid'))).code).toBe(ErrorCode.NotFound);
  });

  it("lists the identity's broadcasts newest first, page by page, and only to its tenant", async () => {
    const { service, broadcasts } = setUp();
    const first = await service.start(TENANT_A, IDENTITY, { recipients: [ALICE], content: text });
    const second = await service.start(TENANT_A, IDENTITY, { recipients: [ALICE, BOB_INBOX], content: text });
    broadcasts.broadcasts.get(first.id)!.createdAt = new Date(Date.now() - 60_000);
    const page = await service.list(TENANT_A, IDENTITY, { limit: 1 });
    expect(page.items.map((b) => [b.id, b.total])).toEqual([[second.id, 2]]);
    const next = await service.list(TENANT_A, IDENTITY, { limit: 1, cursor: page.nextCursor! });
    expect(next).toEqual({ items: [expect.objectContaining({ id: first.id })], nextCursor: null });
    expect((await errorOf(service.list(TENANT_B, IDENTITY, {}))).code).toBe(ErrorCode.NotFound);
    expect((await errorOf(service.list(TENANT_A, IDENTITY, { cursor: 'nonsense' }))).code).toBe(
      ErrorCode.ValidationFailed,
    );
  });

  it('lists recipients with the reason each failed or was skipped, filtered by status', async () => {
    const { service, broadcasts } = setUp();
    const started = await service.start(TENANT_A, IDENTITY, { recipients: [ALICE, BOB_INBOX], content: text });
    broadcasts.markRecipient(started.id, 0, 'failed', 'Group creation failed');
    broadcasts.markRecipient(started.id, 1, 'sending');
    const failed = await service.recipients(TENANT_A, IDENTITY, started.id, { status: 'failed' });
    expect(failed.items).toEqual([
      expect.objectContaining({ position: 0, recipient: ALICE, status: 'failed', reason: 'Group creation failed' }),
    ]);
    const all = await service.recipients(TENANT_A, IDENTITY, started.id, { limit: 1 });
    expect(all.items.map((r) => r.status)).toEqual(['failed']);
    const rest = await service.recipients(TENANT_A, IDENTITY, started.id, { limit: 1, cursor: all.nextCursor! });
    // A send in progress reads as still queued.
    expect(rest).toEqual({ items: [expect.objectContaining({ position: 1, status: 'queued' })], nextCursor: null });
    expect((await errorOf(service.recipients(TENANT_B, IDENTITY, started.id, {}))).code).toBe(ErrorCode.NotFound);
  });
});
