// node-sdk 6.0.0 behind Mailroom's port (the npm alias @xmtp/node-sdk-6). Like sdk5-internals.ts, everything here that
// reaches below the SDK's public API was written against, and only holds for, the versions below; loadSdk6Adapter()
// refuses any other. SDK 6 replaces the per-env ApiUrls table with a Backend (createBackend), which Client.create
// builds from its `env`, `apiUrl` and `gatewayHost` options and every static call takes as an argument: no
// process-wide table is patched. SDK 6 also knows the decentralized networks (testnet, mainnet, …), reached through
// an XMTP Gateway Service: createBackend refuses them without a `gatewayHost`.
// Its bindings need glibc >= 2.38: importing them fails on Debian 12's system node (see docs/operations.md).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type {
  RawMessage,
  SdkEndpoints,
  SignatureRequest,
  XmtpEnv,
  XmtpNetwork,
  XmtpSdkAdapter,
  XmtpSdkModule,
} from './adapter.js';
import {
  bindingsAddonFile,
  bundledSqliteOf,
  packageVersions,
  pointSdkAt as pointSdk5At,
  SDK5_ENVS,
  decodeStreamedTextWithoutRereading,
  SdkVersionMismatchError,
  type StreamedMessageClasses,
} from './sdk5-internals.js';

export const SDK6_INTERNALS_WRITTEN_FOR = { '@xmtp/node-sdk': '6.0.0', '@xmtp/node-bindings': '1.10.0' } as const;
const SDK6_PACKAGE = '@xmtp/node-sdk-6';

// The members of node-bindings 1.10.0 this file uses (the SDK keeps the bindings objects private).
export interface Backend {
  readonly env: string;
  readonly v3Host: string | null;
  readonly gatewayHost: string | null;
}
interface NativeClient {
  libxmtpVersion(): string;
  releaseDbConnection(): void;
}
interface NativeConversation {
  id(): string;
  // node-bindings 1.9 called it findMessages.
  listMessages(options?: unknown): Promise<RawMessage[]>;
}
interface Bindings6 {
  Client: { prototype: NativeClient };
  Conversation: { prototype: NativeConversation };
  Conversations: StreamedMessageClasses['nativeConversations'];
  revokeInstallationsSignatureRequest(
    backend: Backend,
    identifier: unknown,
    inboxId: string,
    installationIds: Uint8Array[],
  ): Promise<SignatureRequest>;
  applySignatureRequest(backend: Backend, request: SignatureRequest): Promise<void>;
  createClientWithBackend: unknown;
}
export interface Sdk6Statics {
  createBackend(options: { env: XmtpEnv; apiUrl?: string; gatewayHost?: string }): Promise<Backend>;
  getInboxIdForIdentifier(backend: Backend, identifier: unknown): Promise<string | null>;
  Client: {
    fetchInboxStates(
      inboxIds: string[],
      backend: Backend,
    ): Promise<Awaited<ReturnType<XmtpSdkModule['Client']['fetchInboxStates']>>>;
    revokeInstallations(
      signer: unknown,
      inboxId: string,
      installationIds: Uint8Array[],
      backend: Backend,
    ): Promise<void>;
  };
}

/** The installed versions of the SDK 6 alias and of the bindings it loads. */
export function installedSdk6Versions(): { '@xmtp/node-sdk': string; '@xmtp/node-bindings': string } {
  const require = createRequire(import.meta.url);
  const sdkEntry = require.resolve(SDK6_PACKAGE);
  return packageVersions(require, new URL('../package.json', pathToFileURL(sdkEntry)).pathname);
}

/**
 * Imports node-sdk 6 and its bindings; rejects when the bindings cannot load (glibc < 2.38: the error names the
 * missing GLIBC version) or when the installed versions are not the ones this file was written for.
 */
export async function loadSdk6Adapter(): Promise<XmtpSdkAdapter> {
  const installed = installedSdk6Versions();
  const mismatches = (Object.keys(SDK6_INTERNALS_WRITTEN_FOR) as Array<keyof typeof SDK6_INTERNALS_WRITTEN_FOR>)
    .filter((pkg) => installed[pkg] !== SDK6_INTERNALS_WRITTEN_FOR[pkg])
    .map((pkg) => ({
      pkg: pkg === '@xmtp/node-sdk' ? SDK6_PACKAGE : pkg,
      installed: installed[pkg],
      expected: SDK6_INTERNALS_WRITTEN_FOR[pkg],
    }));
  if (mismatches.length > 0) throw new SdkVersionMismatchError(mismatches, 'libs/xmtp/src/sdk/sdk6-internals.ts');

  const sdkEntry = createRequire(import.meta.url).resolve(SDK6_PACKAGE);
  // The bindings module the SDK itself imports (its nested 1.10.0, not the top-level 1.9.1 of SDK 5).
  const bindingsEntry = createRequire(sdkEntry).resolve('@xmtp/node-bindings');
  const poolBounds = passDatabasePoolBounds(bindingsEntry);
  const sdk = (await import(SDK6_PACKAGE)) as unknown as XmtpSdkModule & Sdk6Statics;
  const bindings = (await import(pathToFileURL(bindingsEntry).href)) as unknown as Bindings6;
  const adapter = createSdk6Adapter(sdk, bindings, installed);
  const passed = poolBounds !== undefined && bindings.createClientWithBackend === poolBounds.createClientWithBackend;
  return {
    ...adapter,
    limitClientDatabasePool: (maxConnections) => {
      if (!passed) return false;
      poolBounds.limit(maxConnections);
      return true;
    },
    bundledSqlite: bundledSqliteOf(bindingsEntry),
  };
}

