import { describe, expect, it, jest } from '@jest/globals';
import { InProcessEventBus } from '@mailroom/events';
import { Prisma, type PrismaClient } from '@mailroom/persistence';
import type { MailroomEvent } from '../events/mailroom-event.js';
import type { OutboxPort } from './event-committer.js';
import { IdentityEventLog } from './identity-event-log.js';
import { RealtimeTopics } from './realtime-topics.js';
import { useFakeTimersInEachTest } from '../../testing/fake-timers.js';

const tenantId = '00000000-0000-4000-8000-000000000002';
const identityId = '00000000-0000-4000-8000-000000000001';

/** The recent-ids argument of each commit statement: the jsonb[] of the cursor update (a JSON array or null). */
function recentIdsArguments(statements: Prisma.Sql[]): (string | null)[] {
  return statements.map((sql) => {
    const arg = sql.values.find(
      (v): v is (string | null)[] =>
        Array.isArray(v) && v.length === 1 && (v[0] === null || (typeof v[0] === 'string' && v[0].startsWith('['))),
    );
    if (!arg) throw new Error('no recent-ids argument in the statement');
    return arg[0];
  });
}

function makeLog(subscribed: { now: boolean } = { now: false }) {
  const statements: Prisma.Sql[] = [];
  const bus = new InProcessEventBus();
  const prisma = {
    $queryRaw: jest.fn(async (sql: Prisma.Sql) => {
      statements.push(sql);
      return [{ created: 0, id: null }];
    }),
  } as unknown as PrismaClient;
  const toOutbox: string[] = [];
  const outbox: OutboxPort = {
    writeDeliveries: (batches) => {
      toOutbox.push(...batches.flatMap((b) => b.events.map((e) => e.id)));
      return {
        ctes: Prisma.sql`delivered AS (SELECT 1), logged AS (SELECT 1)`,
        select: Prisma.sql`SELECT 0 AS created`,
        committed: () => undefined,
        failed: () => undefined,
      };
    },
  };
  const log = new IdentityEventLog(
    tenantId,
    identityId,
    { startedNs: 0n, messagesNs: 0n, conversationsNs: 0n, recentIds: [] },
    {
      prisma,
      topics: new RealtimeTopics(bus),
      outbox,
      lookbackNs: 60_000_000_000n,
      onPublishError: () => undefined,
      onCommitError: (error) => {
        throw error;
      },
      hasSubscribers: () => subscribed.now,
    },
  );
  return { log, statements, bus, toOutbox };
}

const event = (id: string): MailroomEvent => ({
  id,
  type: 'message.received',
  createdAt: new Date().toISOString(),
  tenantId,
  identityId,
  data: {},
});

describe('IdentityEventLog: the dedupe ids on the cursor row', () => {
  useFakeTimersInEachTest();

  it('writes them with the first commit, leaves them out for the next 5 s, and writes them on flush', async () => {
    const { log, statements } = makeLog();
    log.emit(event('m1'), { axis: 'messages', ns: 1n });
    await log.flush();
    log.emit(event('m2'), { axis: 'messages', ns: 2n });
    await log.flush();
    expect(recentIdsArguments(statements)).toEqual(['["m1"]', null, '["m1","m2"]']);

    jest.advanceTimersByTime(4_000);
    log.emit(event('m3'), { axis: 'messages', ns: 3n });
    await log.flush();
    expect(recentIdsArguments(statements).slice(3)).toEqual([null, '["m1","m2","m3"]']);

    jest.advanceTimersByTime(5_000);
    log.emit(event('m4'), { axis: 'messages', ns: 4n });
    await log.flush();
    // 5 s after the last write the commit carries them itself, so flush has nothing left to write.
    expect(recentIdsArguments(statements).slice(5)).toEqual(['["m1","m2","m3","m4"]']);
  });
});

describe('IdentityEventLog: the bus', () => {
  it('publishes events on the identity topic only while a subscriber is interested; webhooks get them either way', async () => {
    const subscribed = { now: false };
    const { log, bus, toOutbox } = makeLog(subscribed);
    const heard: string[] = [];
    await bus.subscribe<MailroomEvent>(`mailroom/tenant/${tenantId}/identity/${identityId}/message`, (e) => {
      heard.push(e.id);
    });
    log.emit(event('quiet'), { axis: 'messages', ns: 1n });
    subscribed.now = true;
    log.emit(event('heard'), { axis: 'messages', ns: 2n });
    await log.flush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard).toEqual(['heard']);
    expect(toOutbox).toEqual(['quiet', 'heard']);
  });
});
