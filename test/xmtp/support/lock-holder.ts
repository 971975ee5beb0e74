// A separate process that takes identity locks and holds them until it is killed (run with `node --import tsx`).
import { PgAdvisoryIdentityLocks } from '../../../libs/persistence/src/identity-locks.js';

const [connectionString, ...identityIds] = process.argv.slice(2);
const locks = new PgAdvisoryIdentityLocks({ connectionString: connectionString! });
const results: Record<string, boolean> = {};
for (const id of identityIds) results[id] = await locks.tryAcquire(id);
process.stdout.write(`locks ${JSON.stringify(results)}\n`);
setInterval(() => undefined, 60_000); // hold the session until killed