interface NativeDbOptions {
  maxDbPoolSize?: number;
  minDbPoolSize?: number;
}
type CreateClientWithBackend = (backend: unknown, db: NativeDbOptions, ...rest: unknown[]) => Promise<unknown>;

/**
 * node-sdk 6's createClient passes bindings 1.10's DbOptions only a path and a key, never the pool bounds the bindings
 * accept. The bindings' ESM entry takes its functions from the native addon's exports object when it is first
 * imported, so replacing createClientWithBackend on that (cached) object before the SDK loads lets the bounds through.
 * Undefined when the addon is not the one next to the entry (a platform package, or musl).
 */
function passDatabasePoolBounds(
  bindingsEntry: string,
): { createClientWithBackend: CreateClientWithBackend; limit(maxConnections: number): void } | undefined {
  const addon = bindingsAddonFile(bindingsEntry);
  if (process.platform !== 'linux' || !existsSync(addon)) return undefined;
  const exports = createRequire(bindingsEntry)(addon) as { createClientWithBackend: CreateClientWithBackend };
  const original = exports.createClientWithBackend;
  let bounds: NativeDbOptions = {};
  const createClientWithBackend: CreateClientWithBackend = (backend, db, ...rest) =>
    original(backend, { ...db, ...bounds }, ...rest);
  exports.createClientWithBackend = createClientWithBackend;
  return {
    createClientWithBackend,
    // r2d2 refuses (panics on) a pool whose idle minimum exceeds its size.
    limit: (maxConnections) => (bounds = { maxDbPoolSize: maxConnections, minDbPoolSize: Math.min(5, maxConnections) }),
  };
}

/** The members of node-sdk 6 this adapter's network handling uses (createBackend and the default endpoint tables). */
export type Sdk6Network = Pick<Sdk6Statics, 'createBackend'> & {
  ApiUrls: Record<string, string>;
  HistorySyncUrls: Record<string, string>;
};

/**
 * The network half of the SDK 6 adapter: which endpoints and gateway host each env uses, the options a client is built
 * with, and one Backend per (env, node, gateway host) for the static calls. Separate so a unit test can watch exactly
 * what reaches createBackend.
 */
