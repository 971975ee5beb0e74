import type { XmtpSession } from '@mailroom/xmtp';

export type DeactivationListener = (identityId: string, client: XmtpSession<unknown>) => void;

/**
 * Fans the installation pool's single `onDeactivate` callback out to listeners (the realtime pipeline stops an
 * identity's streams before its client closes). One hub per pool, found by the pool object.
 */
export class PoolDeactivations {
  readonly #listeners = new Set<DeactivationListener>();

  notify(identityId: string, client: XmtpSession<unknown>): void {
    for (const listener of this.#listeners) listener(identityId, client);
  }

  listen(listener: DeactivationListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

const hubs = new WeakMap<object, PoolDeactivations>();

export function attachPoolDeactivations(pool: object, hub: PoolDeactivations): void {
  hubs.set(pool, hub);
}

/** The hub wired into this pool at construction, if any. */
export function poolDeactivationsOf(pool: object): PoolDeactivations | undefined {
  return hubs.get(pool);
}
