import { Injectable } from '@nestjs/common';
import { IdentityStatus, PrismaClient, type Identity } from '@mailroom/persistence';

/**
 * SYSTEM (cross-tenant): identities whose registration was interrupted (a crash between persisting keys and the
 * network's answer), found at start to be finished by IdentityRecovery.
 */
export abstract class InterruptedIdentitiesSystemRepository {
  /** Identities still `creating`, of any tenant, oldest first, at most `limit`. */
  abstract oldestFirst(limit: number): Promise<Identity[]>;
}

@Injectable()
export class PrismaInterruptedIdentitiesSystemRepository extends InterruptedIdentitiesSystemRepository {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  oldestFirst(limit: number): Promise<Identity[]> {
    return this.prisma.identity.findMany({
      where: { status: IdentityStatus.creating },
      take: limit,
      orderBy: { createdAt: 'asc' },
    });
  }
}
