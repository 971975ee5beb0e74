import { describe, expect, it } from '@jest/globals';
import { tenantScope, type TenantScope } from '@mailroom/persistence';
import type { ApiKeyPrincipal, IdentityPrincipal } from '../common/auth/index.js';
import { DomainError } from '../common/errors/index.js';
import { IdempotencyService } from '../common/idempotency/index.js';
import {
  InProcessTokenBuckets,
  isChargedFor,
  RequestBudgets,
  type TenantRateLimits,
} from '../common/rate-limit/index.js';
import type { GatewayRuntime } from '../runtime.js';
import { InMemoryIdempotencyRecords } from '../testing/fakes/in-memory-idempotency-records.js';
import { OperationPipeline } from './operation-pipeline.js';
import type { OperationCall } from './operation.js';

const IDENTITY = '00000000-0000-4000-8000-000000000001';

function setUp(
  options: { perCredential?: number; perTenant?: number; tenantLimits?: TenantRateLimits; networkShare?: number } = {},
) {
  const runtime = {
    config: {
      rateLimits: {
        perCredentialPerMinute: options.perCredential ?? 100,
        perTenantPerMinute: options.perTenant ?? 1000,
        identityNetworkShare: options.networkShare ?? 0.9,
      },
    },
  } as unknown as GatewayRuntime;
  const budgets = new RequestBudgets(
    new InProcessTokenBuckets(),
    { limitsOf: async () => options.tenantLimits ?? {} },
    runtime,
  );
  const records = new InMemoryIdempotencyRecords();
  return { pipeline: new OperationPipeline(budgets, new IdempotencyService(records)), records };
}

function apiKey(tenant: TenantScope, id = 'key-1', scopes: ApiKeyPrincipal['scopes'] = ['messages']): ApiKeyPrincipal {
  return { type: 'apiKey', tenantId: tenant.tenantId, apiKeyId: id, scopes, scope: tenant };
}

function call(principal: OperationCall['principal'], overrides: Partial<OperationCall> = {}): OperationCall {
  return {
    name: 'POST /v1/identities/:id/conversations/:cid/messages',
    principal,
    policy: { scope: 'messages', identityParam: 'id' },
    write: true,
    params: { id: IDENTITY },
    ...overrides,
  };
}

const refusalOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
};

describe('OperationPipeline', () => {
  const tenantA = tenantScope('a0000000-0000-4000-8000-000000000000');
  const tenantB = tenantScope('b0000000-0000-4000-8000-000000000000');

  it('checks scope before running anything', async () => {
    const { pipeline } = setUp();
    let ran = false;
    const error = await refusalOf(pipeline.run(call(apiKey(tenantA, 'k', ['identities'])), async () => (ran = true)));
    expect(error.code).toBe('FORBIDDEN');
    expect(ran).toBe(false);
  });

  it("refuses an identity token for another identity's operation", async () => {
    const { pipeline } = setUp();
    const token: IdentityPrincipal = {
      type: 'identity',
      tenantId: tenantA.tenantId,
      identityId: 'someone-else',
      scope: tenantA,
    };
    expect((await refusalOf(pipeline.run(call(token), async () => 1))).code).toBe('FORBIDDEN');
  });

  it('charges reads 1 and writes 2 against the credential budget, then refuses with RATE_LIMITED', async () => {
    const { pipeline } = setUp({ perCredential: 5 });
    const principal = apiKey(tenantA);
    await pipeline.run(call(principal), async () => 'sent'); // 2
    await pipeline.run(call(principal), async () => 'sent'); // 4
    await pipeline.run(call(principal, { write: false }), async () => 'listed'); // 5
    const error = await refusalOf(pipeline.run(call(principal, { write: false }), async () => 'listed'));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.details).toMatchObject({ limit: 'credential' });
  });

  it("applies the tenant's own lower limit, and keeps tenants' budgets apart", async () => {
    const { pipeline } = setUp({ perTenant: 1000, tenantLimits: { perTenantPerMinute: 4 } });
    await pipeline.run(call(apiKey(tenantA, 'k1')), async () => 1);
    await pipeline.run(call(apiKey(tenantA, 'k2')), async () => 1);
    const error = await refusalOf(pipeline.run(call(apiKey(tenantA, 'k3')), async () => 1));
    expect(error.details).toMatchObject({ limit: 'tenant' });
  });

  it("refuses on the identity's XMTP budget and tells the service the identity is already charged", async () => {
    const { pipeline } = setUp({ networkShare: 2 / 3000 });
    const principal = apiKey(tenantA);
    const charged: boolean[] = [];
    for (let i = 0; i < 2; i++) await pipeline.run(call(principal), async () => charged.push(isChargedFor(IDENTITY)));
    expect(charged).toEqual([true, true]);
    expect(isChargedFor(IDENTITY)).toBe(false);
    const error = await refusalOf(pipeline.run(call(principal), async () => 1));
    expect(error.details).toMatchObject({ limit: 'identity_writes' });
  });

  it('a refused request spends none of its other budgets', async () => {
    const { pipeline } = setUp({ perCredential: 4, networkShare: 1 / 3000 });
    const principal = apiKey(tenantA);
    await pipeline.run(call(principal), async () => 1); // credential 2 left, identity writes 0 left
    await refusalOf(pipeline.run(call(principal), async () => 1)); // refused by the identity budget
    // The credential still holds its 2 tokens: a call on another identity goes through.
    const other = '00000000-0000-4000-8000-000000000002';
    await expect(pipeline.run(call(principal, { params: { id: other } }), async () => 'ok')).resolves.toMatchObject({
      value: 'ok',
    });
  });

  it('replays an idempotent answer without running again; a different request with the same key is refused', async () => {
    const { pipeline } = setUp();
    const principal = apiKey(tenantA);
    let runs = 0;
    const idempotent = (fingerprint: string) =>
      call(principal, { idempotency: { key: 'k-1', fingerprint, status: 201 } });
    const first = await pipeline.run(idempotent('same'), async () => ({ id: ++runs }));
    const again = await pipeline.run(idempotent('same'), async () => ({ id: ++runs }));
    expect(first).toEqual({ value: { id: 1 }, replayed: false });
    expect(again).toEqual({ value: { id: 1 }, replayed: true });
    expect((await refusalOf(pipeline.run(idempotent('different'), async () => ({ id: ++runs })))).code).toBe(
      'UNPROCESSABLE',
    );
    expect(runs).toBe(1);
  });

  it('keeps idempotency keys per tenant, and forgets a key whose first run failed', async () => {
    const { pipeline, records } = setUp();
    const keyed = (tenant: TenantScope) =>
      call(apiKey(tenant), { idempotency: { key: 'shared', fingerprint: 'f', status: 201 } });
    await expect(pipeline.run(keyed(tenantA), async () => 'a')).resolves.toMatchObject({ replayed: false });
    await expect(pipeline.run(keyed(tenantB), async () => 'b')).resolves.toEqual({ value: 'b', replayed: false });

    const failing = call(apiKey(tenantA), { idempotency: { key: 'fails', fingerprint: 'f', status: 201 } });
    await refusalOf(pipeline.run(failing, async () => Promise.reject(new DomainError('CONFLICT' as never, 'boom'))));
    expect([...records.rows.values()].some((row) => row.key === 'fails')).toBe(false);
    await expect(pipeline.run(failing, async () => 'retried')).resolves.toEqual({ value: 'retried', replayed: false });
  });
});
