import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { tenantScope } from '@mailroom/persistence';
import type { Principal } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { AdminCredentialRepository } from './admin-credential.repository.js';
import { JWT_ALGORITHM, JWT_STRATEGY, parseClaims } from './token-claims.js';

/**
 * passport-jwt checks the signature (HS256 only) and expiry; `validate` turns the claims into a principal.
 * An admin must still exist in the token's tenant, its current role applies (a demotion takes effect at once), and
 * the token's session version must be the current one: logout, refresh-token reuse and password changes bump it,
 * which ends every access token issued before, on every replica, at the next request (this is a read of the row
 * the role check reads anyway, so nothing is cached).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(
    @Inject(GATEWAY_RUNTIME) runtime: GatewayRuntime,
    private readonly credentials: AdminCredentialRepository,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: runtime.jwtSecret,
      algorithms: [JWT_ALGORITHM],
      ignoreExpiration: false,
    });
  }

  async validate(payload: unknown): Promise<Principal> {
    const claims = parseClaims(payload);
    if (!claims)
      throw new DomainError(ErrorCode.Unauthenticated, 'The token is not a Mailroom admin or identity token.');
    const scope = tenantScope(claims.tid);
    if (claims.typ === 'identity') {
      return { type: 'identity', tenantId: claims.tid, identityId: claims.sub, scope };
    }
    const admin = await this.credentials.sessionState(scope, claims.sub);
    if (!admin) throw new DomainError(ErrorCode.Unauthenticated, 'This admin no longer exists.');
    if (admin.sessionVersion !== claims.sv)
      throw new DomainError(ErrorCode.Unauthenticated, 'This session has ended; sign in again.');
    return { type: 'admin', tenantId: claims.tid, adminId: admin.id, role: admin.role, scope };
  }
}
