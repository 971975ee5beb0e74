import type { Identity } from '@mailroom/persistence';
import type { InboxStateSummary, RegisteredInstallation } from '@mailroom/xmtp';
import type { SealedIdentityKeys } from '../../modules/identities/identity-hosting.js';

/** Stands in for the XMTP side of hosting (tested end to end against the devnet): records what the service asked. */
export class RecordingIdentityHosting {
  readonly registered: string[] = [];
  readonly destroyed: string[] = [];
  installations = 1;

  seal(): SealedIdentityKeys {
    return {
      wrappedDataKey: new Uint8Array([1]),
      encryptedWalletKey: new Uint8Array([2]),
      encryptedDbKey: new Uint8Array([3]),
    };
  }

  /** Identity ids whose next registration fails (the network was away). */
  readonly failNextRegistration = new Set<string>();

  async register(row: Identity): Promise<RegisteredInstallation> {
    if (this.failNextRegistration.delete(row.id)) throw new Error('the network did not answer');
    this.registered.push(row.id);
    return {
      inboxId: `inbox-${row.id}`,
      installationId: `installation-${row.id}`,
      installationCount: this.installations,
    };
  }

  async inboxState(row: Identity): Promise<InboxStateSummary> {
    const installations = Array.from({ length: this.installations }, (_, i) => ({
      id: i === 0 ? row.installationId! : `other-${i}`,
      createdAt: new Date(0),
    }));
    return { installations, identityUpdateCount: 1, identifiers: [] } as unknown as InboxStateSummary;
  }

  async destroy(row: Identity): Promise<void> {
    this.destroyed.push(row.id);
  }

  async revokeOthers(): Promise<string[]> {
    return [];
  }
}
