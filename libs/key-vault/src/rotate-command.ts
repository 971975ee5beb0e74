import path from 'node:path';
import { createPrismaClient, startEmbeddedPostgres, type PrismaClient } from '@mailroom/persistence';
import { KeyVaultError } from './errors.js';
import { KeyVault } from './key-vault.js';
import { generateMasterKey, parseMasterKey } from './master-key.js';
import { MasterKeyFiles } from './master-key-files.js';
import { finishInterruptedRotation } from './pending-rotation.js';
import { PrismaMasterKeyCheckStore } from './prisma-check-store.js';
import { rotateMasterKey } from './rotation.js';

/** Test-only fault injection: crash the rotation before its commit, or after it but before the key file rename. */
export const ROTATE_CRASH_ENV = 'MAILROOM_TEST_KEYS_ROTATE_CRASH';

export const ROTATE_USAGE = `Usage: npm run keys:rotate [-- --generate]
Re-wraps every identity's data key under a new master key, in one transaction.
  current key  GATEWAY_MASTER_KEY, or DATA_DIR/master.key when it is not set
  new key      NEW_GATEWAY_MASTER_KEY, or --generate (only with DATA_DIR/master.key: writes the new file)
  database     DATABASE_URL, or the embedded PostgreSQL under DATA_DIR (gateway stopped)`;

class UsageError extends Error {}

export interface RotateCommandIo {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  out(line: string): void;
}

/** `npm run keys:rotate`; returns the exit code (0 done, 1 failed, 2 usage). Never prints key material. */
export async function runKeysRotate(io: RotateCommandIo): Promise<number> {
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    return await rotate(io, cleanup);
  } catch (error) {
    if (error instanceof UsageError) {
      io.out(`keys:rotate: ${error.message}\n${ROTATE_USAGE}`);
      return 2;
    }
    io.out(`keys:rotate failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  }
}

async function rotate(io: RotateCommandIo, cleanup: (() => Promise<unknown>)[]): Promise<number> {
  const { env } = io;
  const unknown = io.argv.filter((arg) => arg !== '--generate');
  if (unknown.length > 0) throw new UsageError(`unknown argument ${unknown[0]}`);
  const generate = io.argv.includes('--generate');
  const configuredCurrent = env.GATEWAY_MASTER_KEY || undefined;
  const configuredNext = env.NEW_GATEWAY_MASTER_KEY || undefined;
  if (generate === Boolean(configuredNext))
    throw new UsageError('give the new key as NEW_GATEWAY_MASTER_KEY or pass --generate (one of the two)');
  if (generate && configuredCurrent) {
    throw new UsageError(
      '--generate writes DATA_DIR/master.key, but GATEWAY_MASTER_KEY is set; give the new key as NEW_GATEWAY_MASTER_KEY instead',
    );
  }

  // Parsed before anything starts, so a typo is a usage error that touches nothing.
  const givenCurrent = configuredCurrent ? parseConfigured(configuredCurrent, 'GATEWAY_MASTER_KEY') : undefined;
  const givenNext = configuredNext ? parseConfigured(configuredNext, 'NEW_GATEWAY_MASTER_KEY') : undefined;
  cleanup.push(async () => [givenCurrent, givenNext].forEach((key) => key?.fill(0)));

  const dataDir = path.resolve(env.DATA_DIR || './data');
  const files = configuredCurrent ? undefined : new MasterKeyFiles(dataDir);
  const current = await currentVault(givenCurrent, files);
  cleanup.push(async () => current.vault.destroy());
  const prisma = await connect(env, dataDir, cleanup);

  if (files) {
    const interrupted = await finishInterruptedRotation(files, new PrismaMasterKeyCheckStore(prisma));
    if (interrupted.state === 'promoted') {
      io.out(
        `Finished an interrupted rotation: ${files.current} now holds master key id ${interrupted.keyId}. Run the command again to rotate once more.`,
      );
      return 0;
    }
  }
  const nextKey = givenNext ?? generateMasterKey();
  const next = KeyVault.fromMasterKey(nextKey);
  cleanup.push(async () => next.destroy());
  if (files) await files.writePending(nextKey);
  nextKey.fill(0);

  const crash = env[ROTATE_CRASH_ENV];
  const result = await rotateMasterKey({
    prisma,
    current: current.vault,
    next,
    currentSource: current.source,
    beforeCommit:
      crash === 'before-commit' ? () => Promise.reject(new Error('injected failure before commit')) : undefined,
  });
  if (crash === 'after-commit') process.kill(process.pid, 'SIGKILL');

  if (result.status === 'already-rotated') {
    if (files) await files.promotePending();
    io.out(`Nothing to do: the database is already on master key id ${result.toKeyId}.`);
    return 0;
  }
  if (files) await files.promotePending();
  io.out(
    `Re-wrapped ${result.rewrapped} identity data key(s), ${result.rewrappedWebhooks} webhook secret key(s) and the master key check: master key id ${result.fromKeyId} -> ${result.toKeyId}.`,
  );
  io.out(
    files
      ? `${files.current} now holds the new key. Back it up; database backups taken before now still need the old key.`
      : 'Set GATEWAY_MASTER_KEY to the new key before starting the gateway; the old key is refused from now on.',
  );
  return 0;
}

async function connect(
  env: NodeJS.ProcessEnv,
  dataDir: string,
  cleanup: (() => Promise<unknown>)[],
): Promise<PrismaClient> {
  let databaseUrl = env.DATABASE_URL || undefined;
  if (!databaseUrl) {
    const postgres = await startEmbeddedPostgres({ dataDir });
    cleanup.push(() => postgres.stop());
    databaseUrl = postgres.url;
  }
  const prisma = createPrismaClient(databaseUrl);
  cleanup.push(() => prisma.$disconnect());
  return prisma;
}

async function currentVault(
  given: Buffer | undefined,
  files: MasterKeyFiles | undefined,
): Promise<{ vault: KeyVault; source: string }> {
  if (given) return { vault: KeyVault.fromMasterKey(given), source: 'GATEWAY_MASTER_KEY' };
  const key = await files!.readCurrent();
  if (!key)
    throw new KeyVaultError(
      'MASTER_KEY_MISSING',
      `no current master key: set GATEWAY_MASTER_KEY or keep ${files!.current}`,
    );
  const vault = KeyVault.fromMasterKey(key);
  key.fill(0);
  return { vault, source: files!.current };
}

function parseConfigured(text: string, name: string): Buffer {
  try {
    return parseMasterKey(text);
  } catch {
    throw new UsageError(`${name} must be 32 bytes as 64 hex characters or base64`);
  }
}
