import { AsyncLocalStorage } from 'node:async_hooks';

/** The identity whose network budget the running operation has already been charged for. */
const chargedIdentity = new AsyncLocalStorage<string>();

/** Runs `work` as an operation that already paid the network budget of `identityId`. */
export function runChargedFor<T>(identityId: string | undefined, work: () => Promise<T>): Promise<T> {
  return identityId ? chargedIdentity.run(identityId, work) : work();
}

/** Whether the operation this code runs in has already paid for `identityId`'s network use. */
export function isChargedFor(identityId: string): boolean {
  return chargedIdentity.getStore() === identityId;
}
