import { randomBytes } from 'node:crypto';

/** Anything with the gateway's base URL (a TestGateway or RunningGateway). */
export interface GatewayLike {
  readonly url: string;
}

export interface SignedUpTenant {
  readonly tenantId: string;
  readonly adminId: string;
  /** Admin JWT (role owner) of the tenant's first admin. */
  readonly adminToken: string;
  readonly refreshToken: string;
  readonly email: string;
  readonly password: string;
}

export interface CreatedTestApiKey {
  readonly id: string;
  /** The full `mr_live_…` key, for `Authorization: Bearer`. */
  readonly key: string;
  readonly prefix: string;
  readonly scopes: readonly string[];
}

export type ApiKeyScopeName = 'identities' | 'messages' | 'webhooks' | 'keys';

/** `{ authorization: 'Bearer <credential>' }` for fetch or supertest's `.set()`. */
export function bearer(credential: string): { authorization: string } {
  return { authorization: `Bearer ${credential}` };
}

async function postJson(
  gateway: GatewayLike,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<unknown> {
  const res = await fetch(new URL(path, gateway.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as unknown;
}

/** Signs up a fresh tenant (unique name and email) through the real API; about one argon2 hash of work. */
export async function signUpTenant(
  gateway: GatewayLike,
  overrides: { tenantName?: string; email?: string; password?: string } = {},
): Promise<SignedUpTenant> {
  const suffix = randomBytes(5).toString('hex');
  const email = overrides.email ?? `owner-${suffix}@tenant.test`;
  const password = overrides.password ?? `pw-${randomBytes(12).toString('base64url')}`;
  const body = (await postJson(gateway, '/v1/admin/signup', {
    tenantName: overrides.tenantName ?? `Tenant ${suffix}`,
    email,
    password,
  })) as {
    tenant: { id: string };
    admin: { id: string };
    accessToken: string;
    refreshToken: string;
  };
  return {
    tenantId: body.tenant.id,
    adminId: body.admin.id,
    adminToken: body.accessToken,
    refreshToken: body.refreshToken,
    email,
    password,
  };
}

/** Creates an API key with the given scopes (default: all) using an admin token or a key with scope `keys`. */
export async function createApiKey(
  gateway: GatewayLike,
  credential: string,
  scopes?: readonly ApiKeyScopeName[],
  name = 'test key',
): Promise<CreatedTestApiKey> {
  const body = (await postJson(
    gateway,
    '/v1/api-keys',
    scopes ? { name, scopes } : { name },
    bearer(credential),
  )) as CreatedTestApiKey;
  return { id: body.id, key: body.key, prefix: body.prefix, scopes: body.scopes };
}
