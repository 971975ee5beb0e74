/** Another process holds the identity's lock: its installation database is open there, so this process must not open it. */
export class IdentityBusyError extends Error {
  constructor(readonly identityId: string) {
    super(`identity ${identityId} is active in another process`);
    this.name = 'IdentityBusyError';
  }
}

export type IdentityBrokenReason =
  /** The installation database file is gone: activating would need a new installation, which the pool never does silently. */
  | 'database_missing'
  /** The database key does not open the file (wrong or corrupted key, or a corrupted file). */
  | 'database_key_rejected'
  /** The database opens but holds another installation or inbox than the identity record says. */
  | 'installation_mismatch'
  /** The database holds an installation that was never registered on the network. */
  | 'installation_not_registered'
  /** A newer SDK major opened (and migrated) the database; this process runs an older one, which must not open it. */
  | 'database_from_newer_sdk';

/** The identity cannot be activated without a new installation. Report it; never re-register behind the caller's back. */
export class IdentityBrokenError extends Error {
  constructor(
    readonly identityId: string,
    readonly reason: IdentityBrokenReason,
    detail?: string,
  ) {
    super(`identity ${identityId} is broken (${reason})${detail ? `: ${detail}` : ''}`);
    this.name = 'IdentityBrokenError';
  }
}

export class PoolClosedError extends Error {
  constructor() {
    super('installation pool is closed');
    this.name = 'PoolClosedError';
  }
}

/** The identity's lock was lost (lock session died) while its client was in use; the client was closed. */
export class IdentityLockLostError extends Error {
  constructor(readonly identityId: string) {
    super(`identity ${identityId} lost its lock; its client was closed`);
    this.name = 'IdentityLockLostError';
  }
}
