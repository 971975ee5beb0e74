// The gateway as its own process for a benchmark (apps/gateway/dist/main.js, so `npm run build` first): spawned on the
// bench's database, Redis and devnet with fresh keys and the request rate limits out of the way, awaited until it says
// it is ready, and stopped.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Spawns the gateway, with `nodeArgs` (profiling, preloads) before its script and `env` added to its settings. Its
 * stdout is piped (read it with waitForReady), its stderr inherited; `ipc` adds an IPC channel.
 */
export function spawnGateway({ databaseUrl, devnetUrl, dataDir, nodeArgs = [], env = {}, ipc = false }) {
  return spawn(process.execPath, [...nodeArgs, 'apps/gateway/dist/main.js'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit', ...(ipc ? ['ipc'] : [])],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      XMTP_API_URL: devnetUrl,
      GATEWAY_MASTER_KEY: randomBytes(32).toString('hex'),
      JWT_SECRET: randomBytes(32).toString('hex'),
      OUTBOUND_ALLOWLIST: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_TENANT_PER_MINUTE: '10000000',
      ...env,
    },
  });
}

/**
 * Resolves with the gateway's URL once it says it is ready; its later stdout is drained, unread. Rejects when it exits
 * first, after `timeoutMs`, or when `signal` aborts.
 */
export function waitForReady(child, { timeoutMs = 120_000, signal } = {}) {
  return new Promise((resolve, reject) => {
    let out = '';
    const fail = (error) => {
      clearTimeout(timer);
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`gateway not ready after ${timeoutMs / 1000} s:\n${out}`)),
      timeoutMs,
    );
    const onData = (chunk) => {
      out += chunk;
      const match = /Mailroom gateway is ready on (\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => fail(new Error(`gateway exited ${code} before it was ready:\n${out}`)));
    signal?.addEventListener('abort', () => fail(signal.reason), { once: true });
  });
}

/** SIGTERM (the gateway drains, and writes its CPU profile if asked to), SIGKILL if it has not exited after `timeoutMs`. */
export function stopProcess(child, timeoutMs = 30_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
