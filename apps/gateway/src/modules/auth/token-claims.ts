import type { AdminRole } from '@mailroom/persistence';

/** Claims of an admin JWT. `role` is informational: the guard reads the current role from the database. */
export interface AdminClaims {
  typ: 'admin';
  sub: string;
  tid: string;
  role: AdminRole;
  /** The admin's session version when the token was issued; a token from an older version is refused. */
  sv: number;
}

/** Claims of an identity JWT, minted for a tenant's frontend. */
export interface IdentityClaims {
  typ: 'identity';
  sub: string;
  tid: string;
}

export type TokenClaims = AdminClaims | IdentityClaims;

export const JWT_ALGORITHM = 'HS256';
export const ADMIN_ACCESS_TTL_SECONDS = 3600;
export const MAX_IDENTITY_TOKEN_TTL_SECONDS = 3600;
export const JWT_STRATEGY = 'mailroom-jwt';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The claims if they have one of our two shapes, else undefined. */
export function parseClaims(payload: unknown): TokenClaims | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { typ, sub, tid, role, sv } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || !UUID.test(sub) || typeof tid !== 'string' || !UUID.test(tid)) return undefined;
  if (typ === 'identity') return { typ, sub, tid };
  if (typ !== 'admin' || (role !== 'owner' && role !== 'admin' && role !== 'viewer')) return undefined;
  // Tokens issued before session versions existed carry none: they belong to version 0.
  if (sv === undefined) return { typ, sub, tid, role, sv: 0 };
  if (typeof sv === 'number' && Number.isSafeInteger(sv) && sv >= 0) return { typ, sub, tid, role, sv };
  return undefined;
}
