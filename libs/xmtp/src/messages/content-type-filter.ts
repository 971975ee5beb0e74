import { ContentType } from '@xmtp/node-sdk';

/** Content-type names accepted by message filters, and the SDK's listing enum for each. */
export const CONTENT_TYPE_FILTERS = {
  text: ContentType.Text,
  markdown: ContentType.Markdown,
  reply: ContentType.Reply,
  reaction: ContentType.Reaction,
  readReceipt: ContentType.ReadReceipt,
  groupUpdated: ContentType.GroupUpdated,
  attachment: ContentType.Attachment,
  remoteAttachment: ContentType.RemoteAttachment,
  multiRemoteAttachment: ContentType.MultiRemoteAttachment,
  transactionReference: ContentType.TransactionReference,
  walletSendCalls: ContentType.WalletSendCalls,
  actions: ContentType.Actions,
  intent: ContentType.Intent,
  leaveRequest: ContentType.LeaveRequest,
  custom: ContentType.Custom,
} as const;

export type ContentTypeFilterName = keyof typeof CONTENT_TYPE_FILTERS;
export const CONTENT_TYPE_FILTER_NAMES = Object.keys(CONTENT_TYPE_FILTERS) as ContentTypeFilterName[];

export function isContentTypeFilterName(name: string): name is ContentTypeFilterName {
  return Object.hasOwn(CONTENT_TYPE_FILTERS, name);
}
