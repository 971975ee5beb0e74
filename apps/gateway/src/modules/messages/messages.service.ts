import { Injectable, Logger } from '@nestjs/common';
import type { TenantScope } from '@mailroom/persistence';
import {
  CONTENT_TYPE_FILTER_NAMES,
  CONTENT_TYPE_FILTERS,
  findRawMessages,
  isContentTypeFilterName,
  presentDecodedMessage,
  presentRawMessage,
  SDK_DECODED_AUTHORITIES,
  sendContent,
  sentMessage,
  SortDirection,
  type MessageView,
  type RawMessage,
  type XmtpDecodedMessage,
  type XmtpSession,
} from '@mailroom/xmtp';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { ConversationAccess } from '../conversations/conversation-access.js';
import { assertMaySend, syncUnlessInactive, type Page } from '../conversations/conversations.service.js';
import { validationFailed } from '../conversations/identifiers.js';
import { decodeCursor, takePage } from '../conversations/page-cursor.js';
import { xmtpCall } from '../conversations/xmtp-errors.js';
import { ReceivedMessageCounter, type SyncedReceipts } from '../usage/received-messages.js';
import { UsageCounters } from '../usage/usage-counters.service.js';
import { OutgoingContentPolicy } from './outgoing-content.policy.js';

export interface ListMessagesInput {
  limit?: number;
  cursor?: string;
  /** Default `desc` (newest first). */
  direction?: 'asc' | 'desc';
  /** Content-type names (text, markdown, reply, reaction, readReceipt, groupUpdated, …); default all. */
  contentTypes?: string[];
}

export interface SendMessageInput {
  /** `{ type: text|markdown|reply|reaction|readReceipt|transactionReference|walletSendCalls|actions|intent|attachment|remoteAttachment, … }`, validated here for every transport. */
  content: unknown;
}

/** Types of authorities the SDK knows are decoded; others come back as base64 `encodedContent`. */
const sdkDecodes = (raw: RawMessage) => SDK_DECODED_AUTHORITIES.has(raw.content.type?.authorityId ?? '');

@Injectable()
export class MessagesService {
  private readonly logger = new Logger('Messages');

  constructor(
    private readonly access: ConversationAccess,
    private readonly usage: UsageCounters,
    private readonly contentPolicy: OutgoingContentPolicy,
    private readonly received: ReceivedMessageCounter,
  ) {}

  /** Syncs the one conversation, then reads a page of its messages (reactions and read receipts included). */
  async list(
    scope: TenantScope,
    identityId: string,
    conversationId: string,
    input: ListMessagesInput = {},
  ): Promise<Page<MessageView>> {
    const limit = input.limit ?? 50;
    const direction = input.direction ?? 'desc';
    if (direction !== 'asc' && direction !== 'desc')
      throw validationFailed([{ field: 'direction', message: 'must be asc or desc' }]);
    const unknown = (input.contentTypes ?? []).filter((name) => !isContentTypeFilterName(name));
    if (unknown.length) {
      throw validationFailed([
        {
          field: 'contentTypes',
          message: `unknown: ${unknown.join(', ')}; known: ${CONTENT_TYPE_FILTER_NAMES.join(', ')}`,
        },
      ]);
    }
    const contentTypes = input.contentTypes?.length
      ? input.contentTypes.map((name) => CONTENT_TYPE_FILTERS[name as keyof typeof CONTENT_TYPE_FILTERS])
      : undefined;
    const cursor = decodeCursor(input.cursor, direction);
    const fetchLimit = limit + 1 + (cursor?.seen.length ?? 0);
    let receipts: SyncedReceipts | undefined;
    const page = await this.access.withConversation(
      scope,
      identityId,
      conversationId,
      async (conversation, client) => {
        await syncUnlessInactive(conversation);
        receipts = await this.received.readSynced(scope, identityId, client, conversation);
        const options = {
          limit: fetchLimit,
          direction: direction === 'asc' ? SortDirection.Ascending : SortDirection.Descending,
          contentTypes,
          sentBeforeNs: cursor && direction === 'desc' ? cursor.ns + 1n : undefined,
          sentAfterNs: cursor && direction === 'asc' ? cursor.ns - 1n : undefined,
        };
        const raw = await findRawMessages(conversation, options);
        const page = takePage(raw, limit, cursor, direction, (m) => ({ ns: m.sentAtNs, id: m.id }), fetchLimit);
        // One batch decode for the page; the decoded listing leaves out reactions and read receipts, which are
        // decoded one by one. Pages holding unknown types are decoded one by one too (the batch warns per unknown).
        const wantsDecoded = page.items.length > 0 && page.items.every(sdkDecodes);
        const decoded = new Map(wantsDecoded ? (await conversation.messages(options)).map((m) => [m.id, m]) : []);
        return { items: page.items.map((m) => present(client, m, decoded.get(m.id))), nextCursor: page.nextCursor };
      },
      { write: true },
    );
    // The sync may have brought messages no event pipeline saw (no webhook, no subscriber): count them here.
    await this.received.record(receipts);
    return page;
  }

  /** Sends one message; 409 if the identity has left the group. Returns the stored message. */
  async send(
    scope: TenantScope,
    identityId: string,
    conversationId: string,
    input: SendMessageInput,
  ): Promise<MessageView> {
    const content = this.contentPolicy.parse(input.content);
    const sent = await this.access.withConversation(
      scope,
      identityId,
      conversationId,
      async (conversation, client) => {
        assertMaySend(conversation);
        if ((content.type === 'reply' || content.type === 'reaction') && !content.referenceInboxId) {
          const referenced = client.conversations.getMessageById(content.reference);
          if (!referenced || referenced.conversationId !== conversation.id) {
            throw new DomainError(
              ErrorCode.Unprocessable,
              `content.reference ${content.reference} is not a message of this conversation.`,
              {
                errors: [{ field: 'content.reference', message: 'is not a message of this conversation' }],
              },
            );
          }
          content.referenceInboxId = referenced.senderInboxId;
        }
        const id = await xmtpCall('send the message', () => sendContent(conversation, content));
        const sent = sentMessage(client, id);
        if (!sent) throw new Error(`message ${id} was sent but is not in the local database`);
        return presentDecodedMessage(sent);
      },
      { write: true },
    );
    // The message is out: the counter is bumped off the request path, and a failure to count is only logged.
    void this.usage
      .increment(scope, 'messages.sent')
      .catch((error: unknown) => this.logger.warn({ err: error }, 'counting a sent message failed'));
    return sent;
  }
}

function present(
  client: XmtpSession<unknown>,
  raw: RawMessage,
  decoded: XmtpDecodedMessage<unknown> | undefined,
): MessageView {
  if (decoded || !sdkDecodes(raw)) return presentRawMessage(raw, decoded);
  return presentRawMessage(raw, client.conversations.getMessageById(raw.id));
}
