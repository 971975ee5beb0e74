// Starts the built gateway once (in-process devnet, the given DATABASE_URL and REDIS_URL, a scratch DATA_DIR), prints
// its start-up lines that name the XMTP network and SDK, and stops it. CI runs it before each test pass so its log
// shows which @xmtp/node-sdk that pass runs on (`node scripts/startup-line.mjs`, after `npm run build`).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-startup-line-'));

// A scratch database of its own: a database another run set up is bound to that run's master key.
const serverUrl = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test');
const scratchName = `mailroom_startup_line_${process.pid}`;
const admin = new pg.Client({ connectionString: serverUrl.toString() });
await admin.connect();
await admin.query(`CREATE DATABASE ${scratchName}`);
const scratchUrl = new URL(serverUrl);
scratchUrl.pathname = `/${scratchName}`;

const child = spawn(process.execPath, ['apps/gateway/dist/main.js'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: {
    ...process.env,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: '0',
    DEVNET_PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: scratchUrl.toString(),
  },
});

let out = '';
const timer = setTimeout(() => finish(1, 'the gateway did not become ready within 120 s'), 120_000);
child.stdout.on('data', (chunk) => {
  out += chunk;
  if (/Mailroom gateway is ready on/.test(out) && /XMTP SDK\s+\S/.test(out)) finish(0);
});
child.stderr.on('data', (chunk) => (out += chunk));
child.once('exit', (code) => finish(1, `the gateway exited (${code}) before it was ready`));

let finished = false;
function finish(status, problem) {
  if (finished) return;
  finished = true;
  clearTimeout(timer);
  child.removeAllListeners('exit');
  const lines = out.split('\n').filter((line) => /XMTP (SDK|network|node)/.test(line));
  process.stdout.write(`${lines.join('\n')}\n`);
  if (problem) process.stderr.write(`${problem}\n${out}\n`);
  child.once('exit', () => {
    rmSync(dataDir, { recursive: true, force: true });
    admin
      .query(`DROP DATABASE IF EXISTS ${scratchName} WITH (FORCE)`)
      .finally(() => admin.end())
      .finally(() => process.exit(status));
  });
  if (child.exitCode === null) child.kill('SIGTERM');
  else child.emit('exit', child.exitCode);
}
