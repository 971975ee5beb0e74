import type { XmtpConversation, XmtpSession } from '@mailroom/xmtp';

const HANDLES_PER_CLIENT = 1_000;

/**
 * Conversation handles of each live client, so a hot send path does not look the conversation up in the client's
 * database every time. Keyed weakly by the client: when the pool closes a client, its handles go with it. Only hits are
 * kept (a miss may be a conversation that arrives with the next sync).
 */
export class ConversationHandles {
  private readonly byClient = new WeakMap<XmtpSession<unknown>, Map<string, XmtpConversation<unknown>>>();

  async find(client: XmtpSession<unknown>, conversationId: string): Promise<XmtpConversation<unknown> | undefined> {
    let handles = this.byClient.get(client);
    const cached = handles?.get(conversationId);
    if (cached) {
      handles!.delete(conversationId);
      handles!.set(conversationId, cached);
      return cached;
    }
    const conversation = await client.conversations.getConversationById(conversationId);
    if (!conversation) return undefined;
    if (!handles) this.byClient.set(client, (handles = new Map()));
    handles.set(conversationId, conversation);
    if (handles.size > HANDLES_PER_CLIENT) handles.delete(handles.keys().next().value as string);
    return conversation;
  }
}
