import { describe, expect, it } from '@jest/globals';
import { tenantScope } from '@mailroom/persistence';
import { authorize, type AuthenticatedOptions } from './authorization.js';
import type { Principal } from './principal.js';

const scope = tenantScope('00000000-0000-4000-8000-000000000001');
const owner: Principal = { type: 'admin', tenantId: scope.tenantId, adminId: 'a1', role: 'owner', scope };
const viewer: Principal = { ...owner, role: 'viewer' };
const key: Principal = { type: 'apiKey', tenantId: scope.tenantId, apiKeyId: 'k1', scopes: ['messages'], scope };
const identity: Principal = { type: 'identity', tenantId: scope.tenantId, identityId: 'i1', scope };

function outcome(
  principal: Principal,
  options: AuthenticatedOptions,
  method = 'GET',
  params: Record<string, string> = {},
): string {
  try {
    authorize(principal, options, { method, params });
    return 'allowed';
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('authorize', () => {
  it('lets owners and admins write, viewers only read', () => {
    expect(outcome(owner, {}, 'DELETE')).toBe('allowed');
    expect(outcome(viewer, {}, 'GET')).toBe('allowed');
    expect(outcome(viewer, {}, 'HEAD')).toBe('allowed');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(outcome(viewer, {}, method)).toBe('FORBIDDEN');
    expect(outcome(viewer, { write: true }, 'GET')).toBe('FORBIDDEN');
    expect(outcome(viewer, { write: false }, 'POST')).toBe('allowed');
  });

  it('admits API keys only on routes naming a scope they hold', () => {
    expect(outcome(key, {})).toBe('FORBIDDEN');
    expect(outcome(key, { scope: 'keys' })).toBe('FORBIDDEN');
    expect(outcome(key, { scope: 'messages' }, 'POST')).toBe('allowed');
  });

  it('admits identity tokens only for their own identity on routes naming the parameter', () => {
    expect(outcome(identity, { scope: 'messages' })).toBe('FORBIDDEN');
    expect(outcome(identity, { scope: 'messages', identityParam: 'id' }, 'POST', { id: 'i1' })).toBe('allowed');
    expect(outcome(identity, { scope: 'messages', identityParam: 'id' }, 'POST', { id: 'i2' })).toBe('FORBIDDEN');
    expect(outcome(identity, { identityParam: 'id' }, 'GET', {})).toBe('FORBIDDEN');
  });
});
