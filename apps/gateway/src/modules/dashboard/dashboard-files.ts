import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build` puts the dashboard: apps/dashboard/dist, reached the same way from src/ and dist/. */
export function dashboardDistDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '../../../../dashboard/dist');
}

export function isDashboardBuilt(dir: string): boolean {
  return existsSync(path.join(dir, 'index.html'));
}
