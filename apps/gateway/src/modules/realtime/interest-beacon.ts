import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { EventBus } from '@mailroom/events';
import { EVENT_BUS, GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { INTEREST_TOPIC, RealtimeTopics } from './realtime-topics.js';
import { realtimeSettings } from './realtime-settings.js';

interface Interest {
  tenantId: string;
  holders: number;
}

/**
 * The subscriber side of interest routing: while this process has GraphQL subscribers of an identity, it announces
 * that on the bus (at once, then every heartbeat). Whichever replica owns the identity, or can take it, streams it.
 */
@Injectable()
export class InterestBeacon implements OnModuleDestroy {
  private readonly logger = new Logger('InterestBeacon');
  private readonly interests = new Map<string, Interest>();
  private readonly topics: RealtimeTopics;
  private readonly heartbeatMs: number;
  private readonly ttlMs: number;
  private timer?: NodeJS.Timeout;

  constructor(@Inject(EVENT_BUS) bus: EventBus, @Inject(GATEWAY_RUNTIME) runtime: GatewayRuntime) {
    this.topics = new RealtimeTopics(bus);
    const settings = realtimeSettings(runtime.config);
    this.heartbeatMs = settings.interestHeartbeatMs;
    this.ttlMs = settings.interestTtlMs;
  }

  /** Registers one subscriber; the returned function unregisters it. */
  acquire(tenantId: string, identityId: string): () => void {
    const interest = this.interests.get(identityId) ?? { tenantId, holders: 0 };
    interest.holders++;
    this.interests.set(identityId, interest);
    if (interest.holders === 1) this.announce(tenantId, identityId);
    this.timer ??= setInterval(() => this.heartbeat(), this.heartbeatMs).unref();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--interest.holders > 0) return;
      this.interests.delete(identityId);
      if (this.interests.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.interests.clear();
  }

  private heartbeat(): void {
    for (const [identityId, interest] of this.interests) this.announce(interest.tenantId, identityId);
  }

  private announce(tenantId: string, identityId: string): void {
    this.topics
      .publish(INTEREST_TOPIC, { tenantId, identityId, ttlMs: this.ttlMs })
      .catch((error: unknown) =>
        this.logger.warn({ identityId, err: String(error) }, 'could not announce subscriber interest'),
      );
  }
}
