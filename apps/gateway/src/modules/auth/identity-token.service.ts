import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { TenantScope } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { MAX_IDENTITY_TOKEN_TTL_SECONDS, type IdentityClaims } from './token-claims.js';

export interface MintedIdentityToken {
  token: string;
  /** ISO 8601 */
  expiresAt: string;
}

/**
 * Mints short-lived JWTs (`typ: "identity"`) that let a tenant's frontend act for one identity. The caller
 * checks that the identity exists in `scope` first.
 */
@Injectable()
export class IdentityTokenService {
  constructor(private readonly jwt: JwtService) {}

  async mint(
    scope: TenantScope,
    identityId: string,
    ttlSeconds = MAX_IDENTITY_TOKEN_TTL_SECONDS,
  ): Promise<MintedIdentityToken> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_IDENTITY_TOKEN_TTL_SECONDS) {
      throw new DomainError(
        ErrorCode.ValidationFailed,
        `ttlSeconds must be an integer from 1 to ${MAX_IDENTITY_TOKEN_TTL_SECONDS}.`,
        {
          errors: [{ field: 'ttlSeconds', message: `must be between 1 and ${MAX_IDENTITY_TOKEN_TTL_SECONDS}` }],
        },
      );
    }
    const claims: IdentityClaims = { typ: 'identity', sub: identityId, tid: scope.tenantId };
    const token = await this.jwt.signAsync(claims, { expiresIn: ttlSeconds });
    return { token, expiresAt: new Date((Math.floor(Date.now() / 1000) + ttlSeconds) * 1000).toISOString() };
  }
}
