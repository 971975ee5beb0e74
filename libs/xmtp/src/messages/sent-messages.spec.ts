import { describe, expect, it, jest } from '@jest/globals';
import { DeliveryStatus } from '@xmtp/node-sdk';
import type { XmtpDecodedMessage, XmtpSession } from '../sdk/vocabulary.js';
import { noteStreamedMessage, sentMessage } from './sent-messages.js';

function fakeClient() {
  const stored = { id: 'from-database' } as XmtpDecodedMessage<unknown>;
  const getMessageById = jest.fn((id: string) => ({ ...stored, id }) as XmtpDecodedMessage<unknown>);
  const client = { inboxId: 'me', conversations: { getMessageById } } as unknown as XmtpSession<unknown>;
  return { client, getMessageById };
}

const message = (id: string, senderInboxId: string, deliveryStatus: DeliveryStatus) =>
  ({ id, senderInboxId, deliveryStatus }) as XmtpDecodedMessage<unknown>;

describe('sentMessage', () => {
  it('answers a send from its own stream echo once, and reads the database otherwise', () => {
    const { client, getMessageById } = fakeClient();
    const echo = message('m1', 'me', DeliveryStatus.Published);
    noteStreamedMessage(client, echo);
    expect(sentMessage(client, 'm1')).toBe(echo);
    expect(getMessageById).not.toHaveBeenCalled();
    expect(sentMessage(client, 'm1')?.id).toBe('m1');
    expect(getMessageById).toHaveBeenCalledWith('m1');
  });

  it('keeps neither messages of others nor unpublished ones, and no echo crosses clients', () => {
    const { client, getMessageById } = fakeClient();
    const other = fakeClient();
    noteStreamedMessage(client, message('theirs', 'someone', DeliveryStatus.Published));
    noteStreamedMessage(client, message('pending', 'me', DeliveryStatus.Unpublished));
    noteStreamedMessage(other.client, message('elsewhere', 'me', DeliveryStatus.Published));
    sentMessage(client, 'theirs');
    sentMessage(client, 'pending');
    sentMessage(client, 'elsewhere');
    expect(getMessageById.mock.calls.map(([id]) => id)).toEqual(['theirs', 'pending', 'elsewhere']);
  });
});
