import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { MetricsService } from './metrics.service.js';
import { RealtimeMetrics, type RealtimeStatsSource } from './realtime-metrics.js';
import { XmtpMetrics } from './xmtp-metrics.js';

/**
 * Hooks the runtime's shared parts (installation pool) and the realtime supervisor into this app's
 * registry, so their owners need no metrics code of their own.
 */
@Injectable()
export class GatewayInstrumentation implements OnApplicationBootstrap {
  readonly xmtp: XmtpMetrics;
  readonly realtime: RealtimeMetrics;

  constructor(
    @Inject(GATEWAY_RUNTIME) runtime: GatewayRuntime,
    metrics: MetricsService,
    private readonly discovery: DiscoveryService,
  ) {
    this.xmtp = new XmtpMetrics(metrics.registry, runtime.pool);
    this.realtime = new RealtimeMetrics(metrics.registry);
  }

  onApplicationBootstrap(): void {
    // Found by name, so that metrics do not import the realtime module (which imports webhooks, which imports metrics).
    const supervisor = this.discovery.getProviders().find((wrapper) => wrapper.name === 'StreamSupervisor')
      ?.instance as RealtimeStatsSource | undefined;
    if (supervisor && typeof supervisor.stats === 'function' && typeof supervisor.observeEvents === 'function')
      this.realtime.readFrom(supervisor);
  }
}
