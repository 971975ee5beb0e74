import { describe, expect, it } from '@jest/globals';
import { tenantScope, type PrismaClient } from '@mailroom/persistence';
import type { XmtpConversation, XmtpDecodedMessage, XmtpSession } from '@mailroom/xmtp';
import { countable, receivedCountFloor, ReceivedMessageCounter } from './received-messages.js';

const OWN = 'own-inbox';
const PEER = 'peer-inbox';
const scope = tenantScope('00000000-0000-4000-8000-000000000001');
const identityId = '00000000-0000-4000-8000-000000000002';
const nowNs = () => BigInt(Date.now()) * 1_000_000n;

function message(id: string, sender: string, sentAtNs: bigint) {
  return { id, senderInboxId: sender, sentAtNs } as unknown as XmtpDecodedMessage<unknown>;
}

/** A conversation whose stored messages the test controls; records the floors it was asked for. */
function conversation(stored: XmtpDecodedMessage<unknown>[]) {
  const floors: bigint[] = [];
  const value = {
    id: 'c1',
    messages: async (options: { sentAfterNs: bigint }) => {
      floors.push(options.sentAfterNs);
      return stored.filter((m) => m.sentAtNs > options.sentAfterNs);
    },
  } as unknown as XmtpConversation<unknown>;
  return { value, floors };
}

/** A database that answers every statement with `n` newly counted ids and keeps the ids it was given. */
function database(answer = (ids: string[]) => ids.length) {
  const statements: string[][] = [];
  const prisma = {
    $queryRaw: async (strings: TemplateStringsArray, ...values: unknown[]) => {
      const ids = JSON.stringify(values).match(/m\d+/g) ?? [];
      statements.push([...new Set(ids)]);
      return [{ n: BigInt(answer([...new Set(ids)])) }];
    },
  } as unknown as PrismaClient;
  return { prisma, statements };
}

const client = { inboxId: OWN } as unknown as XmtpSession<unknown>;

describe('ReceivedMessageCounter', () => {
  it('counts messages from others only, in one statement, and does not write them again on the next read', async () => {
    const { prisma, statements } = database();
    const counter = new ReceivedMessageCounter(prisma);
    const t = nowNs();
    const stored = [message('m1', PEER, t - 3_000_000_000n), message('m2', OWN, t - 2_000_000_000n)];
    stored.push(message('m3', PEER, t - 1_000_000_000n));
    const c = conversation(stored);

    expect(await counter.record(await counter.readSynced(scope, identityId, client, c.value))).toBe(2);
    expect(statements).toEqual([['m1', 'm3']]);

    // Polling again: the same messages are read (inside the lookback) but nothing is written.
    expect(await counter.record(await counter.readSynced(scope, identityId, client, c.value))).toBe(0);
    expect(statements).toHaveLength(1);

    // A new message: only it is written.
    stored.push(message('m4', PEER, nowNs()));
    expect(await counter.record(await counter.readSynced(scope, identityId, client, c.value))).toBe(1);
    expect(statements.at(-1)).toEqual(['m4']);
    // The first read started at the counting window; later ones shortly before the newest message read.
    expect(c.floors[0]).toBeLessThan(t - 29n * 86_400_000_000_000n);
    expect(c.floors[1]).toBeGreaterThan(t - 120_000_000_000n);
  });

  it('a failed statement is logged, counts nothing and the next read starts at the window again', async () => {
    let fail = true;
    const prisma = {
      $queryRaw: async () => {
        if (fail) throw new Error('database down');
        return [{ n: 1n }];
      },
    } as unknown as PrismaClient;
    const counter = new ReceivedMessageCounter(prisma);
    const c = conversation([message('m1', PEER, nowNs())]);
    expect(await counter.record(await counter.readSynced(scope, identityId, client, c.value))).toBe(0);
    fail = false;
    expect(await counter.record(await counter.readSynced(scope, identityId, client, c.value))).toBe(1);
    // Nothing was remembered: the second read starts at the counting window again, not near the message.
    expect(c.floors[1]).toBeLessThan(nowNs() - 29n * 86_400_000_000_000n);
  });

  it('leaves out messages sent before the counting window', () => {
    const floor = receivedCountFloor();
    const now = Date.now();
    const row = (ms: number) => ({ tenantId: scope.tenantId, identityId, messageId: `m${ms}`, sentAt: new Date(ms) });
    expect(countable([row(floor.getTime() - 60_000), row(now)]).map((r) => r.messageId)).toEqual([`m${now}`]);
  });
});
