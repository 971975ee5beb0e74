import { describe, expect, it } from '@jest/globals';
import type { MailroomEvent } from '../events/mailroom-event.js';
import { DomainError } from '../../common/errors/index.js';
import { EventIterator } from './event-iterator.js';

const event = (id: string, conversationId = 'c1'): MailroomEvent => ({
  id,
  type: 'message.received',
  createdAt: new Date(0).toISOString(),
  tenantId: 't',
  identityId: 'i',
  data: { conversationId },
});

describe('EventIterator', () => {
  it('yields accepted events in order, once each, whether queued before or awaited', async () => {
    const iterator = new EventIterator(
      (e) => (e.data as { conversationId: string }).conversationId === 'c1',
      () => undefined,
    );
    iterator.push(event('a'));
    iterator.push(event('b', 'other'));
    iterator.push(event('a'));
    const pending = (async () => {
      await iterator.next();
      return iterator.next();
    })();
    iterator.push(event('c'));
    expect((await pending).value?.id).toBe('c');
  });

  it('runs onClose once when the consumer returns, and ends waiting readers', async () => {
    let closed = 0;
    const iterator = new EventIterator(
      () => true,
      () => closed++,
    );
    const waiting = iterator.next();
    await iterator.return();
    await iterator.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
    iterator.push(event('late'));
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('ends a stalled subscription once more events wait than the bound: queue dropped, onClose run, reader told why', async () => {
    let closed = 0;
    const iterator = new EventIterator(
      () => true,
      () => closed++,
      { maxEvents: 3, maxBytes: 1024 * 1024 },
    );
    for (const id of ['a', 'b', 'c']) iterator.push(event(id));
    expect(iterator.backlog.events).toBe(3);
    expect(closed).toBe(0);
    iterator.push(event('d'));
    expect(closed).toBe(1);
    expect(iterator.backlog).toEqual({ events: 0, bytes: 0 });
    await expect(iterator.next()).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    iterator.push(event('e'));
    expect(iterator.backlog.events).toBe(0);
  });

  it('bounds the waiting bytes too, so a few huge events cannot pile up', async () => {
    let closed = 0;
    const big = (id: string): MailroomEvent => ({
      ...event(id),
      data: { conversationId: 'c1', text: 'x'.repeat(4000) },
    });
    const iterator = new EventIterator(
      () => true,
      () => closed++,
      { maxEvents: 1000, maxBytes: 10_000 },
    );
    iterator.push(big('a'));
    iterator.push(big('b'));
    expect(iterator.backlog.bytes).toBeGreaterThan(8000);
    iterator.push(big('c'));
    expect(closed).toBe(1);
    const failure = await iterator.next().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DomainError);
  });

  it('keeps going while the reader keeps up, however many events pass through', async () => {
    const iterator = new EventIterator(
      () => true,
      () => undefined,
      { maxEvents: 2, maxBytes: 1024 * 1024 },
    );
    for (let i = 0; i < 100; i++) {
      iterator.push(event(`e${i}`));
      expect((await iterator.next()).value?.id).toBe(`e${i}`);
    }
  });
});
