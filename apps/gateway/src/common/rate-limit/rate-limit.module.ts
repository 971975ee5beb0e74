import { Global, Logger, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { RateLimitInterceptor } from './rate-limit.interceptor.js';
import { TOKEN_BUCKETS } from './rate-limit.tokens.js';
import { InProcessTokenBuckets, RedisTokenBuckets } from './token-buckets.js';
import { IdentityWriteBudget } from './identity-write-budget.js';
import { FailoverTokenBuckets } from './failover-token-buckets.js';

@Global()
@Module({
  providers: [
    {
      provide: TOKEN_BUCKETS,
      inject: [GATEWAY_RUNTIME],
      useFactory: (runtime: GatewayRuntime) =>
        runtime.redis
          ? new FailoverTokenBuckets(runtime.redis, new RedisTokenBuckets(runtime.redis), new InProcessTokenBuckets(), new Logger('RateLimits'))
          : new InProcessTokenBuckets(),
    },
    { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
    IdentityWriteBudget,
  ],
  exports: [TOKEN_BUCKETS, IdentityWriteBudget],
})
export class RateLimitModule {}
