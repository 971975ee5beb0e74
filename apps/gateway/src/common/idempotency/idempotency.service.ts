import { Injectable } from '@nestjs/common';
import { IdempotencyState, Prisma, PrismaClient, type IdempotencyRecord, type TenantScope } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../errors/index.js';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** An in-progress record older than this belongs to a request that died with its process; a retry may take it over. */
export const ABANDONED_AFTER_MS = 2 * 60 * 1000;
const WAIT_FOR_FIRST_MS = 30_000;
const POLL_MS = 25;

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type Claim = { kind: 'claimed'; recordId: string } | { kind: 'replay'; response: StoredResponse };

/**
 * Idempotency-Key bookkeeping, per tenant and operation: the first request claims the key and runs; a retry with the
 * same request gets the first answer back, a retry with a different request is refused, and a retry that arrives
 * while the first still runs waits for its answer.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly prisma: PrismaClient) {}

  async claim(scope: TenantScope, operation: string, key: string, requestHash: string): Promise<Claim> {
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const claimed = await this.tryInsert(scope, operation, key, requestHash);
      if (claimed) return { kind: 'claimed', recordId: claimed };

      const existing = await this.prisma.idempotencyRecord.findUnique({
        where: { tenantId_operation_key: { tenantId: scope.tenantId, operation, key } },
      });
      if (!existing) continue; // deleted meanwhile (expired or failed first attempt): claim again
      if (existing.requestHash !== requestHash) {
        throw new DomainError(
          ErrorCode.Unprocessable,
          'This Idempotency-Key was already used with a different request. Use a new key for a new request.',
        );
      }
      if (existing.state === IdempotencyState.completed) {
        if (existing.expiresAt.getTime() > Date.now()) {
          return { kind: 'replay', response: { status: existing.responseStatus ?? 200, body: existing.responseBody } };
        }
        await this.deleteIfUnchanged(existing);
        continue;
      }
      if (Date.now() - existing.createdAt.getTime() > ABANDONED_AFTER_MS) {
        const takenOver = await this.prisma.idempotencyRecord.updateMany({
          where: { id: existing.id, state: IdempotencyState.in_progress, createdAt: existing.createdAt },
          data: { createdAt: new Date() },
        });
        if (takenOver.count === 1) return { kind: 'claimed', recordId: existing.id };
        continue;
      }
      if (Date.now() > deadline) {
        throw new DomainError(ErrorCode.Conflict, 'A request with this Idempotency-Key is still being processed; retry later.');
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async complete(scope: TenantScope, recordId: string, response: StoredResponse): Promise<void> {
    await this.prisma.idempotencyRecord.updateMany({
      where: { id: recordId, tenantId: scope.tenantId },
      data: {
        state: IdempotencyState.completed,
        responseStatus: response.status,
        responseBody: (response.body ?? Prisma.JsonNull) as Prisma.InputJsonValue,
      },
    });
  }

  /** The first attempt failed: forget the key so a retry runs again. */
  async abandon(scope: TenantScope, recordId: string): Promise<void> {
    await this.prisma.idempotencyRecord.deleteMany({ where: { id: recordId, tenantId: scope.tenantId } });
  }

  /** Drops records past their 24 h window; returns how many. */
  async purgeExpired(now = new Date()): Promise<number> {
    const { count } = await this.prisma.idempotencyRecord.deleteMany({ where: { expiresAt: { lt: now } } });
    return count;
  }

  private async tryInsert(scope: TenantScope, operation: string, key: string, requestHash: string): Promise<string | null> {
    try {
      const record = await this.prisma.idempotencyRecord.create({
        data: {
          tenantId: scope.tenantId,
          operation,
          key,
          requestHash,
          expiresAt: new Date(Date.now() + IDEMPOTENCY_TTL_MS),
        },
        select: { id: true },
      });
      return record.id;
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return null;
      throw error;
    }
  }

  private async deleteIfUnchanged(record: IdempotencyRecord): Promise<void> {
    await this.prisma.idempotencyRecord.deleteMany({ where: { id: record.id, expiresAt: record.expiresAt } });
  }
}
