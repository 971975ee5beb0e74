import { IdentityStatus, type Identity } from '@mailroom/persistence';
import { InterruptedIdentitiesSystemRepository } from '../../system/index.js';
import type { InMemoryIdentityRepository } from './in-memory-identity-repository.js';

/** Every tenant's `creating` identities in an InMemoryIdentityRepository. */
export class InMemoryInterruptedIdentities extends InterruptedIdentitiesSystemRepository {
  constructor(private readonly identities: InMemoryIdentityRepository) {
    super();
  }

  async oldestFirst(limit: number): Promise<Identity[]> {
    return [...this.identities.table.rows.values()]
      .filter((row) => row.status === IdentityStatus.creating)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .slice(0, limit);
  }
}
