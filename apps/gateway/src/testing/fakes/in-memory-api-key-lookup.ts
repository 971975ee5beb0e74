import { ApiKeyLookupSystemRepository, type ApiKeyCredential } from '../../system/index.js';

/** Keys by hash, across tenants; counts lookups and records uses so tests see what reached the database. */
export class InMemoryApiKeyLookup extends ApiKeyLookupSystemRepository {
  readonly byHash = new Map<string, ApiKeyCredential>();
  readonly uses: { id: string; at: Date }[] = [];
  lookups = 0;

  async findByHash(hash: string): Promise<ApiKeyCredential | null> {
    this.lookups++;
    return this.byHash.get(hash) ?? null;
  }

  async recordUse(id: string, at: Date, notBefore: Date): Promise<void> {
    const key = [...this.byHash.values()].find((k) => k.id === id);
    if (!key || (key.lastUsedAt && key.lastUsedAt >= notBefore)) return;
    this.uses.push({ id, at });
    for (const [hash, k] of this.byHash) if (k.id === id) this.byHash.set(hash, { ...k, lastUsedAt: at });
  }
}
