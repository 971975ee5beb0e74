import { Inject, Injectable } from '@nestjs/common';
import type { EventBus } from '@mailroom/events';
import { IdentityStatus, type TenantScope } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { EVENT_BUS } from '../../runtime.js';
import type { MailroomEvent } from '../events/mailroom-event.js';
import { IdentityRepository } from '../identities/identity.repository.js';
import { EventIterator } from './event-iterator.js';
import { InterestBeacon } from './interest-beacon.js';
import { identityTopic, RealtimeTopics, type IdentityTopicKind } from './realtime-topics.js';

/**
 * Live events of one identity for a subscriber: checks the identity belongs to the caller's tenant, listens to that
 * identity's own bus topic (so nothing else is ever delivered to, or executed for, this subscriber) and announces
 * interest so the replica owning the identity streams it.
 */
@Injectable()
export class RealtimeSubscriptionsService {
  private readonly topics: RealtimeTopics;

  constructor(
    @Inject(EVENT_BUS) bus: EventBus,
    private readonly identities: IdentityRepository,
    private readonly interest: InterestBeacon,
  ) {
    this.topics = new RealtimeTopics(bus);
  }

  async subscribe(
    scope: TenantScope,
    identityId: string,
    kind: IdentityTopicKind,
    accept: (event: MailroomEvent) => boolean = () => true,
  ): Promise<AsyncIterableIterator<MailroomEvent>> {
    const identity = await this.identities.findAnyStatus(scope, identityId);
    if (identity?.status !== IdentityStatus.active)
      throw new DomainError(ErrorCode.NotFound, `Identity ${identityId} not found.`);
    let unsubscribe: (() => Promise<void>) | undefined;
    let releaseInterest: (() => void) | undefined;
    let closed = false;
    const iterator = new EventIterator(
      (event) => event.tenantId === scope.tenantId && event.identityId === identityId && accept(event),
      () => {
        closed = true;
        releaseInterest?.();
        void unsubscribe?.();
      },
    );
    unsubscribe = await this.topics.subscribe(identityTopic(scope.tenantId, identityId, kind), (event) =>
      iterator.push(event),
    );
    if (closed) {
      await unsubscribe();
    } else {
      releaseInterest = this.interest.acquire(scope.tenantId, identityId);
    }
    return iterator;
  }
}
