declare const tenantIdBrand: unique symbol;

/** A tenant id that came from an authenticated principal; plain strings do not type-check as one. */
export type TenantId = string & { readonly [tenantIdBrand]: true };

/**
 * The tenant a piece of work runs for. Every repository method takes one as its first argument, so a query
 * without a tenant scope does not compile (compare novu's EnforceEnvOrOrgIds).
 */
export interface TenantScope {
  readonly tenantId: TenantId;
}

/** Only the authentication layer (and tests, and signup) mint scopes. */
export function tenantScope(tenantId: string): TenantScope {
  return { tenantId: tenantId as TenantId };
}

/** A where clause with the tenant forced in: callers cannot omit it or point it at another tenant. */
export function scopedWhere<W extends { tenantId?: unknown }>(
  scope: TenantScope,
  where?: Omit<W, 'tenantId'>,
): Omit<W, 'tenantId'> & { tenantId: TenantId } {
  return { ...(where ?? ({} as Omit<W, 'tenantId'>)), tenantId: scope.tenantId };
}
