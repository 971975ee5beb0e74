import { ReactionAction, ReactionSchema } from '@xmtp/node-sdk';
import { sdkConversationOf, type XmtpConversation } from '../sdk/vocabulary.js';
import { xmtpSdk } from '../sdk/xmtp-sdk.js';
import {
  actionsToSdk,
  attachmentToSdk,
  intentToSdk,
  remoteAttachmentToSdk,
  transactionReferenceToSdk,
  walletSendCallsToSdk,
  type ActionsJson,
  type AttachmentJson,
  type IntentJson,
  type RemoteAttachmentJson,
  type TransactionReferenceJson,
  type WalletSendCallsJson,
} from './rich-content.js';

/** What a hosted identity can send: the `content` of `POST …/messages`, already validated. */
export type OutgoingContent =
  | { type: 'text'; text: string }
  | { type: 'markdown'; markdown: string }
  | { type: 'reply'; reference: string; referenceInboxId?: string; text: string }
  | {
      type: 'reaction';
      reference: string;
      referenceInboxId?: string;
      action: 'added' | 'removed';
      schema: 'unicode' | 'shortcode' | 'custom';
      content: string;
    }
  | { type: 'readReceipt' }
  | ({ type: 'transactionReference' } & TransactionReferenceJson)
  | ({ type: 'walletSendCalls' } & WalletSendCallsJson)
  | ({ type: 'actions' } & ActionsJson)
  | ({ type: 'intent' } & IntentJson)
  | ({ type: 'attachment' } & AttachmentJson)
  | ({ type: 'remoteAttachment' } & RemoteAttachmentJson);

export type OutgoingContentType = OutgoingContent['type'];
export const OUTGOING_CONTENT_TYPES: readonly OutgoingContentType[] = [
  'text',
  'markdown',
  'reply',
  'reaction',
  'readReceipt',
  'transactionReference',
  'walletSendCalls',
  'actions',
  'intent',
  'attachment',
  'remoteAttachment',
];

/** The content without its `type` tag. */
const body = <T extends { type: string }>({ type: _type, ...rest }: T): Omit<T, 'type'> => rest;

const REACTION_ACTIONS = { added: ReactionAction.Added, removed: ReactionAction.Removed } as const;
const REACTION_SCHEMAS = {
  unicode: ReactionSchema.Unicode,
  shortcode: ReactionSchema.Shortcode,
  custom: ReactionSchema.Custom,
} as const;

/** Sends one message with the SDK's built-in codec for its type; resolves with the message id. */
export function sendContent(handle: XmtpConversation, content: OutgoingContent): Promise<string> {
  const conversation = sdkConversationOf(handle);
  switch (content.type) {
    case 'text':
      return conversation.sendText(content.text);
    case 'markdown':
      return conversation.sendMarkdown(content.markdown);
    case 'reply':
      return conversation.sendReply({
        reference: content.reference,
        referenceInboxId: content.referenceInboxId,
        content: xmtpSdk().sdk.encodeText(content.text),
      });
    case 'reaction':
      return conversation.sendReaction({
        reference: content.reference,
        referenceInboxId: content.referenceInboxId ?? '',
        action: REACTION_ACTIONS[content.action],
        schema: REACTION_SCHEMAS[content.schema],
        content: content.content,
      });
    case 'readReceipt':
      return conversation.sendReadReceipt();
    case 'transactionReference':
      return conversation.sendTransactionReference(transactionReferenceToSdk(body(content)));
    case 'walletSendCalls':
      return conversation.sendWalletSendCalls(walletSendCallsToSdk(body(content)));
    case 'actions':
      return conversation.sendActions(actionsToSdk(body(content)));
    case 'intent':
      return conversation.sendIntent(intentToSdk(body(content)));
    case 'attachment':
      return conversation.sendAttachment(attachmentToSdk(body(content)));
    case 'remoteAttachment':
      return conversation.sendRemoteAttachment(remoteAttachmentToSdk(body(content)));
  }
}
