// The port between Mailroom and one installed @xmtp/node-sdk major. Everything that differs between SDK versions, or
// reaches below an SDK's public API, is behind this interface; sdk5-internals.ts and sdk6-internals.ts implement it.
// Types come from SDK 5.5's declarations: for the members Mailroom uses, SDK 6.0's public API has the same shapes
// (the differences — endpoint tables vs createBackend, static calls taking a Backend — are bridged by the adapters).
import type * as Sdk5 from '@xmtp/node-sdk';
import type { BundledSqlite } from '../native/bundled-sqlite.js';
import type {
  Client,
  ClientOptions,
  Conversation,
  Identifier,
  InboxState,
  ListMessagesOptions,
  Message,
  SignatureRequestHandle,
  Signer,
  XmtpEnv as Sdk5XmtpEnv,
} from '@xmtp/node-sdk';

/** The SDK module's public values (classes and functions), typed as SDK 5.5 declares them. */
export type XmtpSdkModule = typeof Sdk5;

export type SdkMajor = 5 | 6;

/**
 * Every network name a supported SDK knows: SDK 5.5's three, and SDK 6's decentralized ones (xmtp-networks.spec.ts
 * checks this against SDK 6's declared `XmtpEnv`). Which SDK serves which: `XmtpSdkAdapter.envs`, and
 * libs/config's xmtp-networks.ts for the rules the gateway refuses at start.
 */
export type XmtpEnv = Sdk5XmtpEnv | 'testnet-staging' | 'testnet-dev' | 'testnet' | 'mainnet';

/** Where the SDK's calls for one network go. */
export interface SdkEndpoints {
  /** The node. Absent on a decentralized network without an explicit node (the SDK then has no v3 node). */
  apiUrl?: string;
  historySyncUrl?: string;
  /** The operator's XMTP Gateway Service (the SDK's `gatewayHost`), which pays a decentralized network's fees. */
  gatewayHost?: string;
}

/** The network a process uses: set once at start (`useNetwork`), before any client is built. */
export interface XmtpNetwork {
  env: XmtpEnv;
  /** The node; absent: the SDK's default for `env`. */
  apiUrl?: string;
  gatewayHost?: string;
  historySyncUrl?: string;
}

/** The network options of `Client.create` / `Client.build` (typed as SDK 5.5 declares them). */
export type ClientNetworkOptions = Pick<ClientOptions, 'env' | 'apiUrl' | 'gatewayHost'>;

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
  /** The network names this SDK accepts (read from the SDK's own tables). */
  readonly envs: readonly XmtpEnv[];
  /**
   * Uses `network` for every later client and static call of this process: points its env at the node (when given)
   * and records its gateway host. Rejects a network this SDK cannot serve (SDK 6: its own refusal, from createBackend).
   */
  useNetwork(network: XmtpNetwork): Promise<void>;
  /** Points `env` at a node for every later client and static call of this process. */
  pointAt(apiUrl: string, env: XmtpEnv, historySyncUrl?: string): void;
  endpoints(env: XmtpEnv): SdkEndpoints;
  /** The network options for a client of `env`: the env, the node (`apiUrl`, else the pointed one), the gateway host. */
  clientNetworkOptions(env: XmtpEnv, apiUrl?: string): ClientNetworkOptions;
  fetchInboxStates(inboxIds: string[], env: XmtpEnv): Promise<InboxState[]>;
  getInboxIdForIdentifier(identifier: Identifier, env: XmtpEnv): Promise<string | null>;
  revokeInstallations(signer: Signer, inboxId: string, installationIds: Uint8Array[], env: XmtpEnv): Promise<void>;
  /** Closes the client's database connections now (later calls through the client fail). */
  closeClientDatabase(client: Client<unknown>): void;
  /**
   * Bounds libxmtp's SQLite connection pool of every client opened from now on to `maxConnections` (at most 5 of them
   * kept open while idle). Each connection keeps its own page cache (up to 2,000 pages, ~8 MiB), and libxmtp's
   * default pool grows to 25 connections a client under concurrent calls. False: this SDK cannot pass it (node-sdk 5.5).
   */
  limitClientDatabasePool(maxConnections: number): boolean;
  /**
   * The SQLite linked into the loaded bindings (every client's database uses it): its process-wide memory controls,
   * or why they cannot be reached here.
   */
  bundledSqlite(): BundledSqlite | { unavailable: string };
  /**
   * From now on, in this process, the SDK's all-messages streams decode text and markdown from the streamed value
   * instead of reading each message back from the client's database (streamed-text.ts). The gateway calls it at start.
   */
  decodeStreamedTextWithoutRereading(): void;
  /** Every stored message of the conversation, undecoded (reactions, read receipts, unknown types included). */
  findRawMessages(conversation: Conversation<unknown>, options: RawMessageQuery): Promise<RawMessage[]>;
  /** A request to revoke installations of an inbox without a client; the wallet signs its `signatureText()`. */
  revokeInstallationsRequest(
    node: Pick<XmtpNetwork, 'env' | 'apiUrl'>,
    identifier: Identifier,
    inboxId: string,
    installationIds: Uint8Array[],
  ): Promise<SignatureRequest>;
  /** Publishes a signed request to the network (`apiUrl`: that node rather than the env's). */
  applySignedRequest(node: Pick<XmtpNetwork, 'env' | 'apiUrl'>, request: SignatureRequest): Promise<void>;
}
