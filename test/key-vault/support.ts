import { randomBytes } from 'node:crypto';
import { KeyVault, identityContext } from '@mailroom/key-vault';
import type { PrismaClient } from '@mailroom/persistence';

export interface SeededIdentity {
  readonly id: string;
  readonly walletKey: Buffer;
  readonly dbKey: Buffer;
}

/** A tenant with `count` identities whose wallet and database keys are sealed by data keys wrapped under `vault`. */
export async function seedIdentities(prisma: PrismaClient, vault: KeyVault, count: number): Promise<SeededIdentity[]> {
  const tenant = await prisma.tenant.create({ data: { name: `key-vault tenant ${randomBytes(3).toString('hex')}` } });
  const seeded: SeededIdentity[] = [];
  for (let i = 0; i < count; i++) {
    const identity = await prisma.identity.create({
      data: { tenantId: tenant.id, address: `0x${randomBytes(20).toString('hex')}`, dbPath: `xmtp/${i}.db3` },
    });
    const walletKey = randomBytes(32);
    const dbKey = randomBytes(32);
    const { dataKey, wrapped } = vault.createDataKey(identityContext(identity.id));
    await prisma.identity.update({
      where: { id: identity.id },
      data: {
        wrappedDataKey: Uint8Array.from(wrapped),
        encryptedWalletKey: Uint8Array.from(dataKey.seal(walletKey, 'wallet-key')),
        encryptedDbKey: Uint8Array.from(dataKey.seal(dbKey, 'db-key')),
      },
    });
    dataKey.destroy();
    seeded.push({ id: identity.id, walletKey, dbKey });
  }
  return seeded;
}

/** Opens every seeded identity's sealed keys with `vault` and returns whether all match what was sealed. */
export async function openAll(
  prisma: PrismaClient,
  vault: KeyVault,
  seeded: readonly SeededIdentity[],
): Promise<boolean> {
  for (const expected of seeded) {
    const row = await prisma.identity.findUniqueOrThrow({ where: { id: expected.id } });
    const dataKey = vault.unwrapDataKey(row.wrappedDataKey!, identityContext(row.id));
    const ok =
      dataKey.open(row.encryptedWalletKey!, 'wallet-key').equals(expected.walletKey) &&
      dataKey.open(row.encryptedDbKey!, 'db-key').equals(expected.dbKey);
    dataKey.destroy();
    if (!ok) return false;
  }
  return true;
}

/** Every byte the vault owns in the database, to prove a refused start or a failed rotation changed nothing. */
export async function keyMaterialSnapshot(prisma: PrismaClient): Promise<string> {
  const check = await prisma.masterKeyCheck.findUnique({ where: { id: 1 } });
  const identities = await prisma.identity.findMany({ orderBy: { id: 'asc' } });
  return JSON.stringify({
    check: check && { ...check, verifier: Buffer.from(check.verifier).toString('hex') },
    identities: identities.map((i) => ({
      id: i.id,
      updatedAt: i.updatedAt,
      wrapped: i.wrappedDataKey && Buffer.from(i.wrappedDataKey).toString('hex'),
      wallet: i.encryptedWalletKey && Buffer.from(i.encryptedWalletKey).toString('hex'),
      db: i.encryptedDbKey && Buffer.from(i.encryptedDbKey).toString('hex'),
    })),
  });
}

export function hexKey(): string {
  return randomBytes(32).toString('hex');
}

export function vaultOf(hex: string): KeyVault {
  return KeyVault.fromMasterKey(Buffer.from(hex, 'hex'));
}
