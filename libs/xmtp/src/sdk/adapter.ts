// The port between Mailroom and one installed @xmtp/node-sdk major. Everything that differs between SDK versions, or
// reaches below an SDK's public API, is behind this interface; sdk5-internals.ts and sdk6-internals.ts implement it.
// Types come from SDK 5.5's declarations: for the members Mailroom uses, SDK 6.0's public API has the same shapes
// (the differences — endpoint tables vs createBackend, static calls taking a Backend — are bridged by the adapters).
import type * as Sdk5 from '@xmtp/node-sdk';
import type {
  Client,
  Conversation,
  Identifier,
  InboxState,
  ListMessagesOptions,
  Message,
  SignatureRequestHandle,
  Signer,
  XmtpEnv,
} from '@xmtp/node-sdk';

/** The SDK module's public values (classes and functions), typed as SDK 5.5 declares them. */
export type XmtpSdkModule = typeof Sdk5;

export type SdkMajor = 5 | 6;

export interface SdkEndpoints {
  apiUrl: string;
  historySyncUrl?: string;
}

export type RawMessageQuery = ListMessagesOptions;
export type RawMessage = Message;
export type SignatureRequest = SignatureRequestHandle;

export interface XmtpSdkAdapter {
  readonly major: SdkMajor;
  /** The installed SDK package version (e.g. "6.0.0") and its bindings' version. */
  readonly version: string;
  readonly bindingsVersion: string;
  /** The SDK module: Client, content helpers. */
  readonly sdk: XmtpSdkModule;
  /** Points `env` at a node for every later client and static call of this process. */
  pointAt(apiUrl: string, env: XmtpEnv, historySyncUrl?: string): void;
  endpoints(env: XmtpEnv): SdkEndpoints;
  fetchInboxStates(inboxIds: string[], env: XmtpEnv): Promise<InboxState[]>;
  getInboxIdForIdentifier(identifier: Identifier, env: XmtpEnv): Promise<string | null>;
  revokeInstallations(signer: Signer, inboxId: string, installationIds: Uint8Array[], env: XmtpEnv): Promise<void>;
  /** Closes the client's database connections now (later calls through the client fail). */
  closeClientDatabase(client: Client<unknown>): void;
  /** Every stored message of the conversation, undecoded (reactions, read receipts, unknown types included). */
  findRawMessages(conversation: Conversation<unknown>, options: RawMessageQuery): Promise<RawMessage[]>;
  /** A request to revoke installations of an inbox without a client; the wallet signs its `signatureText()`. */
  revokeInstallationsRequest(
    apiUrl: string,
    identifier: Identifier,
    inboxId: string,
    installationIds: Uint8Array[],
  ): Promise<SignatureRequest>;
  /** Publishes a signed request to the node at `apiUrl`. */
  applySignedRequest(apiUrl: string, request: SignatureRequest): Promise<void>;
}
