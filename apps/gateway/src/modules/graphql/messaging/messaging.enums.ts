import { registerEnumType } from '@nestjs/graphql';

// Enum values are the REST strings, so clients use one vocabulary on both transports.
export enum ConversationTypeEnum {
  dm = 'dm',
  group = 'group',
}
export enum ConsentStateEnum {
  allowed = 'allowed',
  denied = 'denied',
  unknown = 'unknown',
}
export enum ConsentEntityTypeEnum {
  conversation = 'conversation',
  inbox = 'inbox',
}
export enum MessageDirectionEnum {
  asc = 'asc',
  desc = 'desc',
}
export enum DeliveryStatusEnum {
  unpublished = 'unpublished',
  published = 'published',
  failed = 'failed',
}
export enum MessageContentTypeEnum {
  text = 'text',
  markdown = 'markdown',
  reply = 'reply',
  reaction = 'reaction',
  readReceipt = 'readReceipt',
  transactionReference = 'transactionReference',
  walletSendCalls = 'walletSendCalls',
  actions = 'actions',
  intent = 'intent',
  attachment = 'attachment',
  remoteAttachment = 'remoteAttachment',
}
export enum ActionStyleEnum {
  primary = 'primary',
  secondary = 'secondary',
  danger = 'danger',
}
export enum ReactionActionEnum {
  added = 'added',
  removed = 'removed',
}
export enum ReactionSchemaEnum {
  unicode = 'unicode',
  shortcode = 'shortcode',
  custom = 'custom',
}
export enum GroupPermissionsEnum {
  default = 'default',
  admin_only = 'admin_only',
}

registerEnumType(ConversationTypeEnum, { name: 'ConversationType' });
registerEnumType(ConsentStateEnum, { name: 'ConsentState' });
registerEnumType(ConsentEntityTypeEnum, { name: 'ConsentEntityType' });
registerEnumType(MessageDirectionEnum, { name: 'MessageDirection', description: '`desc` is newest first.' });
registerEnumType(DeliveryStatusEnum, { name: 'DeliveryStatus' });
registerEnumType(MessageContentTypeEnum, {
  name: 'MessageContentType',
  description: 'The content types Mailroom sends.',
});
registerEnumType(ActionStyleEnum, { name: 'ActionStyle', description: 'How an action button looks.' });
registerEnumType(ReactionActionEnum, { name: 'ReactionAction' });
registerEnumType(ReactionSchemaEnum, { name: 'ReactionSchema' });
registerEnumType(GroupPermissionsEnum, { name: 'GroupPermissions' });
