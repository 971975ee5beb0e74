import { rm, stat } from 'node:fs/promises';

/** libxmtp's SQLCipher database and the files it keeps beside it. */
export function databaseFiles(dbPath: string): string[] {
  return [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, `${dbPath}-journal`, `${dbPath}.sqlcipher_salt`];
}

export async function databaseExists(dbPath: string): Promise<boolean> {
  try {
    return (await stat(dbPath)).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

export async function deleteDatabaseFiles(dbPath: string): Promise<void> {
  for (const file of databaseFiles(dbPath)) await rm(file, { force: true });
}
