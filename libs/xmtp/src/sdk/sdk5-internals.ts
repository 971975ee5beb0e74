// Everything Mailroom does below @xmtp/node-sdk's public API lives in this file, and nowhere else: it patches the SDK's
// endpoint tables, reaches the bindings objects the SDK keeps private, calls bindings functions the SDK does not
// export, and talks to the node's identity API directly. Each of these was written against, and only holds for,
// the versions below. `assertSdkInternalsMatch()` runs at gateway start and refuses any other installed version,
// so an SDK upgrade fails loudly at start instead of misbehaving at runtime.
import { createRequire } from 'node:module';
import path from 'node:path';
import { Client as GrpcClient, credentials } from '@grpc/grpc-js';
import {
  applySignatureRequest,
  Client as NativeClient,
  Conversation as NativeConversation,
  Conversations as NativeConversations,
  revokeInstallationsSignatureRequest,
  type Identifier as NativeIdentifier,
} from '@xmtp/node-bindings';
import * as sdk5 from '@xmtp/node-sdk';
import {
  ApiUrls,
  HistorySyncUrls,
  type Client,
  type Conversation,
  type DecodedMessage,
  type XmtpEnv as Sdk5XmtpEnv,
} from '@xmtp/node-sdk';
import type {
  RawMessage,
  RawMessageQuery,
  SdkEndpoints,
  SignatureRequest,
  XmtpEnv,
  XmtpNetwork,
  XmtpSdkAdapter,
} from './adapter.js';
import { bundledSqlite, type BundledSqlite } from '../native/bundled-sqlite.js';
import { decodeTextMessage } from './streamed-text.js';
import { countIdentityUpdates, encodeIdentityUpdatesRequest } from './protobuf-fields.js';

export type { RawMessage, RawMessageQuery, SdkEndpoints, SignatureRequest } from './adapter.js';

/** The package versions this file was written for. */
export const SDK_INTERNALS_WRITTEN_FOR = { '@xmtp/node-sdk': '5.5.0', '@xmtp/node-bindings': '1.9.1' } as const;

export type SdkPackage = keyof typeof SDK_INTERNALS_WRITTEN_FOR;
export type InstalledSdkVersions = Record<SdkPackage, string>;

export class SdkVersionMismatchError extends Error {
  constructor(
    readonly mismatches: Array<{ pkg: string; installed: string; expected: string }>,
    adapterFile = 'libs/xmtp/src/sdk/sdk5-internals.ts',
  ) {
    super(
      mismatches
        .map(
          ({ pkg, installed, expected }) =>
            `${pkg} ${installed} is installed, but Mailroom's XMTP adapter (${adapterFile}) was written for ${expected}`,
        )
        .join('; ') +
        ". It reaches below the SDK's public API, so it refuses to run on another version: install the version it names, or port the adapter.",
    );
    this.name = 'SdkVersionMismatchError';
  }
}

/** The versions of the SDK packages this process loads (read from their package.json files). */
export function installedSdkVersions(): InstalledSdkVersions {
  const require = createRequire(import.meta.url);
  const sdkManifest = require.resolve('@xmtp/node-sdk/package.json');
  return packageVersions(require, sdkManifest);
}

/** The versions of an SDK package (its package.json) and of the bindings it loads. */
export function packageVersions(require: NodeJS.Require, sdkManifest: string): InstalledSdkVersions {
  // The bindings do not export their package.json; resolve them from the SDK, as the SDK loads them.
  const bindingsEntry = createRequire(sdkManifest).resolve('@xmtp/node-bindings');
  const bindingsManifest = path.join(path.dirname(bindingsEntry), '..', 'package.json');
  return {
    '@xmtp/node-sdk': (require(sdkManifest) as { version: string }).version,
    '@xmtp/node-bindings': (require(bindingsManifest) as { version: string }).version,
  };
}

/** Throws SdkVersionMismatchError unless every SDK package is at the exact version this file was written for. */
export function assertSdkVersions(installed: InstalledSdkVersions): void {
  const mismatches = (Object.keys(SDK_INTERNALS_WRITTEN_FOR) as SdkPackage[])
    .filter((pkg) => installed[pkg] !== SDK_INTERNALS_WRITTEN_FOR[pkg])
    .map((pkg) => ({ pkg, installed: installed[pkg], expected: SDK_INTERNALS_WRITTEN_FOR[pkg] }));
  if (mismatches.length > 0) throw new SdkVersionMismatchError(mismatches);
}

let checked = false;

