import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { PrismaClient, scopedWhere, tenantScope, type Prisma } from '@mailroom/persistence';
import type { Principal } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { JWT_ALGORITHM, JWT_STRATEGY, parseClaims } from './token-claims.js';

/**
 * passport-jwt checks the signature (HS256 only) and expiry; `validate` turns the claims into a principal.
 * An admin must still exist in the token's tenant, and its current role applies (a demotion takes effect at once).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(
    @Inject(GATEWAY_RUNTIME) runtime: GatewayRuntime,
    private readonly prisma: PrismaClient,
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
    if (!claims) throw new DomainError(ErrorCode.Unauthenticated, 'The token is not a Mailroom admin or identity token.');
    const scope = tenantScope(claims.tid);
    if (claims.typ === 'identity') {
      return { type: 'identity', tenantId: claims.tid, identityId: claims.sub, scope };
    }
    const admin = await this.prisma.adminUser.findFirst({
      where: scopedWhere<Prisma.AdminUserWhereInput>(scope, { id: claims.sub }),
      select: { id: true, role: true },
    });
    if (!admin) throw new DomainError(ErrorCode.Unauthenticated, 'This admin no longer exists.');
    return { type: 'admin', tenantId: claims.tid, adminId: admin.id, role: admin.role, scope };
  }
}
