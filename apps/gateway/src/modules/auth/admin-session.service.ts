import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { tenantScope, type TenantScope } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { UnitOfWork, type Transaction } from '../../data/index.js';
import { AdminAccountsSystemRepository } from '../../system/index.js';
import { AuditService } from '../audit/audit.service.js';
import { AdminCredentialRepository, type SessionSubject } from './admin-credential.repository.js';
import { ADMIN_ACCESS_TTL_SECONDS, type AdminClaims } from './token-claims.js';

export type { SessionSubject } from './admin-credential.repository.js';

export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;
const REFRESH_TOKEN_PREFIX = 'mrr_';

export interface AdminSession {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
}

function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Admin sessions: a 1 h access JWT plus an opaque refresh token (only its SHA-256 stored), rotated on every use.
 * Presenting a refresh token that was already rotated means it leaked: every session of that admin ends. Access
 * tokens carry the admin's session version; ending sessions bumps it, so the access tokens end with them.
 */
@Injectable()
export class AdminSessionService {
  constructor(
    private readonly credentials: AdminCredentialRepository,
    private readonly accounts: AdminAccountsSystemRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
  ) {}

  async start(admin: SessionSubject, tx?: Transaction): Promise<AdminSession> {
    const refreshToken = REFRESH_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    await this.credentials.createRefreshToken(
      tenantScope(admin.tenantId),
      {
        adminUserId: admin.id,
        tokenHash: hashRefreshToken(refreshToken),
        expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_MS),
      },
      tx,
    );
    const claims: AdminClaims = {
      typ: 'admin',
      sub: admin.id,
      tid: admin.tenantId,
      role: admin.role,
      sv: admin.sessionVersion,
    };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: ADMIN_ACCESS_TTL_SECONDS });
    return { accessToken, refreshToken, expiresIn: ADMIN_ACCESS_TTL_SECONDS };
  }

  async rotate(refreshToken: string): Promise<AdminSession> {
    // Unscoped by necessity: the token is what identifies the tenant.
    const row = await this.accounts.findRefreshTokenByHash(hashRefreshToken(refreshToken));
    if (!row) throw invalidRefreshToken();
    const scope = tenantScope(row.tenantId);
    if (row.revokedAt) {
      await this.endAllSessions(scope, row.adminUserId);
      throw invalidRefreshToken();
    }
    if (row.expiresAt.getTime() <= Date.now()) throw invalidRefreshToken();
    return this.unitOfWork.run(async (tx) => {
      // The conditional update makes two concurrent rotations of one token produce one winner.
      if (!(await this.credentials.revokeRefreshToken(scope, row.id, new Date(), tx))) throw invalidRefreshToken();
      return this.start(row.adminUser, tx);
    });
  }

  /**
   * Ends the session of this refresh token and, through the session version, every access token of its admin (the
   * admin's other devices refresh once). Silent about unknown tokens, so it reveals nothing.
   */
  async end(refreshToken: string): Promise<void> {
    const row = await this.accounts.findRefreshTokenByHash(hashRefreshToken(refreshToken));
    if (!row || row.revokedAt) return;
    const scope = tenantScope(row.tenantId);
    await this.unitOfWork.run(async (tx) => {
      if (await this.credentials.revokeRefreshToken(scope, row.id, new Date(), tx))
        await this.credentials.bumpSessionVersion(scope, row.adminUserId, tx);
    });
  }

  /**
   * Ends every session of an admin: refresh tokens revoked, access tokens refused from the next request. Returns the
   * admin with its new session version, for a caller that starts a fresh session (after a password change).
   */
  async endEverySession(
    scope: TenantScope,
    adminUserId: string,
    tx?: Transaction,
  ): Promise<SessionSubject & { revoked: number }> {
    const revoked = await this.credentials.revokeRefreshTokensOf(scope, adminUserId, new Date(), tx);
    const admin = await this.credentials.bumpSessionVersion(scope, adminUserId, tx);
    return { ...admin, revoked };
  }

  private async endAllSessions(scope: TenantScope, adminUserId: string): Promise<void> {
    const { revoked: count } = await this.unitOfWork.run((tx) => this.endEverySession(scope, adminUserId, tx));
    if (count === 0) return;
    await this.audit.record(scope, {
      actor: { type: 'system' },
      action: 'admin.refresh_token_reused',
      targetType: 'admin_user',
      targetId: adminUserId,
      metadata: { sessionsEnded: count },
    });
  }
}

function invalidRefreshToken(): DomainError {
  return new DomainError(ErrorCode.Unauthenticated, 'The refresh token is not valid, has expired or was already used.');
}
