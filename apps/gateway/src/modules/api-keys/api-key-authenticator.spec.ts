import { describe, expect, it } from '@jest/globals';
import { InProcessEventBus } from '@mailroom/events';
import { ErrorCode } from '../../common/errors/index.js';
import { InMemoryApiKeyLookup } from '../../testing/fakes/in-memory-api-key-lookup.js';
import { TENANT_A, TENANT_B } from '../../testing/principals.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { announceRevocation } from './api-key-revocations.js';
import { generateApiKey } from './api-key-secret.js';

async function setUp() {
  const keys = new InMemoryApiKeyLookup();
  const bus = new InProcessEventBus();
  const authenticator = new ApiKeyAuthenticator(keys, bus);
  await authenticator.onModuleInit();
  const add = (tenantId: string, id: string, revokedAt: Date | null = null) => {
    const generated = generateApiKey();
    keys.byHash.set(generated.hash, { id, tenantId, scopes: ['messages'], revokedAt, lastUsedAt: null });
    return generated.key;
  };
  return { keys, bus, authenticator, add };
}

describe('ApiKeyAuthenticator (in-memory key lookup)', () => {
  it("resolves a key to its own tenant's principal and records its use once a minute", async () => {
    const { authenticator, add, keys } = await setUp();
    const keyA = add(TENANT_A.tenantId, 'key-a');
    const keyB = add(TENANT_B.tenantId, 'key-b');
    expect(await authenticator.authenticate(keyA)).toMatchObject({
      type: 'apiKey',
      apiKeyId: 'key-a',
      tenantId: TENANT_A.tenantId,
      scope: TENANT_A,
      scopes: ['messages'],
    });
    expect((await authenticator.authenticate(keyB)).scope).toEqual(TENANT_B);
    await authenticator.authenticate(keyA);
    await new Promise((resolve) => setImmediate(resolve));
    expect(keys.uses.map((use) => use.id)).toEqual(['key-a', 'key-b']);
    await authenticator.onModuleDestroy();
  });

  it('answers from memory after the first lookup, until the key is revoked on any replica', async () => {
    const { authenticator, add, keys, bus } = await setUp();
    const key = add(TENANT_A.tenantId, 'key-a');
    await authenticator.authenticate(key);
    await authenticator.authenticate(key);
    expect(keys.lookups).toBe(1);

    const [hash] = keys.byHash.keys();
    keys.byHash.set(hash!, { ...keys.byHash.get(hash!)!, revokedAt: new Date() });
    await announceRevocation(bus, 'key-a');
    await expect(authenticator.authenticate(key)).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
    expect(keys.lookups).toBe(2);
    await authenticator.onModuleDestroy();
  });

  it('refuses unknown, revoked and malformed keys alike, without a lookup for a malformed one', async () => {
    const { authenticator, add, keys } = await setUp();
    const revoked = add(TENANT_A.tenantId, 'key-r', new Date());
    for (const key of [generateApiKey().key, revoked, 'mr_live_short']) {
      await expect(authenticator.authenticate(key)).rejects.toMatchObject({
        code: ErrorCode.Unauthenticated,
        message: 'The API key is not valid or has been revoked.',
      });
    }
    expect(keys.lookups).toBe(2);
    await authenticator.onModuleDestroy();
  });
});
