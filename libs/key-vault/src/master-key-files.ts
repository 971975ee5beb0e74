import { mkdir, open as openFile, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { KeyVaultError } from './errors.js';
import { formatMasterKey, parseMasterKey } from './master-key.js';

export const MASTER_KEY_FILE = 'master.key';
/** A new master key written before a rotation commits; promoted to master.key once the database holds it. */
export const PENDING_MASTER_KEY_FILE = 'master.key.next';

/**
 * The master key files of the embedded mode under DATA_DIR (mode 600, hex). master.key is created once and only
 * ever replaced by an atomic rename of master.key.next, after a rotation committed.
 */
export class MasterKeyFiles {
  readonly current: string;
  readonly pending: string;

  constructor(readonly dataDir: string) {
    this.current = path.join(dataDir, MASTER_KEY_FILE);
    this.pending = path.join(dataDir, PENDING_MASTER_KEY_FILE);
  }

  readCurrent(): Promise<Buffer | undefined> {
    return readKeyFile(this.current);
  }

  readPending(): Promise<Buffer | undefined> {
    return readKeyFile(this.pending);
  }

  /** Creates master.key; false (and nothing written) when it already exists. */
  async createCurrent(key: Uint8Array): Promise<boolean> {
    await mkdir(this.dataDir, { recursive: true });
    try {
      await writeDurably(this.current, key, 'wx');
      await syncDirectory(this.dataDir);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  }

  /** Writes master.key.next atomically (temporary file, fsync, rename), replacing an uncommitted leftover. */
  async writePending(key: Uint8Array): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    const temporary = `${this.pending}.${process.pid}.tmp`;
    try {
      await writeDurably(temporary, key, 'wx');
      await rename(temporary, this.pending);
      await syncDirectory(this.dataDir);
    } finally {
      await rm(temporary, { force: true });
    }
  }

  /** Atomically replaces master.key with master.key.next. */
  async promotePending(): Promise<void> {
    await rename(this.pending, this.current);
    await syncDirectory(this.dataDir);
  }

  async discardPending(): Promise<void> {
    await rm(this.pending, { force: true });
  }
}

async function readKeyFile(file: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return parseMasterKey(text);
  } catch {
    throw new KeyVaultError(
      'INVALID_KEY',
      `${file} does not hold a master key (32 bytes as 64 hex characters or base64)`,
    );
  }
}

async function writeDurably(file: string, key: Uint8Array, flag: 'wx'): Promise<void> {
  const handle = await openFile(file, flag, 0o600);
  try {
    await handle.writeFile(`${formatMasterKey(key)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await openFile(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
