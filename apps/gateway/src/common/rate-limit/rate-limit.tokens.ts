export const TOKEN_BUCKETS = Symbol('TOKEN_BUCKETS');
