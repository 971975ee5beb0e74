import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { checkDatabase, createPrismaClient, deployMigrations, startEmbeddedPostgres } from '@mailroom/persistence';
import { REPO_MIGRATIONS_DIR, repoMigrationNames } from '../support/database.js';

describe('startEmbeddedPostgres', () => {
  let dataDir: string;
  let blocker: net.Server;
  let busyPort: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'mailroom-embedded-'));
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    busyPort = (blocker.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => blocker.close(resolve));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps data under DATA_DIR across a stop and a start, with its password kept next to the cluster', async () => {
    const first = await startEmbeddedPostgres({ dataDir, port: busyPort });
    expect(first.port).not.toBe(busyPort); // the preferred port was taken: another one was picked
    expect(first.url).toMatch(/^postgresql:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/mailroom$/);
    await expect(checkDatabase(first.url)).resolves.toMatchObject({ ok: true });

    await expect(deployMigrations({ databaseUrl: first.url, migrationsDir: REPO_MIGRATIONS_DIR })).resolves.toEqual(
      await repoMigrationNames(),
    );
    const prisma = createPrismaClient(first.url);
    const tenant = await prisma.tenant.create({ data: { name: 'Persistent Ltd' } });
    await prisma.$disconnect();
    await first.stop();
    await expect(checkDatabase(first.url, 500)).resolves.toMatchObject({ ok: false });

    const password = (await readFile(path.join(dataDir, 'postgres.password'), 'utf8')).trim();
    expect((await stat(path.join(dataDir, 'postgres.password'))).mode & 0o777).toBe(0o600);
    expect(first.url).toContain(`:${encodeURIComponent(password)}@`);

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      const again = createPrismaClient(second.url);
      await expect(again.tenant.findUnique({ where: { id: tenant.id } })).resolves.toMatchObject({
        name: 'Persistent Ltd',
      });
      await expect(deployMigrations({ databaseUrl: second.url, migrationsDir: REPO_MIGRATIONS_DIR })).resolves.toEqual(
        [],
      );
      await again.$disconnect();
      await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(
        /is already running \(pid \d+\) for another process/,
      );
    } finally {
      await second.stop();
    }
  });

  it('takes over a server left running by a process that was killed with SIGKILL', async () => {
    const script = `import { startEmbeddedPostgres } from ${JSON.stringify(path.resolve('libs/persistence/dist/index.js'))};
      await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)} });
      process.stdout.write('READY\\n');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('READY') && resolve());
      child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    const orphan = Number((await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(await readFile(`/proc/${orphan}/cmdline`, 'utf8')).toContain('postgres');

    const taken = await startEmbeddedPostgres({ dataDir });
    try {
      await expect(checkDatabase(taken.url)).resolves.toMatchObject({ ok: true });
      expect(
        Number((await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]),
      ).not.toBe(orphan);
    } finally {
      await taken.stop();
    }
  });
});
