import type { AdminRole, ApiKeyScope, TenantScope } from '@mailroom/persistence';

/** A tenant administrator signed in with an admin JWT. */
export interface AdminPrincipal {
  readonly type: 'admin';
  readonly tenantId: string;
  readonly adminId: string;
  readonly role: AdminRole;
  readonly scope: TenantScope;
}

/** A tenant backend calling with an API key. */
export interface ApiKeyPrincipal {
  readonly type: 'apiKey';
  readonly tenantId: string;
  readonly apiKeyId: string;
  readonly scopes: readonly ApiKeyScope[];
  readonly scope: TenantScope;
}

/** A tenant frontend holding a short-lived token for one identity. */
export interface IdentityPrincipal {
  readonly type: 'identity';
  readonly tenantId: string;
  readonly identityId: string;
  readonly scope: TenantScope;
}

/** Who is calling, as established by the authentication guard. */
export type Principal = AdminPrincipal | ApiKeyPrincipal | IdentityPrincipal;

export const API_KEY_SCOPES: readonly ApiKeyScope[] = ['identities', 'messages', 'webhooks', 'keys'];
export const ADMIN_ROLES: readonly AdminRole[] = ['owner', 'admin', 'viewer'];

/** Admin roles that may change things; a viewer only reads. */
export function canWrite(role: AdminRole): boolean {
  return role === 'owner' || role === 'admin';
}

/** `actorType`/`actorId` as the audit log stores them. */
export function actorOf(principal: Principal): { type: 'admin' | 'api_key' | 'identity'; id: string } {
  switch (principal.type) {
    case 'admin':
      return { type: 'admin', id: principal.adminId };
    case 'apiKey':
      return { type: 'api_key', id: principal.apiKeyId };
    case 'identity':
      return { type: 'identity', id: principal.identityId };
  }
}
