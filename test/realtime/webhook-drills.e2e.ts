import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { startDevnet, type Devnet } from '@mailroom/devnet';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import type { Dm } from '@xmtp/node-sdk';
import { createPrismaClient, type PrismaClient } from '@mailroom/persistence';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createApiKey, signUpTenant } from '../support/factories.js';
import { cleanEnv, GATEWAY_MAIN, runNode, type ChildRun } from '../support/process.js';
import { freePort, SpareRedis } from '../support/redis-server.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { call, createIdentity } from './support.js';

// Webhook drills: a peer sends 200 messages in a burst; midway the gateway is SIGKILLed (or Redis restarted); the
// receiver must end with exactly one successful delivery of each of the 200 events.
const BURST = 200;
// One database, so one master key and JWT secret for every gateway of this file.
const MASTER_KEY = randomBytes(32).toString('hex');
const JWT_SECRET = randomBytes(32).toString('base64url');

let database: TestDatabase;
let devnet: Devnet;
let peers: TestClients;
let redis: SpareRedis;
let prisma: PrismaClient;
const children: ChildRun[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.url);
  devnet = await startDevnet({ port: 0 });
  peers = await createTestClients(devnet.url, 1);
  redis = new SpareRedis(await freePort());
  await redis.start();
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (process.env.DRILL_LOG_LEVEL) process.stderr.write(child.stdout() + child.stderr());
    await kill(child);
  }
});

afterAll(async () => {
  await prisma?.$disconnect();
  await peers?.cleanup();
  await redis?.stop();
  await devnet?.stop();
  await database?.drop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function kill(child: ChildRun): Promise<void> {
  if (child.child.exitCode !== null || child.child.signalCode !== null) return;
  child.child.kill('SIGKILL');
  await child.exited;
}

interface Deployment {
  url: string;
  start(): Promise<ChildRun>;
}

/**
 * `webhookTimeoutMs`: how long one webhook request may take. A request the receiver accepted but that timed out on a
 * loaded machine is a genuine at-least-once duplicate, not what these drills look for, so the timeout is generous;
 * the SIGKILL drill keeps it shorter because the killed process's lease (timeout + 5 s) must expire before its
 * interrupted attempts are retried.
 */
async function deployment(webhookTimeoutMs: number): Promise<Deployment> {
  // Every gateway of this file shares one DATA_DIR (as replicas and restarts do): identities stay openable.
  if (dirs.length === 0) dirs.push(await mkdtemp(path.join(os.tmpdir(), 'mailroom-drill-')));
  const dataDir = dirs[0]!;
  const port = await freePort();
  const env = cleanEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.DRILL_LOG_LEVEL ?? 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    XMTP_API_URL: devnet.url,
    GATEWAY_MASTER_KEY: MASTER_KEY,
    JWT_SECRET,
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    WEBHOOK_POLL_INTERVAL_MS: '200',
    EVENT_SWEEP_PAUSE_MS: '100',
    WEBHOOK_TIMEOUT_MS: String(webhookTimeoutMs),
  });
  return {
    url: `http://127.0.0.1:${port}`,
    start: async () => {
      const child = runNode(GATEWAY_MAIN, env);
      children.push(child);
      await child.waitForOutput(/Mailroom gateway is ready/, 60_000);
      return child;
    },
  };
}

/** A tenant with a webhook on the receiver, a hosted identity, and a DM from the peer whose first message arrived. */
async function arrange(gateway: Deployment, receiver: WebhookReceiver): Promise<{ dm: Dm<unknown> }> {
  const tenant = await signUpTenant(gateway);
  const key = (await createApiKey(gateway, tenant.adminToken, ['identities', 'messages', 'webhooks'])).key;
  const hook = await call(gateway, key, 'POST', '/v1/webhooks', {
    url: receiver.url(),
    events: ['message.received', 'message.sent'],
  });
  expect(hook.status).toBe(201);
  const identity = await createIdentity(gateway, key, 'drill');
  const dm = await peers.clients[0]!.client.conversations.createDm(identity.inboxId);
  const warmUp = await dm.sendText('warm-up');
  await receiver.waitFor((r) => r.successesByEvent().has(warmUp), 30_000);
  return { dm };
}

