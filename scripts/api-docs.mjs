// Writes the API contract generated from the code: docs/api/openapi.json and docs/api/schema.graphql
// (run after `npm run build`). Boots the gateway without listening, on embedded PostgreSQL in a temporary folder
// and an in-process event bus, so nothing outside is needed or touched.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@mailroom/config';
import { createGatewayApp, startRuntime } from '@mailroom/gateway';
import { apiContractFiles } from '../apps/gateway/dist/openapi/openapi-document.js';

const outDir = new URL('../docs/api/', import.meta.url);
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-api-docs-'));
const quiet = { info: () => {}, warn: () => {}, error: (message) => process.stderr.write(`${message}\n`) };
const config = loadConfig({
  NODE_ENV: 'development',
  LOG_LEVEL: 'silent',
  API_DOCS: 'true',
  DATA_DIR: dataDir,
  // Nothing listens there: no devnet is started, and the contract does not depend on the network.
  XMTP_API_URL: 'http://127.0.0.1:1',
});
const started = await startRuntime(config, quiet).catch(async (error) => {
  await rm(dataDir, { recursive: true, force: true });
  throw error;
});
try {
  const app = await createGatewayApp(started.runtime);
  try {
    await app.init();
    const files = apiContractFiles(app);
    await mkdir(outDir, { recursive: true });
    for (const [name, text] of Object.entries(files)) {
      await writeFile(new URL(name, outDir), text);
      process.stdout.write(`docs/api/${name} written\n`);
    }
  } finally {
    await app.close();
  }
} finally {
  await started.stop();
  await rm(dataDir, { recursive: true, force: true });
}
