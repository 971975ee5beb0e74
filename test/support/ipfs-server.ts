import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, runNode } from './process.js';

export interface TestIpfsServer {
  /** Kubo RPC API base (also the gateway base: the shim serves `/ipfs/<cid>` too). */
  readonly url: string;
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/** Starts the helia-based Kubo-RPC shim (test/support/ipfs-server-process.mjs) in a child process on a free port. */
export async function startTestIpfsServer(): Promise<TestIpfsServer> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'mailroom-ipfs-'));
  const run = runNode(
    path.join(REPO_ROOT, 'test/support/ipfs-server-process.mjs'),
    { PATH: process.env.PATH, HOME: process.env.HOME },
    [directory],
  );
  let port: string;
  try {
    port = (await run.waitForOutput(/listening (\d+)/, 30_000))[1]!;
  } catch (error) {
    run.child.kill('SIGKILL');
    throw new Error(`IPFS shim did not start: ${(error as Error).message}\n${run.stderr()}`);
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    env: { IPFS_API_URL: url, IPFS_GATEWAY_URL: url },
    close: async () => {
      run.child.kill('SIGTERM');
      await run.exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}
