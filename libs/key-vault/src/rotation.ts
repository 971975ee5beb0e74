import type { PrismaClient } from '@mailroom/persistence';
import { KeyVaultError } from './errors.js';
import type { KeyVault } from './key-vault.js';
import { identityContext } from './labels.js';
import { MASTER_KEY_LOCK } from './lease.js';
import { mismatchError } from './verification.js';

export interface RotateMasterKeyOptions {
  readonly prisma: PrismaClient;
  readonly current: KeyVault;
  readonly next: KeyVault;
  /** Named in errors, e.g. "GATEWAY_MASTER_KEY". */
  readonly currentSource: string;
  /** Runs inside the transaction after every write, before the commit (tests inject failures here). */
  readonly beforeCommit?: () => Promise<void> | void;
}

export type RotationResult =
  | {
      readonly status: 'rotated';
      readonly rewrapped: number;
      readonly rewrappedWebhooks: number;
      readonly fromKeyId: string;
      readonly toKeyId: string;
    }
  /** The database is already on the new key (an earlier run committed). */
  | { readonly status: 'already-rotated'; readonly toKeyId: string };

/**
 * Re-wraps every identity's data key and the verifier under `next`, in one transaction: either the whole database
 * moves to the new master key or nothing changes. Data keys stay the same, so material they sealed stays valid.
 */
export async function rotateMasterKey(options: RotateMasterKeyOptions): Promise<RotationResult> {
  const { current, next } = options;
  if (current.keyId === next.keyId)
    throw new KeyVaultError('ROTATION_REFUSED', `the new master key is the current one (key id ${current.keyId})`);
  return options.prisma.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<
        { locked: boolean }[]
      >`SELECT pg_try_advisory_xact_lock(${MASTER_KEY_LOCK}::bigint) AS locked`;
      if (!lock?.locked) {
        throw new KeyVaultError(
          'ROTATION_REFUSED',
          'a gateway is running on this database (it holds the master key lock); stop every gateway process, then rotate',
        );
      }
      const check = await tx.masterKeyCheck.findUnique({ where: { id: 1 } });
      if (!check)
        throw new KeyVaultError(
          'ROTATION_REFUSED',
          'this database has no master key check yet; start the gateway once before rotating',
        );
      if (next.opensVerifier(check.verifier)) return { status: 'already-rotated', toKeyId: next.keyId } as const;
      if (!current.opensVerifier(check.verifier))
        throw mismatchError(check.keyId, current.keyId, options.currentSource);

      const identities = await tx.identity.findMany({
        where: { wrappedDataKey: { not: null } },
        select: { id: true, wrappedDataKey: true },
        orderBy: { id: 'asc' },
      });
      for (const identity of identities) {
        const rewrapped = rewrap(current, next, identity.id, identity.wrappedDataKey!);
        // Raw, so updated_at keeps meaning "the identity changed".
        await tx.$executeRaw`UPDATE identities SET wrapped_data_key = ${rewrapped} WHERE id = ${identity.id}::uuid`;
      }
      // Webhook signing secrets are sealed the same way (context `webhook:<id>`).
      const endpoints = await tx.$queryRaw<{ id: string; wrapped_data_key: Uint8Array }[]>`
        SELECT id::text AS id, wrapped_data_key FROM webhook_endpoints ORDER BY id`;
      for (const endpoint of endpoints) {
        const rewrapped = rewrapContext(current, next, `webhook:${endpoint.id}`, endpoint.wrapped_data_key);
        await tx.$executeRaw`UPDATE webhook_endpoints SET wrapped_data_key = ${rewrapped} WHERE id = ${endpoint.id}::uuid`;
      }
      await tx.masterKeyCheck.update({
        where: { id: 1 },
        data: { keyId: next.keyId, verifier: Uint8Array.from(next.sealVerifier()), rotatedAt: new Date() },
      });
      await options.beforeCommit?.();
      return {
        status: 'rotated',
        rewrapped: identities.length,
        rewrappedWebhooks: endpoints.length,
        fromKeyId: current.keyId,
        toKeyId: next.keyId,
      } as const;
    },
    { maxWait: 10_000, timeout: 30 * 60_000 },
  );
}

function rewrap(current: KeyVault, next: KeyVault, identityId: string, wrapped: Uint8Array): Uint8Array {
  return rewrapContext(current, next, identityContext(identityId), wrapped);
}

function rewrapContext(current: KeyVault, next: KeyVault, context: string, wrapped: Uint8Array): Uint8Array {
  try {
    return Uint8Array.from(current.rewrapDataKey(wrapped, context, next));
  } catch (error) {
    if (!(error instanceof KeyVaultError)) throw error;
    throw new KeyVaultError(
      'ROTATION_REFUSED',
      `${context}: its data key does not open with the current master key (${error.code}); nothing was changed`,
    );
  }
}
