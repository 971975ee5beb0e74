import { tenantScope, type TenantScope } from '@mailroom/persistence';
import type { AdminPrincipal, ApiKeyPrincipal } from '../common/auth/index.js';

export const TENANT_A = tenantScope('a0000000-0000-4000-8000-000000000000');
export const TENANT_B = tenantScope('b0000000-0000-4000-8000-000000000000');

export function adminOf(scope: TenantScope, role: AdminPrincipal['role'] = 'owner'): AdminPrincipal {
  return { type: 'admin', tenantId: scope.tenantId, adminId: `admin-of-${scope.tenantId}`, role, scope };
}

export function apiKeyOf(
  scope: TenantScope,
  scopes: ApiKeyPrincipal['scopes'] = ['identities', 'messages', 'webhooks', 'keys'],
): ApiKeyPrincipal {
  return { type: 'apiKey', tenantId: scope.tenantId, apiKeyId: `key-of-${scope.tenantId}`, scopes, scope };
}
