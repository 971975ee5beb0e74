import { describe, expect, it } from '@jest/globals';
import {
  DeliveryStatus,
  GroupMessageKind,
  ReactionAction,
  ReactionSchema,
  encodeMarkdown,
  encodeReaction,
  encodeText,
} from '@xmtp/node-sdk';
import type { RawMessage } from './adapter.js';
import { decodeTextMessage } from './streamed-text.js';

const stored = (content: RawMessage['content']): RawMessage => ({
  id: 'm1',
  sentAtNs: 1_764_900_000_123_456_789n,
  convoId: 'c1',
  senderInboxId: 'inbox-a',
  content,
  kind: GroupMessageKind.Application,
  deliveryStatus: DeliveryStatus.Published,
  insertedAtNs: 1_764_900_000_200_000_000n,
});

describe('decodeTextMessage', () => {
  it('decodes text the SDK encoded, with the stored fields as the SDK names them', () => {
    class Decoded {}
    const message = decodeTextMessage(stored(encodeText('héllo ☃ 📬')), Decoded.prototype);
    expect(message).toBeInstanceOf(Decoded);
    expect(message).toMatchObject({
      id: 'm1',
      conversationId: 'c1',
      senderInboxId: 'inbox-a',
      sentAtNs: 1_764_900_000_123_456_789n,
      sentAt: new Date(1_764_900_000_123),
      contentType: { authorityId: 'xmtp.org', typeId: 'text', versionMajor: 1, versionMinor: 0 },
      content: 'héllo ☃ 📬',
      kind: GroupMessageKind.Application,
      deliveryStatus: DeliveryStatus.Published,
      numReplies: 0,
      reactions: [],
    });
  });

  it('decodes markdown', () => {
    expect(decodeTextMessage(stored(encodeMarkdown('**bold**')))?.content).toBe('**bold**');
  });

  it('leaves every other case to the SDK: other types, compression, another charset, bytes that are not UTF-8', () => {
    const text = encodeText('x');
    const reaction = encodeReaction({
      reference: 'm0',
      referenceInboxId: 'inbox-b',
      action: ReactionAction.Added,
      schema: ReactionSchema.Unicode,
      content: '👍',
    });
    expect(decodeTextMessage(stored(reaction))).toBeUndefined();
    expect(decodeTextMessage(stored({ ...text, compression: 0 }))).toBeUndefined();
    expect(decodeTextMessage(stored({ ...text, parameters: { encoding: 'UTF-16' } }))).toBeUndefined();
    expect(decodeTextMessage(stored({ ...text, content: Uint8Array.of(0xc3, 0x28) }))).toBeUndefined();
    expect(decodeTextMessage(stored({ ...text, type: { ...text.type!, versionMajor: 2 } }))).toBeUndefined();
    expect(decodeTextMessage(stored({ ...text, type: { ...text.type!, authorityId: 'example.com' } }))).toBeUndefined();
    expect(decodeTextMessage(stored({ ...text, type: undefined }))).toBeUndefined();
  });
});
