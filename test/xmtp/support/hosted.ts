// Hosted identities for pool tests: a wallet key, a database key and a database path, as the identities module keeps them.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { IdentityKeys, IdentityRef } from '@mailroom/xmtp';

export interface HostedIdentity {
  ref: IdentityRef;
  secrets: IdentityKeys;
  /** How many times the pool asked for the keys. */
  keyReads: number;
  keys: () => IdentityKeys;
}

let counter = 0;

export function hostedIdentity(dir: string): HostedIdentity {
  const walletPrivateKey = generatePrivateKey();
  const identity: HostedIdentity = {
    ref: {
      identityId: `identity-${process.pid}-${++counter}-${randomBytes(3).toString('hex')}`,
      address: privateKeyToAccount(walletPrivateKey).address.toLowerCase(),
      dbPath: path.join(dir, `identity-${counter}.db3`),
    },
    secrets: { walletPrivateKey, dbEncryptionKey: new Uint8Array(randomBytes(32)) },
    keyReads: 0,
    keys: () => {
      identity.keyReads++;
      return identity.secrets;
    },
  };
  return identity;
}

/** Registers through the pool and records the inbox and installation ids on the ref, as the identities module would. */
export async function registerHosted<Registered extends { inboxId: string; installationId: string }>(
  pool: { register: (ref: IdentityRef, keys: () => IdentityKeys) => Promise<Registered> },
  identity: HostedIdentity,
): Promise<Registered> {
  const registered = await pool.register(identity.ref, identity.keys);
  identity.ref = { ...identity.ref, inboxId: registered.inboxId, installationId: registered.installationId };
  return registered;
}
