import path from 'node:path';
import { fileURLToPath } from 'node:url';

// This file sits at libs/persistence/{src,dist}/paths.*: three levels below the repository root in both cases.
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The repository's prisma/migrations, for applying migrations at start-up. */
export const DEFAULT_MIGRATIONS_DIR = path.join(repositoryRoot, 'prisma', 'migrations');
