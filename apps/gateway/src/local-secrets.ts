import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A secret generated once and kept in a file under DATA_DIR (mode 600), for the embedded mode only:
 * production configuration must name its secrets explicitly. Returns the secret and whether it was just created.
 */
export async function loadOrCreateLocalSecret(
  dataDir: string,
  fileName: string,
  generate: () => string = () => randomBytes(32).toString('base64url'),
): Promise<{ value: string; created: boolean; file: string }> {
  const file = path.join(dataDir, fileName);
  try {
    const value = (await readFile(file, 'utf8')).trim();
    if (value) return { value, created: false, file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const value = generate();
  // `wx` refuses to overwrite a file another process created meanwhile; then read theirs.
  try {
    await writeFile(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return { value, created: true, file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { value: (await readFile(file, 'utf8')).trim(), created: false, file };
  }
}
