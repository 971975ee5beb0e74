// `npm run devnet` as a process: the history-sync service beside the node (port + 2 unless --history-port), its
// archives in the data dir, bad flags refused, a clean stop on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from '@jest/globals';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(REPO_ROOT, 'apps/devnet/src/cli.ts');

interface RunningCli {
  child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  exited: Promise<number | NodeJS.Signals | null>;
}

function runCli(args: string[]): RunningCli {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_OPTIONS: '', NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer) => {
    out += chunk.toString();
    for (const wake of waiters) wake();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  // The exit code, or the signal that ended the process (so a failure says which).
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  return {
    child,
    output: () => out,
    exited,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(out);
          if (match) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output:\n${out}`));
        }, timeoutMs);
        waiters.add(check);
        void exited.then(() => setTimeout(check, 0));
        check();
      }),
  };
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port P with P and P + 2 both free (for the default history port). */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    if ((await isFree(port)) && (await isFree(port + 2))) return port;
  }
  throw new Error('no free port pair');
}

describe('devnet CLI', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('serves history sync on port + 2 by default and keeps archives in the data dir', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-devnet-cli-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freePortPair();
    const cli = runCli(['--port', String(port), '--data-dir', dataDir, '--log-level', 'warn']);
    cleanups.push(async () => {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
      await cli.exited;
    });

    await cli.waitFor(new RegExp(`devnet ready at http://127\\.0\\.0\\.1:${port}\\n`));
    const [, historyUrl] = await cli.waitFor(/history sync at (\S+)\n/);
    expect(historyUrl).toBe(`http://127.0.0.1:${port + 2}`);

    const archive = randomBytes(50_000);
    const uploaded = await fetch(`${historyUrl}/upload`, { method: 'POST', body: archive });
    expect(uploaded.status).toBe(200);
    const id = await uploaded.text();
    expect(await readdir(path.join(dataDir, 'history'))).toEqual([id]);
    const downloaded = await fetch(`${historyUrl}/files/${id}`);
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(archive)).toBe(true);

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('takes --history-port and --history-max-upload-mib, or runs without history (--no-history)', async () => {
    const limited = runCli(['--port', '0', '--history-port', '0', '--history-max-upload-mib', '0.001']);
    cleanups.push(async () => {
      if (limited.child.exitCode === null) limited.child.kill('SIGKILL');
      await limited.exited;
    });
    const [, historyUrl] = await limited.waitFor(/history sync at (\S+)\n/);
    // 0.001 MiB = 1048 bytes.
    expect((await fetch(`${historyUrl}/upload`, { method: 'POST', body: randomBytes(1049) })).status).toBe(413);
    expect((await fetch(`${historyUrl}/upload`, { method: 'POST', body: randomBytes(1048) })).status).toBe(200);
    limited.child.kill('SIGTERM');
    expect(await limited.exited).toBe(0);

    const without = runCli(['--port', '0', '--no-history']);
    cleanups.push(async () => {
      if (without.child.exitCode === null) without.child.kill('SIGKILL');
      await without.exited;
    });
    await without.waitFor(/devnet ready at \S+\n/);
    expect(without.output()).not.toContain('history sync at');
    without.child.kill('SIGTERM');
    expect(await without.exited).toBe(0);
  });

  it.each([
    [['--history-port', '70000'], 'invalid history port: 70000'],
    [['--port', '65535'], 'invalid history port (port + 2): 65537'],
    [['--history-max-upload-mib=0'], 'invalid history max upload (MiB): 0'],
    [['--history-retention-hours', 'soon'], 'invalid history retention (hours): soon'],
  ])('refuses %j', async (args, message) => {
    const cli = runCli(['--port', '0', ...args]);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain(message);
    expect(cli.output()).toContain('Usage: npm run devnet');
  });
});
