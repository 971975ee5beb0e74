import { Injectable } from '@nestjs/common';
import { PrismaClient } from '@mailroom/persistence';

/** Where an identity's event stream stands (see IdentityEventCursor in prisma/schema.prisma). */
export interface EventCursor {
  readonly startedNs: bigint;
  readonly messagesNs: bigint;
  readonly conversationsNs: bigint;
  readonly recentIds: readonly string[];
}

/**
 * SYSTEM (cross-tenant): durable per-identity event cursors, read once when the stream supervisor starts an identity's
 * pipeline (of any tenant). The event committer advances them, in the statement that writes the deliveries.
 */
export abstract class EventCursorsSystemRepository {
  /**
   * The identity's cursor. A first start begins at `startNs`: events of older facts are never emitted (an identity
   * that gets a webhook does not replay its whole history).
   */
  abstract load(tenantId: string, identityId: string, startNs: bigint): Promise<EventCursor>;
}

@Injectable()
export class PrismaEventCursorsSystemRepository extends EventCursorsSystemRepository {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  async load(tenantId: string, identityId: string, startNs: bigint): Promise<EventCursor> {
    // Two replicas may race here (both hear the same subscriber); an insert that loses is a no-op.
    await this.prisma.identityEventCursor.createMany({
      data: [
        { identityId, tenantId, startedNs: startNs, messagesNs: startNs, conversationsNs: startNs, recentIds: [] },
      ],
      skipDuplicates: true,
    });
    const row = await this.prisma.identityEventCursor.findUniqueOrThrow({ where: { identityId } });
    return {
      startedNs: row.startedNs,
      messagesNs: row.messagesNs,
      conversationsNs: row.conversationsNs,
      recentIds: row.recentIds,
    };
  }
}
