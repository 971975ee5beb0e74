// The one door to XMTP: the rest of Mailroom imports XMTP from here, never from the SDK. Only Mailroom's own names
// leave this library (sdk/vocabulary.ts); what reaches below the SDK's public API is in sdk/sdk5-internals.ts.
export {
  ConsentEntityType,
  ConsentState,
  ConversationType,
  GroupMessageKind,
  GroupPermissionsOptions,
  IdentifierKind,
  PermissionLevel,
  SortDirection,
  XmtpDm,
  XmtpGroup,
  type XmtpConsent,
  type XmtpConversation,
  type XmtpDecodedMessage,
  type XmtpEnv,
  type XmtpGroupMember,
  type XmtpIdentifier,
  type XmtpSession,
  type XmtpStream,
} from './sdk/vocabulary.js';
export {
  assertSdkInternalsMatch,
  closeClientDatabase,
  fetchIdentityUpdateCount,
  findRawMessages,
  IDENTITY_UPDATES_LIMIT,
  installedSdkVersions,
  pointSdkAt,
  SDK_INTERNALS_WRITTEN_FOR,
  sdkEndpoints,
  SdkVersionMismatchError,
  type RawMessage,
  type RawMessageQuery,
  type SdkEndpoints,
} from './sdk/sdk5-internals.js';
export { eoaWallet, type EoaWallet } from './signer.js';
export * from './pool/index.js';
export { disposableEoaSigner, ethereumIdentifier, type DisposableSigner } from './identity/disposable-signer.js';
export * from './messages/index.js';
export * from './attachments/index.js';
export * from './wallet/index.js';