export function sdk6Networks(sdk: Sdk6Network) {
  const endpoints = new Map<XmtpEnv, SdkEndpoints>();
  const backends = new Map<string, Promise<Backend>>();
  // SDK 6's history-sync table names every env it knows (its node table only the centralized ones).
  const envs = Object.keys(sdk.HistorySyncUrls) as XmtpEnv[];

  const known = (env: XmtpEnv): XmtpEnv => {
    if (!envs.includes(env))
      throw new Error(`@xmtp/node-sdk 6 has no XMTP network "${env}" (it knows ${envs.join(', ')})`);
    return env;
  };
  const endpointsOf = (env: XmtpEnv): SdkEndpoints =>
    endpoints.get(env) ?? { apiUrl: sdk.ApiUrls[env], historySyncUrl: sdk.HistorySyncUrls[env] };
  /** One Backend per env, node and gateway host, built on first use (a Backend holds the connection settings). */
  const backendFor = (env: XmtpEnv, apiUrl = endpointsOf(env).apiUrl): Promise<Backend> => {
    const gatewayHost = endpointsOf(env).gatewayHost;
    const key = `${env} ${apiUrl ?? ''} ${gatewayHost ?? ''}`;
    let backend = backends.get(key);
    if (!backend) {
      backend = sdk.createBackend({ env: known(env), apiUrl, gatewayHost });
      backend.catch(() => backends.delete(key));
      backends.set(key, backend);
    }
    return backend;
  };
  const pointAt = (apiUrl: string, env: XmtpEnv, historySyncUrl?: string): void => {
    known(env);
    const url = new URL(apiUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error(`XMTP API URL must be http(s): ${apiUrl}`);
    const current = endpointsOf(env);
    endpoints.set(env, {
      apiUrl: apiUrl.replace(/\/+$/, ''),
      historySyncUrl: historySyncUrl ?? current.historySyncUrl,
      gatewayHost: current.gatewayHost,
    });
    // SDK 5.5 is loaded in every process (Mailroom's enums are its objects); code that uses it directly beside this
    // adapter (raw SDK 5 peers in tests and benches) reaches the same node through its ApiUrls table.
    if ((SDK5_ENVS as string[]).includes(env)) pointSdk5At(apiUrl, env, historySyncUrl);
  };

  return {
    envs,
    endpointsOf,
    backendFor,
    pointAt,
    async useNetwork(network: XmtpNetwork): Promise<void> {
      known(network.env);
      if (network.apiUrl) pointAt(network.apiUrl, network.env, network.historySyncUrl);
      const current = endpointsOf(network.env);
      endpoints.set(network.env, {
        ...current,
        historySyncUrl: network.historySyncUrl ?? current.historySyncUrl,
        gatewayHost: network.gatewayHost?.replace(/\/+$/, ''),
      });
      // Built now, so a network the SDK refuses (a decentralized one without a gateway host) fails the start.
      await backendFor(network.env);
    },
    clientNetworkOptions: (env: XmtpEnv, apiUrl?: string) => {
      const current = endpointsOf(known(env));
      // Typed as SDK 5.5 declares ClientOptions; SDK 6's `env` also takes the decentralized names.
      return { env: env as 'local', apiUrl: apiUrl ?? current.apiUrl, gatewayHost: current.gatewayHost };
    },
  };
}

function createSdk6Adapter(
  sdk: XmtpSdkModule & Sdk6Statics,
  bindings: Bindings6,
  installed: { '@xmtp/node-sdk': string; '@xmtp/node-bindings': string },
): Omit<XmtpSdkAdapter, 'limitClientDatabasePool' | 'bundledSqlite'> {
  const networks = sdk6Networks(sdk as unknown as Sdk6Network);
  const { backendFor } = networks;

  // As in SDK 5.5: the SDK's `libxmtpVersion` getter (client) and `id` getter (conversation) each call one bindings
  // method synchronously on the private bindings object, so a wrapper on that prototype method observes it.
  /* eslint-disable @typescript-eslint/no-this-alias -- the wrappers keep the native object the SDK calls them on */
  let observedClient: NativeClient | undefined;
  let observedConversation: NativeConversation | undefined;
  const libxmtpVersion = bindings.Client.prototype.libxmtpVersion;
  bindings.Client.prototype.libxmtpVersion = function (this: NativeClient): string {
    observedClient = this;
    return libxmtpVersion.call(this);
  };
  const conversationId = bindings.Conversation.prototype.id;
  bindings.Conversation.prototype.id = function (this: NativeConversation): string {
    observedConversation = this;
    return conversationId.call(this);
  };
  const nativeClientOf = (client: { libxmtpVersion?: string }): NativeClient => {
    observedClient = undefined;
    void client.libxmtpVersion;
    const native = observedClient as NativeClient | undefined;
    observedClient = undefined;
    if (!native) throw new Error('could not reach the native XMTP client (node-sdk 6 internals changed?)');
    return native;
  };
  const nativeConversationOf = (conversation: { id: string }): NativeConversation => {
    observedConversation = undefined;
    void conversation.id;
    const native = observedConversation as NativeConversation | undefined;
    observedConversation = undefined;
    if (!native) throw new Error('could not reach the native XMTP conversation (node-sdk 6 internals changed?)');
    return native;
  };

  return {
    major: 6,
    version: installed['@xmtp/node-sdk'],
    bindingsVersion: installed['@xmtp/node-bindings'],
    sdk,
    envs: networks.envs,
    useNetwork: networks.useNetwork,
    pointAt: networks.pointAt,
    endpoints: networks.endpointsOf,
    clientNetworkOptions: networks.clientNetworkOptions,
    fetchInboxStates: async (inboxIds, env) => sdk.Client.fetchInboxStates(inboxIds, await backendFor(env)),
    getInboxIdForIdentifier: async (identifier, env) => sdk.getInboxIdForIdentifier(await backendFor(env), identifier),
    revokeInstallations: async (signer, inboxId, installationIds, env) =>
      sdk.Client.revokeInstallations(signer, inboxId, installationIds, await backendFor(env)),
    closeClientDatabase: (client) => nativeClientOf(client).releaseDbConnection(),
    decodeStreamedTextWithoutRereading: () =>
      decodeStreamedTextWithoutRereading({
        nativeConversations: bindings.Conversations,
        sdkConversations: sdk.Conversations,
        decodedMessage: sdk.DecodedMessage,
      }),
    findRawMessages: (conversation, options) => nativeConversationOf(conversation).listMessages(options),
    revokeInstallationsRequest: async (node, identifier, inboxId, installationIds) =>
      bindings.revokeInstallationsSignatureRequest(
        await backendFor(node.env, node.apiUrl ?? networks.endpointsOf(node.env).apiUrl),
        identifier,
        inboxId,
        installationIds,
      ),
    applySignedRequest: async (node, request) =>
      bindings.applySignatureRequest(
        await backendFor(node.env, node.apiUrl ?? networks.endpointsOf(node.env).apiUrl),
        request,
      ),
  };
}
