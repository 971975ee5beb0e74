import { Logger } from '@nestjs/common';
import type { Authenticator, Principal } from '../../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../../common/errors/index.js';
import { closeReason, WsCloseCode, type WebsocketLimits } from './websocket-limits.js';

/** The part of a websocket the registry needs: closing it with a code and reason. */
export interface ClosableSocket {
  close(code: number, reason: string): void;
}

/** One authenticated socket: its credential (kept in memory only, to authenticate it again) and what it settled to. */
export interface SocketSession {
  readonly socket: ClosableSocket;
  readonly credential: string;
  principal: Principal;
  closed: boolean;
  expiry?: NodeJS.Timeout;
}

/** The outcome of authenticating a socket again. */
export type Recheck =
  | { readonly kind: 'valid'; readonly principal: Principal }
  /** The socket was closed: its credential no longer authenticates, or to something else. */
  | { readonly kind: 'closed'; readonly error: DomainError }
  /** The check could not run (a dependency is down); the socket keeps its last principal. */
  | { readonly kind: 'unavailable'; readonly error: DomainError };

const REFUSALS = new Set<string>([ErrorCode.Unauthenticated, ErrorCode.Forbidden]);

/** Largest delay setTimeout takes; tokens living longer are caught by the periodic recheck. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function principalKey(principal: Principal): string {
  switch (principal.type) {
    case 'apiKey':
      return `apiKey:${principal.apiKeyId}`;
    case 'admin':
      return `admin:${principal.adminId}`;
    case 'identity':
      return `identity:${principal.identityId}`;
  }
}

/** Same caller with the same access (an admin's role, a key's scopes). */
function sameAccess(before: Principal, after: Principal): boolean {
  if (principalKey(before) !== principalKey(after) || before.tenantId !== after.tenantId) return false;
  if (before.type === 'admin' && after.type === 'admin') return before.role === after.role;
  if (before.type === 'apiKey' && after.type === 'apiKey')
    return [...before.scopes].sort().join() === [...after.scopes].sort().join();
  return true;
}

/** `exp` of a JWT (already verified by the Authenticator), in ms; undefined for API keys and tokens without one. */
function jwtExpiry(credential: string): number | undefined {
  const parts = credential.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The live websockets of this replica by credential. A socket stays open only while its credential does: it is
 * authenticated again on each operation and every `recheckIntervalMs`, and closed at its token's `exp`, when its API
 * key is revoked or its admin removed (4401), or when its access changed, e.g. a demoted admin (4403).
 */
export class SocketCredentials {
  private readonly logger = new Logger('GraphqlWebsocket');
  private readonly byPrincipal = new Map<string, Set<SocketSession>>();
  private readonly byCredential = new Map<string, Set<SocketSession>>();
  private sweeping = false;

  constructor(
    private readonly authenticator: Authenticator,
    private readonly limits: () => WebsocketLimits,
  ) {}

  /** Registers an authenticated socket; closes it (4429) and answers undefined when its principal has too many. */
  admit(socket: ClosableSocket, credential: string, principal: Principal): SocketSession | undefined {
    const key = principalKey(principal);
    const siblings = this.byPrincipal.get(key) ?? new Set<SocketSession>();
    const max = this.limits().maxSocketsPerCredential;
    if (siblings.size >= max) {
      socket.close(
        WsCloseCode.TooManySockets,
        closeReason(ErrorCode.RateLimited, `at most ${max} sockets per credential`),
      );
      return undefined;
    }
    const session: SocketSession = { socket, credential, principal, closed: false };
    siblings.add(session);
    this.byPrincipal.set(key, siblings);
    const sameCredential = this.byCredential.get(credential) ?? new Set<SocketSession>();
    sameCredential.add(session);
    this.byCredential.set(credential, sameCredential);
    const expiresAt = jwtExpiry(credential);
    if (expiresAt !== undefined) {
      session.expiry = setTimeout(
        () =>
          this.close(
            session,
            WsCloseCode.Unauthorized,
            new DomainError(ErrorCode.Unauthenticated, 'The token expired.'),
          ),
        Math.min(Math.max(expiresAt - Date.now(), 0), MAX_TIMER_MS),
      );
      session.expiry.unref();
    }
    return session;
  }

  /** Forgets a socket that closed. */
  release(session: SocketSession): void {
    session.closed = true;
    clearTimeout(session.expiry);
    const key = principalKey(session.principal);
    this.byPrincipal.get(key)?.delete(session);
    if (this.byPrincipal.get(key)?.size === 0) this.byPrincipal.delete(key);
    this.byCredential.get(session.credential)?.delete(session);
    if (this.byCredential.get(session.credential)?.size === 0) this.byCredential.delete(session.credential);
  }

  /** Authenticates one socket's credential again (before an operation runs). */
  async recheck(session: SocketSession): Promise<Recheck> {
    const outcome = await this.authenticate(session.credential);
    return this.apply(session, outcome);
  }

  /** Authenticates every open socket again, once per distinct credential. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const [credential, sessions] of [...this.byCredential]) {
        const outcome = await this.authenticate(credential);
        for (const session of [...sessions]) this.apply(session, outcome);
      }
    } finally {
      this.sweeping = false;
    }
  }

  private async authenticate(credential: string): Promise<Principal | DomainError | { unavailable: unknown }> {
    try {
      return await this.authenticator.authenticate(credential);
    } catch (error) {
      // Only a verdict on the credential closes sockets; an outage (Postgres down) must not drop every live socket.
      if (error instanceof DomainError && REFUSALS.has(error.code)) return error;
      return { unavailable: error };
    }
  }

  private apply(session: SocketSession, outcome: Principal | DomainError | { unavailable: unknown }): Recheck {
    if (session.closed)
      return { kind: 'closed', error: new DomainError(ErrorCode.Unauthenticated, 'The socket is closed.') };
    if (outcome instanceof DomainError) {
      this.close(session, WsCloseCode.Unauthorized, outcome);
      return { kind: 'closed', error: outcome };
    }
    if ('unavailable' in outcome) {
      this.logger.warn(
        { err: outcome.unavailable, principal: principalKey(session.principal) },
        'could not authenticate a websocket again; it keeps its last principal',
      );
      return {
        kind: 'unavailable',
        error: new DomainError(
          ErrorCode.ServiceUnavailable,
          'The credential could not be checked just now; try again.',
        ),
      };
    }
    if (!sameAccess(session.principal, outcome)) {
      const error = new DomainError(ErrorCode.Forbidden, "The credential's access changed; connect again.");
      this.close(session, WsCloseCode.Forbidden, error);
      return { kind: 'closed', error };
    }
    session.principal = outcome;
    return { kind: 'valid', principal: outcome };
  }

  private close(session: SocketSession, code: number, error: DomainError): void {
    if (session.closed) return;
    this.logger.log(
      { principal: principalKey(session.principal), code, reason: error.code },
      'closing a websocket whose credential no longer holds',
    );
    this.release(session);
    session.socket.close(code, closeReason(error.code, error.message));
  }
}
