import { Injectable } from '@nestjs/common';
import { PrismaClient } from '@mailroom/persistence';

/** Where an identity's event stream stands (see IdentityEventCursor in prisma/schema.prisma). */
export interface EventCursor {
  readonly startedNs: bigint;
  readonly messagesNs: bigint;
  readonly conversationsNs: bigint;
  readonly recentIds: readonly string[];
}

/** Durable per-identity cursors: read once when an identity's pipeline starts, written (debounced) as it emits. */
@Injectable()
export class EventCursorStore {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * The identity's cursor. A first start begins at `startNs`: events of older facts are never emitted (an identity
   * that gets a webhook does not replay its whole history).
   */
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

  async save(identityId: string, cursor: EventCursor): Promise<void> {
    await this.prisma.identityEventCursor.updateMany({
      where: { identityId },
      data: {
        messagesNs: cursor.messagesNs,
        conversationsNs: cursor.conversationsNs,
        recentIds: [...cursor.recentIds],
      },
    });
  }
}
