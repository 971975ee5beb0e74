export { RateLimitModule } from './rate-limit.module.js';
export { IdentityWriteBudget } from './identity-write-budget.js';
export {
  BudgetExceededError,
  RequestBudgets,
  XMTP_READS_PER_5_MIN,
  XMTP_WRITES_PER_5_MIN,
  type BudgetStanding,
  type NetworkUse,
  type TenantRateLimits,
  type TenantRateLimitSource,
} from './request-budgets.js';
export { isChargedFor, runChargedFor } from './operation-charges.js';
export {
  InProcessTokenBuckets,
  RedisTokenBuckets,
  takeOne,
  type BucketCharge,
  type BucketDecision,
  type BucketPolicy,
  type MultiBucketDecision,
  type TokenBuckets,
} from './token-buckets.js';
export { TENANT_RATE_LIMITS, TOKEN_BUCKETS } from './rate-limit.tokens.js';
