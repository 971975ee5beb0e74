import type { PrismaClient } from '@mailroom/persistence';
import { identityContext } from './labels.js';
import type { MasterKeyCheck, MasterKeyCheckStore } from './verification.js';

const ROW_ID = 1;

/** The `master_key_check` singleton row and the identities' wrapped data keys, read through Prisma. */
export class PrismaMasterKeyCheckStore implements MasterKeyCheckStore {
  constructor(private readonly prisma: PrismaClient) {}

  async read(): Promise<MasterKeyCheck | null> {
    const row = await this.prisma.masterKeyCheck.findUnique({
      where: { id: ROW_ID },
      select: { keyId: true, verifier: true },
    });
    return row ? { keyId: row.keyId, verifier: row.verifier } : null;
  }

  async insertIfAbsent(check: MasterKeyCheck): Promise<void> {
    await this.prisma.masterKeyCheck.createMany({
      data: [{ id: ROW_ID, keyId: check.keyId, verifier: Uint8Array.from(check.verifier) }],
      skipDuplicates: true,
    });
  }

  async findWrappedDataKey(): Promise<{ context: string; wrapped: Uint8Array } | null> {
    const row = await this.prisma.identity.findFirst({
      where: { wrappedDataKey: { not: null } },
      select: { id: true, wrappedDataKey: true },
    });
    return row?.wrappedDataKey ? { context: identityContext(row.id), wrapped: row.wrappedDataKey } : null;
  }
}
