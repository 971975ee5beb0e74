// `npm run bench`: every benchmark, one after another (they compete for the same cores), each rewriting its own
// section of docs/benchmarks.md. `npm run bench -- devnet messaging` runs only those.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const all = [
  'http-adapter',
  'devnet',
  'identities',
  'messaging',
  'send-breakdown',
  'attachments',
  'webhooks',
  'realtime',
  'load',
];
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all;
const unknown = chosen.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${all.join(', ')}\n`);
  process.exit(2);
}
let failed = 0;
for (const name of chosen) {
  process.stdout.write(`\n==> bench ${name}\n`);
  const started = Date.now();
  const run = spawnSync(process.execPath, [path.join(here, `${name}.mjs`)], { stdio: 'inherit' });
  process.stdout.write(`==> bench ${name}: exit ${run.status} after ${Math.round((Date.now() - started) / 1000)} s\n`);
  if (run.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
