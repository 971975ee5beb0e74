import { Global, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { GatewayInstrumentation } from './gateway-instrumentation.js';
import { HttpMetricsMiddleware, RouteTemplateInterceptor } from './http-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/** Global, so any module can count on the one registry (e.g. `GatewayInstrumentation.realtime.streamRestarted`). */
@Global()
@Module({
  imports: [DiscoveryModule],
  controllers: [MetricsController],
  providers: [MetricsService, GatewayInstrumentation, { provide: APP_INTERCEPTOR, useClass: RouteTemplateInterceptor }],
  exports: [MetricsService, GatewayInstrumentation],
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
