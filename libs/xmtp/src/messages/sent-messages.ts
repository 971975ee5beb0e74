import { DeliveryStatus } from '@xmtp/node-sdk';
import type { XmtpDecodedMessage, XmtpSession } from '../sdk/vocabulary.js';

/** Per live client: its own published messages as its message stream yielded them, newest last. */
const echoes = new WeakMap<object, Map<string, XmtpDecodedMessage<unknown>>>();
// Echoes are taken by the send that is waiting for them; the rest (sends of other installations) just age out.
const ECHOES_PER_CLIENT = 16;

/**
 * Notes a message the identity's own message stream yielded. Both SDKs yield a sent message, published and decoded
 * with a read of the local database, on the sender's stream before the send call returns; sentMessage() answers the
 * send from that read instead of making a second one (a synchronous database read on the event loop).
 */
export function noteStreamedMessage(client: XmtpSession<unknown>, message: XmtpDecodedMessage<unknown>): void {
  if (message.senderInboxId !== client.inboxId || message.deliveryStatus !== DeliveryStatus.Published) return;
  let mine = echoes.get(client);
  if (!mine) {
    mine = new Map();
    echoes.set(client, mine);
  }
  mine.set(message.id, message);
  if (mine.size > ECHOES_PER_CLIENT) mine.delete(mine.keys().next().value as string);
}

/** The stored form of a message this client has just sent: its stream's echo when there was one, else a read. */
export function sentMessage(client: XmtpSession<unknown>, id: string): XmtpDecodedMessage<unknown> | undefined {
  const mine = echoes.get(client);
  const echoed = mine?.get(id);
  if (echoed) {
    mine?.delete(id);
    return echoed;
  }
  return client.conversations.getMessageById(id);
}