async function burst(dm: Dm<unknown>, midway: () => Promise<void>): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < BURST; i++) {
    if (i === BURST / 2) await midway();
    ids.push(await dm.sendText(`burst ${i}`));
  }
  return ids;
}

/**
 * The receiver holds exactly the burst's ids, one delivery row each (the pipeline never enqueues an event twice), and
 * one accepted answer each. `killed`: a second accepted answer is tolerated only for an attempt the gateway recorded
 * as interrupted (the receiver answered, the process died before it could record the answer: unavoidable for any
 * HTTP sender that is SIGKILLed), never after a recorded success.
 */
/** Every delivery of the burst recorded as succeeded (an interrupted attempt is retried once its lease expires). */
async function waitForRecordedSuccesses(ids: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const succeeded = await prisma.webhookDelivery.count({ where: { eventId: { in: ids }, status: 'succeeded' } });
    if (succeeded === ids.length) return;
    if (Date.now() > deadline)
      throw new Error(`${succeeded} of ${ids.length} deliveries recorded as succeeded after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function expectExactlyOnce(receiver: WebhookReceiver, ids: string[], killed: boolean): Promise<void> {
  await waitForRecordedSuccesses(ids, 60_000);
  const burstIds = new Set(ids);
  expect(burstIds.size).toBe(BURST);
  const successes = receiver.successesByEvent();
  expect([...successes.keys()].filter((id) => burstIds.has(id)).length).toBe(BURST);
  for (const request of receiver.requests) expect(JSON.parse(request.rawBody).id).toBe(request.eventId);

  const deliveries = await prisma.webhookDelivery.findMany({
    where: { eventId: { in: ids } },
    include: { attemptLog: true },
  });
  expect(deliveries).toHaveLength(BURST);
  const twice: string[] = [];
  for (const delivery of deliveries) {
    expect(delivery.attemptLog.filter((a) => a.outcome === 'succeeded')).toHaveLength(1);
    for (const earlier of successes.get(delivery.eventId)!.slice(0, -1)) {
      expect(delivery.attemptLog.find((a) => a.number === earlier.attempt)?.outcome).toBe('interrupted');
      twice.push(delivery.eventId);
    }
  }
  if (!killed) expect(twice).toEqual([]);
  process.stdout.write(
    `realtime drill (${killed ? 'SIGKILL' : 'Redis restart'}): ${BURST} ids delivered, ${twice.length} answered twice after an interrupted attempt\n`,
  );
}

describe('webhook drills', () => {
  it('SIGKILL of the gateway midway through a 200-message burst: every event delivered, none enqueued twice', async () => {
    const receiver = await WebhookReceiver.start();
    const gateway = await deployment(10_000);
    const first = await gateway.start();
    const { dm } = await arrange(gateway, receiver);

    let restarted: Promise<ChildRun> | undefined;
    const ids = await burst(dm, async () => {
      await kill(first);
      restarted = gateway.start();
    });
    await restarted;
    await receiver.waitFor((r) => ids.every((id) => r.successesByEvent().has(id)), 90_000);
    // Give a duplicate, if any were coming, the chance to show up.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await expectExactlyOnce(receiver, ids, true);
    await receiver.close();
  }, 180_000);

  it('Redis restarted midway through a 200-message burst: every event delivered exactly once', async () => {
    const receiver = await WebhookReceiver.start();
    const gateway = await deployment(30_000);
    await gateway.start();
    const { dm } = await arrange(gateway, receiver);

    const ids = await burst(dm, async () => {
      await redis.stop();
      setTimeout(() => void redis.start(), 1_000);
    });
    await receiver.waitFor((r) => ids.every((id) => r.successesByEvent().has(id)), 90_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await expectExactlyOnce(receiver, ids, false);
    await receiver.close();
  }, 180_000);
});
