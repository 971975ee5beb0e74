import type { EventBus } from '@mailroom/events';

/** Bus channel on which a revocation reaches every replica's API-key cache. */
export const API_KEY_REVOKED = 'mailroom/api-keys/revoked';

export interface ApiKeyRevoked {
  readonly apiKeyId: string;
}

/** Best effort: the revocation is saved either way; if the bus is down, cached keys expire within API_KEY_CACHE_TTL_MS. */
export async function announceRevocation(bus: EventBus, apiKeyId: string): Promise<void> {
  await bus.publish<ApiKeyRevoked>(API_KEY_REVOKED, { apiKeyId }).catch(() => undefined);
}
