import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Prisma, PrismaClient, tenantScope, type AdminRole } from '@mailroom/persistence';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { AuditService } from '../audit/audit.service.js';
import { ADMIN_ACCESS_TTL_SECONDS, type AdminClaims } from './token-claims.js';

export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;
const REFRESH_TOKEN_PREFIX = 'mrr_';

export interface AdminSession {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export interface SessionSubject {
  readonly id: string;
  readonly tenantId: string;
  readonly role: AdminRole;
  readonly sessionVersion: number;
}

type Db = PrismaClient | Prisma.TransactionClient;

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
    private readonly prisma: PrismaClient,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
  ) {}

  async start(admin: SessionSubject, db: Db = this.prisma): Promise<AdminSession> {
    const refreshToken = REFRESH_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    await db.adminRefreshToken.create({
      data: {
        tenantId: admin.tenantId,
        adminUserId: admin.id,
        tokenHash: hashRefreshToken(refreshToken),
        expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_MS),
      },
    });
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
    const row = await this.prisma.adminRefreshToken.findUnique({
      where: { tokenHash: hashRefreshToken(refreshToken) },
      include: { adminUser: { select: { id: true, tenantId: true, role: true, sessionVersion: true } } },
    });
    if (!row) throw invalidRefreshToken();
    if (row.revokedAt) {
      await this.endAllSessions(row.adminUserId, row.tenantId);
      throw invalidRefreshToken();
    }
    if (row.expiresAt.getTime() <= Date.now()) throw invalidRefreshToken();
    return this.prisma.$transaction(async (tx) => {
      // The conditional update makes two concurrent rotations of one token produce one winner.
      const { count } = await tx.adminRefreshToken.updateMany({
        where: { id: row.id, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      if (count === 0) throw invalidRefreshToken();
      return this.start(row.adminUser, tx);
    });
  }

  /**
   * Ends the session of this refresh token and, through the session version, every access token of its admin (the
   * admin's other devices refresh once). Silent about unknown tokens, so it reveals nothing.
   */
  async end(refreshToken: string): Promise<void> {
    const row = await this.prisma.adminRefreshToken.findUnique({
      where: { tokenHash: hashRefreshToken(refreshToken) },
    });
    if (!row || row.revokedAt) return;
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.adminRefreshToken.updateMany({
        where: { id: row.id, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      if (count > 0) await bumpSessionVersion(tx, row.adminUserId, row.tenantId);
    });
  }

  /**
   * Ends every session of an admin: refresh tokens revoked, access tokens refused from the next request. Returns the
   * admin with its new session version, for a caller that starts a fresh session (after a password change).
   */
  async endEverySession(
    adminUserId: string,
    tenantId: string,
    db: Db = this.prisma,
  ): Promise<SessionSubject & { revoked: number }> {
    const { count } = await db.adminRefreshToken.updateMany({
      where: { tenantId: tenantScope(tenantId).tenantId, adminUserId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    const admin = await bumpSessionVersion(db, adminUserId, tenantId);
    return { ...admin, revoked: count };
  }

  private async endAllSessions(adminUserId: string, tenantId: string): Promise<void> {
    const scope = tenantScope(tenantId);
    const { revoked: count } = await this.prisma.$transaction((tx) =>
      this.endEverySession(adminUserId, scope.tenantId, tx),
    );
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

async function bumpSessionVersion(db: Db, adminUserId: string, tenantId: string): Promise<SessionSubject> {
  return db.adminUser.update({
    where: { id: adminUserId, tenantId: tenantScope(tenantId).tenantId },
    data: { sessionVersion: { increment: 1 } },
    select: { id: true, tenantId: true, role: true, sessionVersion: true },
  });
}

function invalidRefreshToken(): DomainError {
  return new DomainError(ErrorCode.Unauthenticated, 'The refresh token is not valid, has expired or was already used.');
}
