import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrismaClient, tenantScope, type PrismaClient } from '@mailroom/persistence';
import type { MailroomEvent } from '../../apps/gateway/src/modules/events/mailroom-event.js';
import { WebhookOutbox } from '../../apps/gateway/src/modules/webhooks/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { cleanEnv, GATEWAY_MAIN, runNode, type ChildRun } from '../support/process.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * The burst drill: 200 events enqueued in a burst, the gateway process stopped midway (SIGKILL, or SIGTERM), a new
 * process started on the same database. Every event must reach the receiver as a success, and nothing the gateway
 * recorded as delivered may be sent again.
 */
const EVENTS = 200;
const MASTER_KEY = 'cd'.repeat(32);

let database: TestDatabase;
let prisma: PrismaClient;
let dataDir: string;
const children: ChildRun[] = [];

async function startChild(): Promise<{ run: ChildRun; url: string }> {
  const run = runNode(
    GATEWAY_MAIN,
    cleanEnv({
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      GATEWAY_MASTER_KEY: MASTER_KEY,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      XMTP_API_URL: 'http://127.0.0.1:1',
      OUTBOUND_ALLOWLIST: '127.0.0.1',
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_POLL_INTERVAL_MS: '200',
      WEBHOOK_RETRY_BASE_MS: '200',
      WEBHOOK_CONCURRENCY: '8',
      WEBHOOK_ENDPOINT_CONCURRENCY: '8',
    }),
  );
  children.push(run);
  const [, url] = await run.waitForOutput(/ready on (http:\/\/\S+)/, 60_000);
  return { run, url: url! };
}

function burst(tenantId: string): MailroomEvent[] {
  return Array.from({ length: EVENTS }, (_, i) => ({
    id: `msg_${randomUUID()}`,
    type: 'message.received' as const,
    createdAt: new Date().toISOString(),
    tenantId,
    identityId: 'identity-drill',
    data: { sequence: i, text: `message ${i}` },
  }));
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not done after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.url);
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-drill-'));
});

afterAll(async () => {
  for (const child of children)
    if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
  await prisma?.$disconnect();
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe.each([
  ['SIGKILL', 'killed'],
  ['SIGTERM', 'stopped gracefully'],
] as const)('webhook burst drill with the gateway %s midway', (signal, how) => {
  it(`delivers ${EVENTS} events, each id as a success, none resent after its recorded success (gateway ${how})`, async () => {
    const receiver = await WebhookReceiver.start();
    receiver.delayAnswers(20);
    try {
      const first = await startChild();
      const owner = await signUpTenant({ url: first.url });
      const key = (await createApiKey({ url: first.url }, owner.adminToken, ['webhooks'])).key;
      const created = await fetch(new URL('/v1/webhooks', first.url), {
        method: 'POST',
        headers: { ...bearer(key), 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url(), events: ['message.received'] }),
      });
      expect(created.status).toBe(201);
      const endpointId = ((await created.json()) as { id: string }).id;

      // The pipeline's side: events written to the outbox in a burst, 10 at a time.
      const outbox = new WebhookOutbox(prisma);
      const events = burst(owner.tenantId);
      for (let i = 0; i < EVENTS; i += 10) await outbox.enqueue(tenantScope(owner.tenantId), events.slice(i, i + 10));

      await receiver.waitFor((r) => r.successesByEvent().size >= EVENTS * 0.4, 60_000);
      first.run.child.kill(signal);
      const exit = await first.run.exited;
      expect(signal === 'SIGKILL' ? exit.signal : exit.code).toBe(signal === 'SIGKILL' ? 'SIGKILL' : 0);
      const seenAtStop = receiver.successesByEvent().size;
      expect(seenAtStop).toBeLessThan(EVENTS);

      await startChild();
      await waitUntil(
        async () => (await prisma.webhookDelivery.count({ where: { endpointId, status: 'succeeded' } })) === EVENTS,
        90_000,
      );
      await new Promise((r) => setTimeout(r, 500));

      // Receiver: exactly the 200 ids, each with an accepted answer.
      const successes = receiver.successesByEvent();
      expect(new Set(receiver.requests.map((r) => r.eventId))).toEqual(new Set(events.map((e) => e.id)));
      expect(successes.size).toBe(EVENTS);

      // Gateway: one succeeded attempt per delivery, and no request after it (attempt numbers only grow).
      const deliveries = await prisma.webhookDelivery.findMany({
        where: { endpointId },
        include: { attemptLog: true },
      });
      expect(deliveries).toHaveLength(EVENTS);
      const interrupted: string[] = [];
      for (const delivery of deliveries) {
        const succeeded = delivery.attemptLog.filter((a) => a.outcome === 'succeeded');
        expect(succeeded).toHaveLength(1);
        const requests = receiver.requests.filter((r) => r.eventId === delivery.eventId);
        expect(Math.max(...requests.map((r) => r.attempt))).toBe(succeeded[0]!.number);
        // A second accepted answer is possible only for an attempt whose answer the stopped process never recorded.
        for (const earlier of successes.get(delivery.eventId)!.slice(0, -1)) {
          const attempt = delivery.attemptLog.find((a) => a.number === earlier.attempt);
          expect(attempt?.outcome).toBe('interrupted');
          interrupted.push(delivery.eventId);
        }
      }
      if (signal === 'SIGTERM') {
        // A graceful stop drains in-flight attempts and records them: not one event reaches the receiver twice.
        expect(interrupted).toEqual([]);
        expect(deliveries.flatMap((d) => d.attemptLog).filter((a) => a.outcome === 'interrupted')).toEqual([]);
        for (const [, accepted] of successes) expect(accepted).toHaveLength(1);
      }
      process.stdout.write(
        `webhook drill (${signal}): ${EVENTS} ids delivered; ${seenAtStop} before the stop; ` +
          `${deliveries.flatMap((d) => d.attemptLog).filter((a) => a.outcome === 'interrupted').length} attempts interrupted; ` +
          `${interrupted.length} ids answered 2xx twice (the first answer never reached the killed process)\n`,
      );
    } finally {
      await receiver.close();
      for (const child of children)
        if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGTERM');
    }
  }, 180_000);
});
