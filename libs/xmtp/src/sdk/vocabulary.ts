// Mailroom's names for the XMTP objects and values the gateway handles. The gateway imports these, never the SDK's
// own names, so the SDK behind them can change (node-sdk 6 behind the same names) without touching the gateway.
// The enums are Mailroom's objects; their values are the SDK's, so they compare with and pass to the SDK unchanged.
import {
  ConsentEntityType as SdkConsentEntityType,
  ConsentState as SdkConsentState,
  ConversationType as SdkConversationType,
  type Dm,
  type Group,
  GroupMessageKind as SdkGroupMessageKind,
  GroupPermissionsOptions as SdkGroupPermissionsOptions,
  IdentifierKind as SdkIdentifierKind,
  PermissionLevel as SdkPermissionLevel,
  SortDirection as SdkSortDirection,
  type AsyncStreamProxy,
  type Client,
  type Consent,
  type Conversation,
  type DecodedMessage,
  type GroupMember,
  type Identifier,
} from '@xmtp/node-sdk';
import type { XmtpEnv as NetworkName } from './adapter.js';
import { xmtpSdk } from './xmtp-sdk.js';

/**
 * One identity's live XMTP client, as the gateway sees it (the pool hands it to `use` callbacks): the members the
 * gateway may use, and no others — connection, database and installation management stay in this library.
 */
export type XmtpSession<ContentTypes = unknown> = Pick<
  Client<ContentTypes>,
  'inboxId' | 'installationId' | 'conversations' | 'preferences' | 'canMessage' | 'fetchInboxIdByIdentifier'
>;
/**
 * A DM or a group, as the gateway sees it: the members it reads, and no others (sending and raw reads go through this
 * library's functions, which take the handle back; `instanceof XmtpGroup`/`XmtpDm` reaches a kind's own members).
 * The SDK's conversations have these members, so they are handed out as they are.
 */
export type XmtpConversation<ContentTypes = unknown> = Pick<
  Conversation<ContentTypes>,
  'id' | 'addedByInboxId' | 'consentState' | 'createdAtNs' | 'isActive' | 'members' | 'messages' | 'sync'
>;
/**
 * The SDK conversation behind a handle, for this library's own functions: every XmtpConversation it hands out is one
 * (the narrow type only limits what the gateway uses). Not exported from the library.
 */
export function sdkConversationOf<ContentTypes>(
  conversation: XmtpConversation<ContentTypes>,
): Conversation<ContentTypes> {
  return conversation as Conversation<ContentTypes>;
}
/** Classes, for `instanceof`: which kind of conversation a handle is. */
// `instanceof` asks the class of the SDK this process selected (xmtp-sdk.ts), so it holds under SDK 5 and SDK 6.
export const XmtpGroup = {
  [Symbol.hasInstance]: (value: unknown) => value instanceof xmtpSdk().sdk.Group,
} as unknown as typeof Group;
export type XmtpGroup<ContentTypes = unknown> = Group<ContentTypes>;
export const XmtpDm = {
  [Symbol.hasInstance]: (value: unknown) => value instanceof xmtpSdk().sdk.Dm,
} as unknown as typeof Dm;
export type XmtpDm<ContentTypes = unknown> = Dm<ContentTypes>;
export type XmtpGroupMember = GroupMember;
/** A message as the SDK decodes it (presented to clients as a MessageView). */
export type XmtpDecodedMessage<ContentTypes = unknown> = DecodedMessage<ContentTypes>;
/** A consent record (entity, its type, its state). */
export type XmtpConsent = Consent;
/** A live stream of `T` (messages, conversations, consent), ended with `end()`. */
export type XmtpStream<T> = AsyncStreamProxy<T>;
/** An inbox's account identifier (an Ethereum address). */
export type XmtpIdentifier = Identifier;
/** The network environments the SDKs know (SDK 6 adds the decentralized testnet and mainnet). */
export type XmtpEnv = NetworkName;

export const ConsentState = {
  Unknown: SdkConsentState.Unknown,
  Allowed: SdkConsentState.Allowed,
  Denied: SdkConsentState.Denied,
} as const;
export type ConsentState = SdkConsentState;

export const ConsentEntityType = {
  GroupId: SdkConsentEntityType.GroupId,
  InboxId: SdkConsentEntityType.InboxId,
} as const;
export type ConsentEntityType = SdkConsentEntityType;

export const ConversationType = {
  Dm: SdkConversationType.Dm,
  Group: SdkConversationType.Group,
  Sync: SdkConversationType.Sync,
  Oneshot: SdkConversationType.Oneshot,
} as const;
export type ConversationType = SdkConversationType;

export const GroupMessageKind = {
  Application: SdkGroupMessageKind.Application,
  MembershipChange: SdkGroupMessageKind.MembershipChange,
} as const;
export type GroupMessageKind = SdkGroupMessageKind;

export const GroupPermissionsOptions = {
  Default: SdkGroupPermissionsOptions.Default,
  AdminOnly: SdkGroupPermissionsOptions.AdminOnly,
  CustomPolicy: SdkGroupPermissionsOptions.CustomPolicy,
} as const;
export type GroupPermissionsOptions = SdkGroupPermissionsOptions;

export const PermissionLevel = {
  Member: SdkPermissionLevel.Member,
  Admin: SdkPermissionLevel.Admin,
  SuperAdmin: SdkPermissionLevel.SuperAdmin,
} as const;
export type PermissionLevel = SdkPermissionLevel;

export const SortDirection = {
  Ascending: SdkSortDirection.Ascending,
  Descending: SdkSortDirection.Descending,
} as const;
export type SortDirection = SdkSortDirection;

export const IdentifierKind = { Ethereum: SdkIdentifierKind.Ethereum, Passkey: SdkIdentifierKind.Passkey } as const;
export type IdentifierKind = SdkIdentifierKind;
