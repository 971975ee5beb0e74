export const TOKEN_BUCKETS = Symbol('TOKEN_BUCKETS');
/** Provider of a tenant's own (lower) request limits; see TenantRateLimitSource. */
export const TENANT_RATE_LIMITS = Symbol('TENANT_RATE_LIMITS');
