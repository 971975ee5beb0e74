export { RateLimitModule } from './rate-limit.module.js';
export { RateLimitCost, RateLimitInterceptor } from './rate-limit.interceptor.js';
export { IdentityWriteBudget, XMTP_READS_PER_5_MIN, XMTP_WRITES_PER_5_MIN } from './identity-write-budget.js';
export { InProcessTokenBuckets, RedisTokenBuckets, type BucketDecision, type BucketPolicy, type TokenBuckets } from './token-buckets.js';
export { TOKEN_BUCKETS } from './rate-limit.tokens.js';
