import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from '@jest/globals';
import { createPrismaClient, type PrismaClient } from '@mailroom/persistence';
import type { MailroomEvent } from '../../apps/gateway/src/modules/events/mailroom-event.js';
import { WebhookOutbox } from '../../apps/gateway/src/modules/webhooks/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer } from '../support/factories.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { pollUntil } from '../support/wait.js';
import type { WebhookReceiver } from '../support/webhook-receiver.js';

export type JsonCall = (
  method: string,
  path: string,
  body?: unknown,
  credential?: string,
) => Promise<{ status: number; body: any }>;

/** JSON calls to the gateway at `base()`, with `credential()` unless a call names another. */
export function jsonCaller(base: () => string, credential: () => string): JsonCall {
  return async (method, path, body, explicit) => {
    const res = await fetch(new URL(path, base()), {
      method,
      headers: {
        ...bearer(explicit ?? credential()),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

/** A message.received event of `tenantId` with a fresh id, `overrides` on top. */
export function webhookEvent(tenantId: string, overrides: Partial<MailroomEvent> = {}): MailroomEvent {
  return {
    id: `msg_${randomUUID()}`,
    type: 'message.received',
    createdAt: new Date().toISOString(),
    tenantId,
    identityId: randomUUID(),
    data: { conversationId: 'c1', content: 'hello' },
    ...overrides,
  };
}

/** Reads every 100 ms until `done` accepts the value read; a timeout names the last value read. */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  let last: T | undefined;
  const met = await pollUntil(
    async () => {
      last = await read();
      return done(last) ? { value: last } : undefined;
    },
    `the condition (${timeoutMs} ms)`,
    timeoutMs,
    100,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last read: ${JSON.stringify(last)?.slice(0, 2000)}`);
  });
  return met.value;
}

export interface WebhookSuite {
  readonly gateway: TestGateway;
  readonly outbox: WebhookOutbox;
  /** A Prisma client on the suite's database, made on first use. */
  readonly prisma: PrismaClient;
  /** Receivers a test starts; closed after the suite. */
  readonly receivers: WebhookReceiver[];
}

/**
 * Registers the suite's beforeAll/afterAll: a gateway on a fresh database, with XMTP unreachable and 127.0.0.1 allowed
 * as a webhook target, `env` on top; after the suite its receivers, Prisma client, gateway and database are closed.
 */
export function webhookSuite(env: Record<string, string>): WebhookSuite {
  let database: TestDatabase;
  let gateway: TestGateway;
  let prisma: PrismaClient | undefined;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway({
      DATABASE_URL: database.url,
      XMTP_API_URL: 'http://127.0.0.1:1',
      OUTBOUND_ALLOWLIST: '127.0.0.1',
      ...env,
    });
  }, 60_000);

  afterAll(async () => {
    for (const receiver of receivers) await receiver.close();
    await prisma?.$disconnect();
    await gateway?.close();
    await database?.drop();
  });

  return {
    get gateway() {
      return gateway;
    },
    get outbox() {
      return gateway.app.get(WebhookOutbox);
    },
    get prisma() {
      return (prisma ??= createPrismaClient(database.url));
    },
    receivers,
  };
}