/** Checks the installed SDK once per process; call it before creating any client. */
export function assertSdkInternalsMatch(): void {
  if (checked) return;
  assertSdkVersions(installedSdkVersions());
  checked = true;
}

// ---- endpoints: the SDK's per-env URL tables ----

/**
 * Points the SDK's `env` at a node. `Client.create`'s pre-create inbox lookup and the static helpers
 * (`Client.canMessage`, `fetchInboxStates`, `revokeInstallations`, …) read `ApiUrls[env]` and ignore the
 * `apiUrl` option, so the per-env table itself has to change. Call before creating any client.
 * Affects the whole process: every client of that env talks to this node afterwards.
 */
export function pointSdkAt(apiUrl: string, env: XmtpEnv = 'local', historySyncUrl?: string): void {
  assertSdkInternalsMatch();
  const known = sdk5Env(env);
  const url = new URL(apiUrl); // throws on a malformed URL before anything is changed
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`XMTP API URL must be http(s): ${apiUrl}`);
  (ApiUrls as Record<Sdk5XmtpEnv, string>)[known] = apiUrl.replace(/\/+$/, '');
  if (historySyncUrl !== undefined) (HistorySyncUrls as Record<Sdk5XmtpEnv, string>)[known] = historySyncUrl;
}

/** The endpoints the SDK currently uses for `env`. */
export function sdkEndpoints(env: XmtpEnv = 'local'): SdkEndpoints {
  const known = sdk5Env(env);
  return { apiUrl: ApiUrls[known], historySyncUrl: HistorySyncUrls[known] };
}

/** The network names node-sdk 5.5 knows: the keys of its endpoint table (local, dev, production). */
export const SDK5_ENVS = Object.keys(ApiUrls) as Sdk5XmtpEnv[];

function sdk5Env(env: XmtpEnv): Sdk5XmtpEnv {
  if (!(SDK5_ENVS as string[]).includes(env))
    throw new Error(`@xmtp/node-sdk 5 has no XMTP network "${env}" (it knows ${SDK5_ENVS.join(', ')})`);
  return env as Sdk5XmtpEnv;
}

/**
 * Checks `network` and points the SDK at it. node-sdk 5.5 documents `gatewayHost` as valid on the decentralized
 * networks only, which it cannot name, so a gateway host is refused rather than passed on.
 */
export function useSdk5Network(network: XmtpNetwork): void {
  sdk5Env(network.env);
  if (network.gatewayHost)
    throw new Error('@xmtp/node-sdk 5 cannot use an XMTP Gateway Service (it cannot reach a decentralized network)');
  if (network.apiUrl) pointSdkAt(network.apiUrl, network.env, network.historySyncUrl);
  else if (network.historySyncUrl !== undefined)
    (HistorySyncUrls as Record<Sdk5XmtpEnv, string>)[sdk5Env(network.env)] = network.historySyncUrl;
}

// ---- the bindings objects the SDK keeps private ----
// The SDK's `libxmtpVersion` getter (client) and `id` getter (conversation) call one bindings method synchronously on
// the private bindings object, so a wrapper on that prototype method observes which bindings object belongs to an SDK
// object.

let observedClient: NativeClient | undefined;
let observedConversation: NativeConversation | undefined;
let hooked = false;

/* eslint-disable @typescript-eslint/no-this-alias -- the hooks keep the native object the SDK calls them on */
function hookBindings(): void {
  if (hooked) return;
  const libxmtpVersion = NativeClient.prototype.libxmtpVersion;
  NativeClient.prototype.libxmtpVersion = function (this: NativeClient): string {
    observedClient = this;
    return libxmtpVersion.call(this);
  };
  const id = NativeConversation.prototype.id;
  NativeConversation.prototype.id = function (this: NativeConversation): string {
    observedConversation = this;
    return id.call(this);
  };
  hooked = true;
}

function nativeClientOf(client: Client<unknown>): NativeClient {
  hookBindings();
  observedClient = undefined;
  void client.libxmtpVersion;
  const native = observedClient as NativeClient | undefined;
  observedClient = undefined;
  if (!native) throw new Error('could not reach the native XMTP client (SDK internals changed?)');
  return native;
}

function nativeConversationOf(conversation: Conversation<unknown>): NativeConversation {
  hookBindings();
  observedConversation = undefined;
  void conversation.id;
  const native = observedConversation as NativeConversation | undefined;
  observedConversation = undefined;
  if (!native) throw new Error('could not reach the native XMTP conversation (SDK internals changed?)');
  return native;
}

