import { Inject, Injectable } from '@nestjs/common';
import type { TenantScope } from '@mailroom/persistence';
import type { Principal } from '../auth/index.js';
import { DomainError, ErrorCode } from '../errors/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { TENANT_RATE_LIMITS, TOKEN_BUCKETS } from './rate-limit.tokens.js';
import type { BucketCharge, BucketDecision, BucketPolicy, TokenBuckets } from './token-buckets.js';

const REQUEST_WINDOW_SECONDS = 60;
const NETWORK_WINDOW_SECONDS = 300;
/** XMTP allows a client 3,000 writes and 20,000 reads per 5 minutes; Mailroom keeps each identity under both. */
export const XMTP_WRITES_PER_5_MIN = 3_000;
export const XMTP_READS_PER_5_MIN = 20_000;

export type NetworkUse = 'read' | 'write';

/** A tenant's own per-minute limits (null or absent: the operator's). */
export interface TenantRateLimits {
  readonly perCredentialPerMinute?: number | null;
  readonly perTenantPerMinute?: number | null;
}

export interface TenantRateLimitSource {
  limitsOf(scope: TenantScope): Promise<TenantRateLimits>;
}

/** Which budget refused a request, as the problem's `limit` member names it. */
export type BudgetName = 'credential' | 'tenant' | 'identity_reads' | 'identity_writes';

export interface BudgetCharge {
  readonly principal: Principal;
  /** Request weight: reads 1, writes 2 unless the operation says otherwise. */
  readonly cost: number;
  /** The identity whose XMTP network budget the operation also spends. */
  readonly identity?: { readonly id: string; readonly use: NetworkUse };
}

/** The request budget closest to running out (for `RateLimit-*` headers). */
export interface BudgetStanding {
  readonly policy: BucketPolicy;
  readonly decision: BucketDecision;
}

export class BudgetExceededError extends DomainError {
  constructor(
    readonly budget: BudgetName,
    readonly standing: BudgetStanding,
    detail: string,
  ) {
    super(ErrorCode.RateLimited, detail, { retryAfterSeconds: standing.decision.retryAfterSeconds, limit: budget });
  }
}

export function networkBudgetKey(identityId: string, use: NetworkUse): string {
  return `identity-${use}s:${identityId}`;
}

/**
 * Every budget one request spends — the credential's and the tenant's request budgets (the operator's limits, or the
 * tenant's own lower ones) and the named identity's share of XMTP's network limits — charged together in one round
 * trip, all or nothing: a refused request spends nothing, so a caller that waits and retries is not charged for waiting.
 */
@Injectable()
export class RequestBudgets {
  constructor(
    @Inject(TOKEN_BUCKETS) private readonly buckets: TokenBuckets,
    @Inject(TENANT_RATE_LIMITS) private readonly tenantLimits: TenantRateLimitSource,
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
  ) {}

  async charge(request: BudgetCharge): Promise<BudgetStanding> {
    const operator = this.runtime.config.rateLimits;
    const own = await this.tenantLimits.limitsOf(request.principal.scope);
    const credential = perMinute(lower(operator.perCredentialPerMinute, own.perCredentialPerMinute));
    const tenant = perMinute(lower(operator.perTenantPerMinute, own.perTenantPerMinute));
    const charges: BucketCharge[] = [
      { key: credentialKey(request.principal), policy: credential, cost: request.cost },
      { key: `tenant:${request.principal.tenantId}`, policy: tenant, cost: request.cost },
    ];
    if (request.identity) charges.push(this.networkCharge(request.identity.id, request.identity.use, 1));

    const result = await this.buckets.takeAll(charges);
    const standings = result.decisions.map((decision, i) => ({ policy: charges[i]!.policy, decision }));
    const [ownStanding, tenantStanding] = standings as [BudgetStanding, BudgetStanding];
    const tighter =
      ownStanding.decision.remaining / credential.capacity <= tenantStanding.decision.remaining / tenant.capacity
        ? ownStanding
        : tenantStanding;
    if (result.allowed) return tighter;

    const refused = result.refused!;
    const standing = standings[refused]!;
    if (refused < 2) {
      throw new BudgetExceededError(
        refused === 0 ? 'credential' : 'tenant',
        standing,
        `Rate limit reached: retry in ${standing.decision.retryAfterSeconds} s.`,
      );
    }
    throw this.networkRefusal(request.identity!.id, request.identity!.use, standing);
  }

  /**
   * Spends an identity's network budget outside a request (broadcasts, background work). Throws the same 429 as a
   * request would; the caller decides whether to wait `retryAfterSeconds` and try again.
   */
  async spendNetwork(identityId: string, use: NetworkUse, cost = 1): Promise<void> {
    const charge = this.networkCharge(identityId, use, cost);
    const result = await this.buckets.takeAll([charge]);
    if (!result.allowed)
      throw this.networkRefusal(identityId, use, { policy: charge.policy, decision: result.decisions[0]! });
  }

  private networkCharge(identityId: string, use: NetworkUse, cost: number): BucketCharge {
    const share = this.runtime.config.rateLimits.identityNetworkShare;
    const capacity = Math.floor((use === 'write' ? XMTP_WRITES_PER_5_MIN : XMTP_READS_PER_5_MIN) * share);
    return {
      key: networkBudgetKey(identityId, use),
      policy: { capacity, windowSeconds: NETWORK_WINDOW_SECONDS },
      cost,
    };
  }

  private networkRefusal(identityId: string, use: NetworkUse, standing: BudgetStanding): BudgetExceededError {
    return new BudgetExceededError(
      use === 'write' ? 'identity_writes' : 'identity_reads',
      standing,
      `Identity ${identityId} reached its XMTP ${use} budget (${standing.policy.capacity} per 5 minutes); retry in ${standing.decision.retryAfterSeconds} s.`,
    );
  }
}

function lower(operator: number, own: number | null | undefined): number {
  return own != null && own > 0 ? Math.min(operator, own) : operator;
}

function perMinute(capacity: number): BucketPolicy {
  return { capacity, windowSeconds: REQUEST_WINDOW_SECONDS };
}

export function credentialKey(principal: Principal): string {
  switch (principal.type) {
    case 'apiKey':
      return `key:${principal.apiKeyId}`;
    case 'admin':
      return `admin:${principal.adminId}`;
    case 'identity':
      return `identity-token:${principal.identityId}`;
  }
}
