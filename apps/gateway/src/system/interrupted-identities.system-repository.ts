import { Injectable } from '@nestjs/common';
import { IdentityStatus, PrismaClient, type Identity } from '@mailroom/persistence';

/**
 * SYSTEM (cross-tenant): identities whose registration was interrupted (a crash between persisting keys and the
 * network's answer), found at start to be finished by IdentityRecovery.
 */
@Injectable()
export class InterruptedIdentitiesSystemRepository {
  constructor(private readonly prisma: PrismaClient) {}

  oldestFirst(limit: number): Promise<Identity[]> {
    return this.prisma.identity.findMany({
      where: { status: IdentityStatus.creating },
      take: limit,
      orderBy: { createdAt: 'asc' },
    });
  }
}
