import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { GATEWAY_MAIN, cleanEnv, runNode, type ChildRun } from '../support/process.js';

/**
 * `npm start` on a machine with nothing configured: the built gateway starts embedded PostgreSQL and the devnet
 * under DATA_DIR, becomes ready, stops cleanly on SIGTERM, and finds its data again on the next start.
 */
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-embedded-'));
const running: ChildRun[] = [];

afterAll(async () => {
  for (const run of running) if (run.child.exitCode === null) run.child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

async function startGatewayProcess(): Promise<{
  run: ChildRun;
  url: string;
  postgresPort: number;
  startedInMs: number;
}> {
  const started = Date.now();
  const run = runNode(GATEWAY_MAIN, cleanEnv({ DATA_DIR: dataDir, PORT: '0', DEVNET_PORT: '0', HOST: '127.0.0.1' }));
  running.push(run);
  const [, url] = await run.waitForOutput(/Mailroom gateway is ready on (http:\/\/\S+)/, 60_000);
  const [, port] = run.stdout().match(/embedded PostgreSQL started under \S+ on port (\d+)/) ?? [];
  let ready = 0;
  while (ready !== 200) {
    ready = (await fetch(`${url}/readyz`)).status;
    if (Date.now() - started > 60_000) throw new Error('not ready within 60 s');
  }
  return { run, url: url!, postgresPort: Number(port), startedInMs: Date.now() - started };
}

async function embeddedDatabase(port: number): Promise<pg.Client> {
  const password = (await readFile(path.join(dataDir, 'postgres.password'), 'utf8')).trim();
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'mailroom' });
  await client.connect();
  return client;
}

async function stopGracefully(run: ChildRun): Promise<void> {
  run.child.kill('SIGTERM');
  const { code } = await run.exited;
  expect(code).toBe(0);
}

/** The in-process devnet's history-sync service, from the start log line. */
function historySyncUrlOf(run: ChildRun): string {
  const [, url] =
    run.stdout().match(/in-process XMTP devnet listening on \S+, history sync on (http:\/\/[^\s"]+)/) ?? [];
  if (!url) throw new Error('no history sync URL in the start log');
  return url;
}

describe('zero-configuration start', () => {
  let tenantId = '';
  let archiveId = '';
  const archive = Buffer.from(`device-sync archive ${Date.now()}`);

  it('becomes ready within 60 s with no database configured, writing JSON logs with request ids', async () => {
    const first = await startGatewayProcess();
    expect(first.startedInMs).toBeLessThan(60_000);
    expect(first.run.stdout()).toContain('embedded PostgreSQL started');
    expect(first.run.stdout()).toContain('in-process XMTP devnet listening on');

    const res = await fetch(`${first.url}/readyz`, { headers: { 'x-request-id': 'embedded-probe-1' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { checks: Record<string, unknown> }).checks).toHaveProperty('database');
    await new Promise((r) => setTimeout(r, 100));
    const requestLine = first.run
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.reqId === 'embedded-probe-1');
    expect(requestLine).toMatchObject({ msg: 'request completed', res: { statusCode: 200 } });

    const db = await embeddedDatabase(first.postgresPort);
    const inserted = await db.query<{ id: string }>(
      `INSERT INTO tenants (id, name, created_at, updated_at) VALUES (gen_random_uuid(), 'persisted tenant', now(), now()) RETURNING id`,
    );
    tenantId = inserted.rows[0]!.id;
    await db.end();

    // Device-sync archives go to the devnet's history service, kept under DATA_DIR/devnet/history.
    const uploaded = await fetch(`${historySyncUrlOf(first.run)}/upload`, { method: 'POST', body: archive });
    expect(uploaded.status).toBe(200);
    archiveId = await uploaded.text();
    await stopGracefully(first.run);
    expect(first.run.stdout()).toContain('SIGTERM received, draining');
  });

  it('keeps the data across a stop and a start', async () => {
    expect(tenantId).not.toBe('');
    const second = await startGatewayProcess();
    expect(second.run.stdout()).not.toContain('applied migrations');
    const db = await embeddedDatabase(second.postgresPort);
    const found = await db.query<{ name: string }>('SELECT name FROM tenants WHERE id = $1', [tenantId]);
    await db.end();
    expect(found.rows).toEqual([{ name: 'persisted tenant' }]);
    const downloaded = await fetch(`${historySyncUrlOf(second.run)}/files/${archiveId}`);
    expect(downloaded.status).toBe(200);
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(archive)).toBe(true);
    await stopGracefully(second.run);
  });
});
