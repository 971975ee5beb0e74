// The one door to XMTP: the rest of Mailroom imports XMTP from here, never from the SDK. Only Mailroom's own names
// leave this library (sdk/vocabulary.ts); what reaches below an SDK's public API is in its adapter
// (sdk/sdk5-internals.ts, sdk/sdk6-internals.ts), chosen once at start by sdk/xmtp-sdk.ts.
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
  fetchIdentityUpdateCount,
  IDENTITY_UPDATES_LIMIT,
  installedSdkVersions,
  SDK_INTERNALS_WRITTEN_FOR,
  SdkVersionMismatchError,
} from './sdk/sdk5-internals.js';
export { SDK6_INTERNALS_WRITTEN_FOR } from './sdk/sdk6-internals.js';
export type {
  ClientNetworkOptions,
  RawMessage,
  RawMessageQuery,
  SdkEndpoints,
  SdkMajor,
  XmtpNetwork,
  XmtpSdkAdapter,
} from './sdk/adapter.js';
export {
  closeClientDatabase,
  findRawMessages,
  pointSdkAt,
  sdkEndpoints,
  useXmtpNetwork,
  selectXmtpSdk,
  selectXmtpSdkFromEnv,
  XMTP_SDK_CHOICES,
  xmtpSdk,
  xmtpSdkSelection,
  XmtpSdkUnavailableError,
  type XmtpSdkChoice,
  type XmtpSdkSelection,
} from './sdk/xmtp-sdk.js';
export {
  boundXmtpMemory,
  sqliteMemory,
  type AppliedXmtpMemoryBounds,
  type XmtpMemoryBounds,
} from './sdk/memory-bounds.js';
export { eoaWallet, type EoaWallet } from './signer.js';
export * from './pool/index.js';
export { disposableEoaSigner, ethereumIdentifier, type DisposableSigner } from './identity/disposable-signer.js';
export * from './messages/index.js';
export * from './attachments/index.js';
export * from './wallet/index.js';
