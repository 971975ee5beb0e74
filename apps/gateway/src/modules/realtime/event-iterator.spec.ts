import { describe, expect, it } from '@jest/globals';
import type { MailroomEvent } from '../events/mailroom-event.js';
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
    const iterator = new EventIterator((e) => (e.data as { conversationId: string }).conversationId === 'c1', () => undefined);
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
    const iterator = new EventIterator(() => true, () => closed++);
    const waiting = iterator.next();
    await iterator.return();
    await iterator.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
    iterator.push(event('late'));
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });
});