/**
 * Closes the client's database connections now, so the file is no longer open in this process once its lock is
 * released (node-sdk 5.5 has no Client.close(); the native client otherwise lives until garbage collection). Later
 * calls through this client fail ("Pool needs to reconnect"), which is what an evicted or fenced client should do.
 */
export function closeClientDatabase(client: Client<unknown>): void {
  nativeClientOf(client).releaseDbConnection();
}

/**
 * Every stored message of the conversation (reactions, read receipts and unknown types included), undecoded. The
 * SDK's decoded listing folds reactions into their parent and hides read receipts and the bytes of unknown types.
 */
export function findRawMessages(conversation: Conversation<unknown>, options: RawMessageQuery): Promise<RawMessage[]> {
  return nativeConversationOf(conversation).findMessages(options);
}

// ---- the SDK's all-messages stream ----
// node-sdk 5.5 and 6.0 turn every value of a client's all-messages stream into a DecodedMessage by reading the message
// back from the client's database (`Conversations.getMessageById` → the bindings' enriched lookup), although the
// bindings' stream hands over the stored message with its encoded content. That read is synchronous, on the event
// loop, ~0.3 ms a message, and a gateway pays it twice per message (the sender's echo and the receiver). Text and
// markdown — almost all traffic — are decoded from the streamed value instead (streamed-text.ts); every other type
// still takes the SDK's read. SDK 6's adapter passes its own classes to the same patch.

type StreamCallback = (error: Error | null, message: RawMessage | undefined) => void;

/** The classes of one SDK and its bindings that the stream conversion runs through. */
export interface StreamedMessageClasses {
  /** The bindings' Conversations: its `streamAllMessages(callback, onClose, …)` feeds the SDK's stream. */
  nativeConversations: { prototype: { streamAllMessages(callback: StreamCallback, ...rest: never[]): unknown } };
  /** The SDK's Conversations: its stream converts each value with `this.getMessageById(value.id)`, synchronously. */
  sdkConversations: { prototype: { getMessageById(id: string): DecodedMessage<unknown> | undefined } };
  /** The SDK's DecodedMessage, so a message decoded here is one too (`instanceof`). */
  decodedMessage: { prototype: object };
}

/** The value the bindings' stream is handing to the SDK's callback right now (the SDK converts it synchronously). */
let streaming: RawMessage | undefined;
const streamPatched = new WeakSet<object>();

/**
 * From now on, in this process, the SDK's all-messages streams decode text and markdown messages from the streamed
 * value instead of reading them back from the database. Other messages, and `getMessageById` outside a stream
 * callback, are unchanged. Patching twice for the same classes does nothing.
 */
export function decodeStreamedTextWithoutRereading(classes: StreamedMessageClasses): void {
  const { nativeConversations, sdkConversations, decodedMessage } = classes;
  if (streamPatched.has(nativeConversations.prototype)) return;
  streamPatched.add(nativeConversations.prototype);

  const streamAllMessages = nativeConversations.prototype.streamAllMessages;
  nativeConversations.prototype.streamAllMessages = function (callback: StreamCallback, ...rest: never[]) {
    const observed: StreamCallback = (error, message) => {
      streaming = error ? undefined : message;
      try {
        callback(error, message);
      } finally {
        streaming = undefined;
      }
    };
    return streamAllMessages.call(this, observed, ...rest);
  };

  const getMessageById = sdkConversations.prototype.getMessageById;
  sdkConversations.prototype.getMessageById = function (id: string) {
    const message = streaming;
    if (message?.id === id) {
      const decoded = decodeTextMessage(message, decodedMessage.prototype);
      if (decoded) return decoded;
    }
    return getMessageById.call(this, id);
  };
}

// ---- signature requests without a client (bindings functions the SDK does not export) ----

/** A request to revoke installations of an inbox; the wallet signs its `signatureText()`. */
export function revokeInstallationsRequest(
  node: Pick<XmtpNetwork, 'env' | 'apiUrl'>,
  identifier: NativeIdentifier,
  inboxId: string,
  installationIds: Uint8Array[],
): Promise<SignatureRequest> {
  return revokeInstallationsSignatureRequest(nodeUrl(node), undefined, identifier, inboxId, installationIds);
}

/** Publishes a signed request to the network (`apiUrl`: that node rather than the env's). */
export function applySignedRequest(
  node: Pick<XmtpNetwork, 'env' | 'apiUrl'>,
  request: SignatureRequest,
): Promise<void> {
  return applySignatureRequest(nodeUrl(node), undefined, request);
}

