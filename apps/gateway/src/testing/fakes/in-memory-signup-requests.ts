import { randomUUID } from 'node:crypto';
import type { AdminSignupRequest } from '@mailroom/persistence';
import { SignupRequestsSystemRepository, type NewSignupRequest } from '../../system/index.js';
import { uniqueViolation } from './in-memory-api-key-repository.js';

export class InMemorySignupRequests extends SignupRequestsSystemRepository {
  readonly rows = new Map<string, AdminSignupRequest>();

  async create(request: NewSignupRequest): Promise<void> {
    if ([...this.rows.values()].some((row) => row.tokenHash === request.tokenHash)) throw uniqueViolation();
    const id = randomUUID();
    this.rows.set(id, { ...request, id, usedAt: null, createdAt: new Date() });
  }

  async findByTokenHash(tokenHash: string): Promise<AdminSignupRequest | null> {
    return [...this.rows.values()].find((row) => row.tokenHash === tokenHash) ?? null;
  }

  async markUsed(id: string, at: Date): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.usedAt) return false;
    this.rows.set(id, { ...row, usedAt: at });
    return true;
  }

  async deleteExpired(now: Date): Promise<void> {
    for (const row of [...this.rows.values()]) if (row.expiresAt < now) this.rows.delete(row.id);
  }
}
