import { Injectable } from '@nestjs/common';
import { IdempotencyState, Prisma, PrismaClient, scopedWhere, type TenantScope } from '@mailroom/persistence';

export interface StoredResponse {
  status: number;
  body: unknown;
}

export interface IdempotencyRecordView {
  readonly id: string;
  readonly requestHash: string;
  readonly completed: boolean;
  readonly response: StoredResponse | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** Where idempotency keys are kept, per tenant. Tenant-facing methods take the scope; the purge is a system job. */
export abstract class IdempotencyRecords {
  /** Inserts an in-progress record; null when the (tenant, operation, key) already exists. */
  abstract insert(
    scope: TenantScope,
    record: { operation: string; key: string; requestHash: string; expiresAt: Date },
  ): Promise<string | null>;
  abstract find(scope: TenantScope, operation: string, key: string): Promise<IdempotencyRecordView | null>;
  /** Takes over an abandoned in-progress record if it is still the one seen (same createdAt); true when taken. */
  abstract takeOver(scope: TenantScope, id: string, seenCreatedAt: Date, now: Date): Promise<boolean>;
  abstract complete(scope: TenantScope, id: string, response: StoredResponse): Promise<void>;
  abstract remove(scope: TenantScope, id: string, onlyIfExpiresAt?: Date): Promise<void>;
  /** System job, across tenants: drops records past their window; returns how many. */
  abstract purgeExpired(now: Date): Promise<number>;
}

@Injectable()
export class PrismaIdempotencyRecords extends IdempotencyRecords {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  async insert(
    scope: TenantScope,
    record: { operation: string; key: string; requestHash: string; expiresAt: Date },
  ): Promise<string | null> {
    try {
      const created = await this.prisma.idempotencyRecord.create({
        data: { tenantId: scope.tenantId, ...record },
        select: { id: true },
      });
      return created.id;
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return null;
      throw error;
    }
  }

  async find(scope: TenantScope, operation: string, key: string): Promise<IdempotencyRecordView | null> {
    const row = await this.prisma.idempotencyRecord.findUnique({
      where: { tenantId_operation_key: { tenantId: scope.tenantId, operation, key } },
    });
    if (!row) return null;
    const completed = row.state === IdempotencyState.completed;
    return {
      id: row.id,
      requestHash: row.requestHash,
      completed,
      response: completed ? { status: row.responseStatus ?? 200, body: row.responseBody } : null,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
    };
  }

  async takeOver(scope: TenantScope, id: string, seenCreatedAt: Date, now: Date): Promise<boolean> {
    const { count } = await this.prisma.idempotencyRecord.updateMany({
      where: scopedWhere<Prisma.IdempotencyRecordWhereInput>(scope, {
        id,
        state: IdempotencyState.in_progress,
        createdAt: seenCreatedAt,
      }),
      data: { createdAt: now },
    });
    return count === 1;
  }

  async complete(scope: TenantScope, id: string, response: StoredResponse): Promise<void> {
    await this.prisma.idempotencyRecord.updateMany({
      where: scopedWhere<Prisma.IdempotencyRecordWhereInput>(scope, { id }),
      data: {
        state: IdempotencyState.completed,
        responseStatus: response.status,
        responseBody: (response.body ?? Prisma.JsonNull) as Prisma.InputJsonValue,
      },
    });
  }

  async remove(scope: TenantScope, id: string, onlyIfExpiresAt?: Date): Promise<void> {
    await this.prisma.idempotencyRecord.deleteMany({
      where: scopedWhere<Prisma.IdempotencyRecordWhereInput>(scope, {
        id,
        ...(onlyIfExpiresAt ? { expiresAt: onlyIfExpiresAt } : {}),
      }),
    });
  }

  async purgeExpired(now: Date): Promise<number> {
    const { count } = await this.prisma.idempotencyRecord.deleteMany({ where: { expiresAt: { lt: now } } });
    return count;
  }
}
