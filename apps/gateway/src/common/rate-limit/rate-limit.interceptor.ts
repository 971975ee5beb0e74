import {
  Inject,
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { DomainError, ErrorCode } from '../errors/index.js';
import type { Principal } from '../auth/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import type { BucketDecision, BucketPolicy } from './token-buckets.js';
import { TOKEN_BUCKETS } from './rate-limit.tokens.js';
import type { TokenBuckets } from './token-buckets.js';

const COST_METADATA = 'mailroom:rate-limit-cost';
const WINDOW_SECONDS = 60;

/** Weight of a route against the caller's budget (default: 1 for reads, 2 for writes). */
export const RateLimitCost = (cost: number) => SetMetadata(COST_METADATA, cost);

interface LimitedRequest {
  method: string;
  principal?: Principal;
}

interface HeaderReply {
  header(name: string, value: string): unknown;
}

/**
 * Per-credential and per-tenant token buckets (Redis when configured, so replicas share them). Runs after the
 * authentication guard; unauthenticated routes have their own limits (login) or none (health).
 * Answers carry `RateLimit-Limit/Remaining/Reset`; a refusal is a 429 problem with `Retry-After`.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(
    @Inject(TOKEN_BUCKETS) private readonly buckets: TokenBuckets,
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
    private readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<LimitedRequest>();
    const principal = request.principal;
    if (!principal) return next.handle();

    const cost =
      this.reflector.getAllAndOverride<number | undefined>(COST_METADATA, [context.getHandler(), context.getClass()]) ??
      (request.method === 'GET' || request.method === 'HEAD' ? 1 : 2);
    const limits = this.runtime.config.rateLimits;
    const credential: BucketPolicy = { capacity: limits.perCredentialPerMinute, windowSeconds: WINDOW_SECONDS };
    const tenant: BucketPolicy = { capacity: limits.perTenantPerMinute, windowSeconds: WINDOW_SECONDS };
    const reply = context.switchToHttp().getResponse<HeaderReply>();
    // The tenant bucket is charged only for requests the credential's own bucket lets through.
    const own = await this.buckets.take(credentialKey(principal), credential, cost);
    if (!own.allowed) refuse(reply, own, credential, 'credential');
    const shared = await this.buckets.take(`tenant:${principal.tenantId}`, tenant, cost);
    if (!shared.allowed) refuse(reply, shared, tenant, 'tenant');
    const tighter = own.remaining / credential.capacity <= shared.remaining / tenant.capacity;
    setHeaders(reply, tighter ? own : shared, tighter ? credential : tenant);
    return next.handle();
  }
}

function credentialKey(principal: Principal): string {
  switch (principal.type) {
    case 'apiKey':
      return `key:${principal.apiKeyId}`;
    case 'admin':
      return `admin:${principal.adminId}`;
    case 'identity':
      return `identity-token:${principal.identityId}`;
  }
}

function refuse(reply: HeaderReply, decision: BucketDecision, policy: BucketPolicy, limit: 'credential' | 'tenant'): never {
  setHeaders(reply, decision, policy);
  throw new DomainError(ErrorCode.RateLimited, `Rate limit reached: retry in ${decision.retryAfterSeconds} s.`, {
    retryAfterSeconds: decision.retryAfterSeconds,
    limit,
  });
}

function setHeaders(reply: HeaderReply, decision: BucketDecision, policy: BucketPolicy): void {
  reply.header('RateLimit-Limit', String(policy.capacity));
  reply.header('RateLimit-Remaining', String(decision.remaining));
  reply.header('RateLimit-Reset', String(decision.resetSeconds));
}
