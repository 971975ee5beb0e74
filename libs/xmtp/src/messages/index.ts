export {
  sendContent,
  OUTGOING_CONTENT_TYPES,
  type OutgoingContent,
  type OutgoingContentType,
} from './outgoing-content.js';
export {
  CONTENT_TYPE_FILTERS,
  CONTENT_TYPE_FILTER_NAMES,
  isContentTypeFilterName,
  type ContentTypeFilterName,
} from './content-type-filter.js';
export {
  presentRawMessage,
  presentDecodedMessage,
  jsonSafe,
  SDK_DECODED_AUTHORITIES,
  type MessageView,
  type ContentTypeView,
  type DeliveryStatusName,
} from './message-view.js';
export type {
  ActionJson,
  ActionsJson,
  ActionStyleName,
  AttachmentJson,
  IntentJson,
  IntentMetadataValue,
  RemoteAttachmentJson,
  TransactionReferenceJson,
  WalletCallJson,
  WalletSendCallsJson,
} from './rich-content.js';
export { classifyXmtpError, type XmtpFailure } from './sdk-errors.js';
export { noteStreamedMessage, sentMessage } from './sent-messages.js';
