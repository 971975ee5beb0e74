import { KeyVault } from './key-vault.js';
import type { MasterKeyFiles } from './master-key-files.js';
import type { MasterKeyCheckStore } from './verification.js';

export type InterruptedRotation =
  | { readonly state: 'none' }
  /** The database already held the pending key: master.key.next was renamed to master.key. */
  | { readonly state: 'promoted'; readonly keyId: string }
  /** The rotation never committed: the pending file is stale and was left alone. */
  | { readonly state: 'uncommitted' };

/**
 * A rotation writes master.key.next, commits the re-wrapped keys, then renames the file over master.key. A crash
 * between commit and rename leaves the database on the pending key; this finishes the rename.
 */
export async function finishInterruptedRotation(
  files: MasterKeyFiles,
  checkStore: MasterKeyCheckStore,
): Promise<InterruptedRotation> {
  const pending = await files.readPending();
  if (!pending) return { state: 'none' };
  const vault = KeyVault.fromMasterKey(pending);
  pending.fill(0);
  try {
    const check = await checkStore.read();
    if (!check || !vault.opensVerifier(check.verifier)) return { state: 'uncommitted' };
    await files.promotePending();
    return { state: 'promoted', keyId: vault.keyId };
  } finally {
    vault.destroy();
  }
}
