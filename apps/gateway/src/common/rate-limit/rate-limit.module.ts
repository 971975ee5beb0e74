import { Global, Logger, Module } from '@nestjs/common';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { TOKEN_BUCKETS } from './rate-limit.tokens.js';
import { InProcessTokenBuckets, RedisTokenBuckets } from './token-buckets.js';
import { IdentityWriteBudget } from './identity-write-budget.js';
import { FailoverTokenBuckets } from './failover-token-buckets.js';
import { RequestBudgets } from './request-budgets.js';

/** Token buckets (Redis when configured, so replicas share them) and the budgets charged from them. */
@Global()
@Module({
  providers: [
    {
      provide: TOKEN_BUCKETS,
      inject: [GATEWAY_RUNTIME],
      useFactory: (runtime: GatewayRuntime) =>
        runtime.redis
          ? new FailoverTokenBuckets(
              runtime.redis,
              new RedisTokenBuckets(runtime.redis),
              new InProcessTokenBuckets(),
              new Logger('RateLimits'),
            )
          : new InProcessTokenBuckets(),
    },
    RequestBudgets,
    IdentityWriteBudget,
  ],
  exports: [TOKEN_BUCKETS, RequestBudgets, IdentityWriteBudget],
})
export class RateLimitModule {}