const nodeUrl = (node: Pick<XmtpNetwork, 'env' | 'apiUrl'>): string => node.apiUrl ?? ApiUrls[sdk5Env(node.env)];

// ---- the node's identity API, which the SDK does not expose ----

/** The network caps an inbox's identity-update log at this many entries. */
export const IDENTITY_UPDATES_LIMIT = 256;
const GET_IDENTITY_UPDATES = '/xmtp.identity.api.v1.IdentityApi/GetIdentityUpdates';

/**
 * The number of identity updates in an inbox's log on the node at `apiUrl` (http:// plaintext, https:// TLS): node-sdk
 * 5.5.0 cannot count them, so this asks IdentityApi.GetIdentityUpdates from sequence 0 and counts the entries.
 */
export async function fetchIdentityUpdateCount(apiUrl: string, inboxId: string, timeoutMs = 10_000): Promise<number> {
  const url = new URL(apiUrl);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const channel = url.protocol === 'https:' ? credentials.createSsl() : credentials.createInsecure();
  const client = new GrpcClient(`${url.hostname}:${port}`, channel, {
    'grpc.max_receive_message_length': 50 * 2 ** 20,
  });
  try {
    const response = await new Promise<Buffer>((resolve, reject) =>
      client.makeUnaryRequest(
        GET_IDENTITY_UPDATES,
        (request: Buffer) => request,
        (bytes: Buffer) => bytes,
        encodeIdentityUpdatesRequest(inboxId),
        { deadline: Date.now() + timeoutMs },
        (error, value) => (error ? reject(error) : resolve(value!)),
      ),
    );
    return countIdentityUpdates(response, inboxId);
  } finally {
    client.close();
  }
}

// ---- the bindings' native addon ----

/** The glibc native addon the bindings package at `bindingsEntry` loads on this platform (its dist directory). */
export function bindingsAddonFile(bindingsEntry: string): string {
  return path.join(path.dirname(bindingsEntry), `bindings_node.${process.platform}-${process.arch}-gnu.node`);
}

/** The SQLite of the addon the bindings at `bindingsEntry` loaded, looked up once (on first call). */
export function bundledSqliteOf(bindingsEntry: string): () => BundledSqlite | { unavailable: string } {
  let found: BundledSqlite | { unavailable: string } | undefined;
  return () => (found ??= bundledSqlite(bindingsAddonFile(bindingsEntry)));
}

// ---- the adapter ----

/** node-sdk 5.5.0 behind Mailroom's port: endpoints through the SDK's ApiUrls table, statics given the env name. */
export function sdk5Adapter(): XmtpSdkAdapter {
  assertSdkInternalsMatch();
  const installed = installedSdkVersions();
  return {
    major: 5,
    version: installed['@xmtp/node-sdk'],
    bindingsVersion: installed['@xmtp/node-bindings'],
    sdk: sdk5,
    envs: SDK5_ENVS,
    useNetwork: async (network) => useSdk5Network(network),
    pointAt: (apiUrl, env, historySyncUrl) => pointSdkAt(apiUrl, env, historySyncUrl),
    endpoints: (env) => sdkEndpoints(env),
    // The env's node is the pointed one (ApiUrls), so an explicit apiUrl only matters when it differs.
    clientNetworkOptions: (env, apiUrl) => ({ env: sdk5Env(env), apiUrl }),
    fetchInboxStates: (inboxIds, env) => sdk5.Client.fetchInboxStates(inboxIds, sdk5Env(env)),
    getInboxIdForIdentifier: (identifier, env) => sdk5.getInboxIdForIdentifier(identifier, sdk5Env(env)),
    revokeInstallations: (signer, inboxId, installationIds, env) =>
      sdk5.Client.revokeInstallations(signer, inboxId, installationIds, sdk5Env(env)),
    closeClientDatabase,
    // bindings 1.9.1's createClient takes no pool bounds (libxmtp's 5–25 connections a client).
    limitClientDatabasePool: () => false,
    bundledSqlite: bundledSqliteOf(createRequire(import.meta.url).resolve('@xmtp/node-bindings')),
    decodeStreamedTextWithoutRereading: () =>
      decodeStreamedTextWithoutRereading({
        nativeConversations: NativeConversations as unknown as StreamedMessageClasses['nativeConversations'],
        sdkConversations: sdk5.Conversations,
        decodedMessage: sdk5.DecodedMessage,
      }),
    findRawMessages,
    revokeInstallationsRequest,
    applySignedRequest,
  };
}
