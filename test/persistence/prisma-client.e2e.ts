import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ApiKeyScope,
  ASYNC_COMMIT_APPLICATION_NAME,
  checkDatabase,
  createPrismaClient,
  Prisma,
  PrismaService,
  queryPrepared,
  useAsyncCommitPool,
  type PrismaClient,
} from '@mailroom/persistence';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('Prisma client on the migrated schema', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url);
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  it('stores a tenant with its admin, API key and audit entries', async () => {
    const tenant = await prisma.tenant.create({
      data: {
        name: 'Acme',
        admins: { create: { email: 'owner@acme.test', passwordHash: 'x', role: 'owner' } },
        apiKeys: {
          create: { name: 'ci', prefix: 'mr_live_abc', hash: 'h1', scopes: [ApiKeyScope.messages, ApiKeyScope.keys] },
        },
        auditLogs: { create: { actorType: 'admin', action: 'tenant.created', metadata: { via: 'signup' } } },
      },
      include: { admins: true, apiKeys: true, auditLogs: true },
    });
    expect(tenant.admins[0]).toMatchObject({ email: 'owner@acme.test', role: 'owner', lastLoginAt: null });
    expect(tenant.apiKeys[0]).toMatchObject({ scopes: ['messages', 'keys'], revokedAt: null });
    expect(tenant.auditLogs[0].metadata).toEqual({ via: 'signup' });
    expect(tenant.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('enforces unique admin emails and API key prefixes', async () => {
    const { id: tenantId } = await prisma.tenant.create({ data: { name: 'Other' } });
    await expect(
      prisma.adminUser.create({ data: { tenantId, email: 'owner@acme.test', passwordHash: 'y' } }),
    ).rejects.toMatchObject({
      code: 'P2002',
    });
    await expect(
      prisma.apiKey.create({ data: { tenantId, name: 'dup', prefix: 'mr_live_abc', hash: 'h2' } }),
    ).rejects.toMatchObject({
      code: 'P2002',
    });
  });

  it("runs the hot statements on an async-commit pool once asked, and everything else on Prisma's synchronous one", async () => {
    const client = createPrismaClient(db.url);
    const setting = Prisma.sql`SELECT current_setting('synchronous_commit') AS value`;
    let close: (() => Promise<void>) | undefined;
    try {
      await expect(queryPrepared<{ value: string }>(client, setting)).resolves.toEqual([{ value: 'on' }]);
      close = useAsyncCommitPool(client, db.url);
      await expect(queryPrepared<{ value: string }>(client, setting)).resolves.toEqual([{ value: 'off' }]);
      await expect(client.$queryRaw<{ value: string }[]>(setting)).resolves.toEqual([{ value: 'on' }]);
      const { id } = await client.tenant.create({ data: { name: 'async commit' } });
      const renamed = await queryPrepared<{ name: string }>(
        client,
        Prisma.sql`UPDATE tenants SET name = ${'renamed'} WHERE id = ${id}::uuid RETURNING name`,
      );
      expect(renamed).toEqual([{ name: 'renamed' }]);
      await expect(prisma.tenant.findUniqueOrThrow({ where: { id } })).resolves.toMatchObject({ name: 'renamed' });

      // Its idle connection killed under it (as a Postgres restart does): no unhandled error, the next statement
      // connects again.
      const killed = await prisma.$queryRaw<{ killed: boolean }[]>`
        SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = ${ASYNC_COMMIT_APPLICATION_NAME}`;
      expect(killed.length).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await expect(queryPrepared<{ value: string }>(client, setting)).resolves.toEqual([{ value: 'off' }]);
    } finally {
      await close?.();
      await client.$disconnect();
    }
  });

  it('PrismaService is a client that disconnects on module destroy', async () => {
    const service = new PrismaService(db.url);
    await expect(service.tenant.count()).resolves.toBeGreaterThan(0);
    await service.onModuleDestroy();
  });
});

describe('checkDatabase', () => {
  let db: TestDatabase;
  let silent: net.Server;
  let silentPort: number;
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    // Accepts connections and never answers: a hung database.
    silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    await db.drop();
  });

  it('answers ok for a reachable database, by URL and through a Prisma client', async () => {
    await expect(checkDatabase(db.url)).resolves.toMatchObject({ ok: true, latencyMs: expect.any(Number) });
    const prisma = createPrismaClient(db.url);
    await expect(checkDatabase(prisma)).resolves.toMatchObject({ ok: true });
    await prisma.$disconnect();
  });

  it('names the failure when nothing listens', async () => {
    await expect(checkDatabase('postgresql://postgres@127.0.0.1:1/x')).resolves.toEqual({
      ok: false,
      error: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('gives up after the timeout when the server does not answer', async () => {
    const started = Date.now();
    const result = await checkDatabase(`postgresql://postgres@127.0.0.1:${silentPort}/x`, 300);
    expect(result.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
    const prisma = createPrismaClient(`postgresql://postgres@127.0.0.1:${silentPort}/x`);
    await expect(checkDatabase(prisma, 300)).resolves.toEqual({ ok: false, error: 'no answer within 300 ms' });
    for (const socket of sockets) socket.destroy(); // lets the client's pending connection attempt end now
    await prisma.$disconnect();
  });
});
