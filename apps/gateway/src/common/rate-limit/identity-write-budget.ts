import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../errors/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { TOKEN_BUCKETS } from './rate-limit.tokens.js';
import type { TokenBuckets } from './token-buckets.js';

/** XMTP allows a client 3,000 writes and 20,000 reads per 5 minutes; Mailroom keeps each identity under both. */
export const XMTP_WRITES_PER_5_MIN = 3_000;
export const XMTP_READS_PER_5_MIN = 20_000;

/**
 * Refuses an identity's network work with a clear 429 before the XMTP network would, at a configurable share of
 * its limits, counted across replicas when Redis is configured.
 */
@Injectable()
export class IdentityWriteBudget {
  constructor(
    @Inject(TOKEN_BUCKETS) private readonly buckets: TokenBuckets,
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
  ) {}

  async spend(identityId: string, kind: 'write' | 'read', cost = 1): Promise<void> {
    const share = this.runtime.config.rateLimits.identityNetworkShare;
    const limit = Math.floor((kind === 'write' ? XMTP_WRITES_PER_5_MIN : XMTP_READS_PER_5_MIN) * share);
    const decision = await this.buckets.take(`identity-${kind}s:${identityId}`, { capacity: limit, windowSeconds: 300 }, cost);
    if (!decision.allowed) {
      throw new DomainError(
        ErrorCode.RateLimited,
        `Identity ${identityId} reached its XMTP ${kind} budget (${limit} per 5 minutes); retry in ${decision.retryAfterSeconds} s.`,
        { retryAfterSeconds: decision.retryAfterSeconds, limit: `identity_${kind}s` },
      );
    }
  }
}
