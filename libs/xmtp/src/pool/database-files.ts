import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { IdentityBrokenError } from './errors.js';

/** libxmtp's SQLCipher database and the files it keeps beside it. */
export function databaseFiles(dbPath: string): string[] {
  return [
    dbPath,
    `${dbPath}-wal`,
    `${dbPath}-shm`,
    `${dbPath}-journal`,
    `${dbPath}.sqlcipher_salt`,
    sdkMarkerPath(dbPath),
  ];
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

// ---- which SDK major last migrated the database ----
// libxmtp migrates its database forward when a newer SDK opens it, and an older SDK must not open it afterwards. The
// highest SDK major that opened a database is kept in a small file beside it (so it travels with the database in
// backups, restores and moves between deployments), written after every successful open and read before each open.

export interface SdkMarker {
  major: number;
  version: string;
}

export function sdkMarkerPath(dbPath: string): string {
  return `${dbPath}.mailroom-sdk.json`;
}

export async function readSdkMarker(dbPath: string): Promise<SdkMarker | undefined> {
  try {
    const parsed = JSON.parse(await readFile(sdkMarkerPath(dbPath), 'utf8')) as Partial<SdkMarker>;
    if (typeof parsed.major !== 'number') return undefined;
    return { major: parsed.major, version: String(parsed.version ?? parsed.major) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Refuses to open a database a newer SDK major has migrated (IdentityBrokenError `database_from_newer_sdk`). */
export async function assertSdkCanOpen(
  identityId: string,
  dbPath: string,
  major: number,
  version: string,
): Promise<void> {
  const marker = await readSdkMarker(dbPath);
  if (marker && marker.major > major) {
    throw new IdentityBrokenError(
      identityId,
      'database_from_newer_sdk',
      `its database was opened by @xmtp/node-sdk ${marker.version}, which migrated it forward; this process runs @xmtp/node-sdk ${version}, ` +
        `which cannot open it safely. Run this identity on SDK ${marker.major} (XMTP_SDK=${marker.major} or auto where glibc >= 2.38)`,
    );
  }
}

/** Records that SDK `major` opened the database (only ever raises the recorded major). */
export async function recordSdkOpened(dbPath: string, major: number, version: string): Promise<void> {
  const marker = await readSdkMarker(dbPath);
  if (marker && marker.major >= major) return;
  const temp = `${sdkMarkerPath(dbPath)}.tmp`;
  await writeFile(temp, JSON.stringify({ major, version }) + '\n');
  await rename(temp, sdkMarkerPath(dbPath));
}
