import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module } from '@nestjs/common';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type RunningEmbeddedPostgres } from '@mailroom/persistence';
import { SpareRedis, freePort } from '../support/redis-server.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

@Controller('test-only')
class SlowController {
  @Get('slow')
  async slow() {
    await new Promise((r) => setTimeout(r, 600));
    return { finished: true };
  }
}

@Module({ controllers: [SlowController] })
class SlowModule {}

interface Readiness {
  status: string;
  checks: Record<string, { status: string; error?: string }>;
  xmtpNetwork: { env: string; node: string | null; gatewayHost: string | null };
}

async function readiness(gateway: TestGateway): Promise<{ code: number; body: Readiness }> {
  const res = await fetch(`${gateway.url}/readyz`);
  return { code: res.status, body: (await res.json()) as Readiness };
}

async function eventually(gateway: TestGateway, expected: number): Promise<Readiness> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { code, body } = await readiness(gateway);
    if (code === expected) return body;
    if (Date.now() > deadline) throw new Error(`readiness stayed ${code}: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('readiness follows its dependencies', () => {
  let pgDir: string;
  let pgPort: number;
  let postgres: RunningEmbeddedPostgres;
  let redis: SpareRedis;
  let gateway: TestGateway;

  beforeAll(async () => {
    pgDir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-readiness-'));
    pgPort = await freePort();
    postgres = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort });
    redis = new SpareRedis(await freePort());
    await redis.start();
    gateway = await startTestGateway(
      { DATABASE_URL: postgres.url, REDIS_URL: redis.url, XMTP_API_URL: 'http://127.0.0.1:1' },
      { extraModules: [SlowModule] },
    );
  });

  afterAll(async () => {
    await gateway?.close();
    await postgres?.stop().catch(() => {});
    await redis?.stop();
    await rm(pgDir, { recursive: true, force: true });
  });

  it('is ready while PostgreSQL and Redis answer', async () => {
    const body = await eventually(gateway, 200);
    expect(body.checks.database!.status).toBe('up');
    expect(body.checks.redis!.status).toBe('up');
  });

  it('names the XMTP network, its node and (none needed on local) gateway host', async () => {
    const body = await eventually(gateway, 200);
    expect(body.xmtpNetwork).toEqual({ env: 'local', node: 'http://127.0.0.1:1', gatewayHost: null });
  });

  it('answers 503 naming the database while PostgreSQL is stopped, and recovers when it is back', async () => {
    await postgres.stop();
    const down = await eventually(gateway, 503);
    expect(down.status).toBe('not_ready');
    expect(down.checks.database!.status).toBe('down');
    expect(down.checks.database!.error).toBeTruthy();
    expect(down.checks.redis!.status).toBe('up');
    const liveness = await fetch(`${gateway.url}/healthz`);
    expect(liveness.status).toBe(200);

    postgres = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort });
    const up = await eventually(gateway, 200);
    expect(up.checks.database!.status).toBe('up');
  });

  it('answers 503 naming Redis while Redis is stopped, and recovers when it is back', async () => {
    await redis.stop();
    const down = await eventually(gateway, 503);
    expect(down.checks.redis!.status).toBe('down');
    expect(down.checks.database!.status).toBe('up');
    await redis.start();
    await eventually(gateway, 200);
  });

  it('drains in-flight requests on shutdown, then refuses new connections', async () => {
    const inFlight = fetch(`${gateway.url}/test-only/slow`);
    await new Promise((r) => setTimeout(r, 100));
    const stopping = gateway.stop();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ finished: true });
    await stopping;
    await expect(fetch(`${gateway.url}/healthz`)).rejects.toThrow();
  });
});
