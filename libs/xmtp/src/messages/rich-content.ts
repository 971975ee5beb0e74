// The JSON Mailroom shows for XMTP's structured content types, and the conversions to and from the SDK's values.
// One shape serves both directions: what a client sends is what a recipient's message view shows (bytes as
// base64, times as ISO 8601, enums as their lowercase names).
import {
  ActionStyle,
  type Actions,
  type Attachment,
  type Intent,
  type RemoteAttachment,
  type TransactionReference,
  type WalletSendCalls,
} from '@xmtp/node-sdk';

/** `xmtp.org/transactionReference:1.0`: an onchain transaction, by hash. */
export interface TransactionReferenceJson {
  /** CAIP-2 namespace of `networkId`, e.g. `eip155`. */
  namespace?: string;
  /** The chain, decimal or hexadecimal (`8453`, `0x2105`). */
  networkId: string;
  /** The transaction hash. */
  reference: string;
  metadata?: {
    transactionType: string;
    currency: string;
    /** In the currency's smallest unit unless `decimals` says otherwise. */
    amount: number;
    decimals: number;
    fromAddress: string;
    toAddress: string;
  };
}

export interface WalletCallJson {
  to?: string;
  data?: string;
  value?: string;
  gas?: string;
  /** e.g. `description`, `transactionType`. */
  metadata?: Record<string, string>;
}

/** `xmtp.org/walletSendCalls:1.0`: calls for the recipient's wallet to send (EIP-5792 `wallet_sendCalls`). */
export interface WalletSendCallsJson {
  version: string;
  /** Hexadecimal chain id, e.g. `0x2105`. */
  chainId: string;
  from: string;
  calls: WalletCallJson[];
  capabilities?: Record<string, string>;
}

export type ActionStyleName = 'primary' | 'secondary' | 'danger';

export interface ActionJson {
  id: string;
  label: string;
  imageUrl?: string;
  style?: ActionStyleName;
  /** ISO 8601. */
  expiresAt?: string;
}

/** `coinbase.com/actions:1.0`: buttons the recipient may pick from; a pick comes back as an intent. */
export interface ActionsJson {
  id: string;
  description: string;
  actions: ActionJson[];
  /** ISO 8601. */
  expiresAt?: string;
}

export type IntentMetadataValue = string | number | boolean | null;

/** `coinbase.com/intent:1.0`: the action picked from an actions message (`id` is the actions message's `id`). */
export interface IntentJson {
  id: string;
  actionId: string;
  metadata?: Record<string, IntentMetadataValue>;
}

/** `xmtp.org/attachment:1.0`: a small file carried in the message itself. */
export interface AttachmentJson {
  filename?: string;
  mimeType: string;
  /** The file's bytes, base64. */
  data: string;
}

/** `xmtp.org/remoteStaticAttachment:1.0`: an encrypted file stored at `url`, with the key to open it. */
export interface RemoteAttachmentJson {
  url: string;
  /** SHA-256 of the encrypted payload, hex. */
  contentDigest: string;
  /** Base64 of the 32-byte secret. */
  secret: string;
  /** Base64 of the 32-byte salt. */
  salt: string;
  /** Base64 of the 12-byte nonce. */
  nonce: string;
  /** `https://` (or `http://`), the URL's scheme. */
  scheme: string;
  /** Bytes of the encrypted payload. */
  contentLength: number;
  filename?: string;
}

const STYLE_OF: Record<ActionStyleName, ActionStyle> = {
  primary: ActionStyle.Primary,
  secondary: ActionStyle.Secondary,
  danger: ActionStyle.Danger,
};
const STYLE_NAME: Record<number, ActionStyleName> = {
  [ActionStyle.Primary]: 'primary',
  [ActionStyle.Secondary]: 'secondary',
  [ActionStyle.Danger]: 'danger',
};

const NS_PER_MS = 1_000_000n;
const isoToNs = (iso: string): bigint => BigInt(Date.parse(iso)) * NS_PER_MS;
/** Undefined for a time outside what ISO 8601 dates can show (a peer may send any 64-bit value). */
const nsToIso = (ns: bigint): string | undefined => {
  const date = new Date(Number(ns / NS_PER_MS));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};
const bytes = (base64: string): Uint8Array => new Uint8Array(Buffer.from(base64, 'base64'));
const base64 = (value: Uint8Array | undefined): string => Buffer.from(value ?? new Uint8Array()).toString('base64');

/** Copies only the members that are set, so absent optional fields stay absent (not null) in the JSON. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}

export const actionsToSdk = (json: ActionsJson): Actions => ({
  id: json.id,
  description: json.description,
  actions: json.actions.map((action) =>
    defined({
      id: action.id,
      label: action.label,
      imageUrl: action.imageUrl,
      style: action.style === undefined ? undefined : STYLE_OF[action.style],
      expiresAtNs: action.expiresAt === undefined ? undefined : isoToNs(action.expiresAt),
    }),
  ),
  ...(json.expiresAt === undefined ? {} : { expiresAtNs: isoToNs(json.expiresAt) }),
});

export const actionsFromSdk = (sdk: Actions): ActionsJson =>
  defined({
    id: sdk.id,
    description: sdk.description,
    actions: (sdk.actions ?? []).map((action) =>
      defined({
        id: action.id,
        label: action.label,
        imageUrl: action.imageUrl,
        style: action.style === undefined || action.style === null ? undefined : STYLE_NAME[action.style],
        expiresAt:
          action.expiresAtNs === undefined || action.expiresAtNs === null ? undefined : nsToIso(action.expiresAtNs),
      }),
    ),
    expiresAt: sdk.expiresAtNs === undefined || sdk.expiresAtNs === null ? undefined : nsToIso(sdk.expiresAtNs),
  });

export const intentToSdk = (json: IntentJson): Intent =>
  defined({ id: json.id, actionId: json.actionId, metadata: json.metadata });
export const intentFromSdk = (sdk: Intent): IntentJson =>
  defined({
    id: sdk.id,
    actionId: sdk.actionId,
    metadata: sdk.metadata as Record<string, IntentMetadataValue> | undefined,
  });

export const transactionReferenceToSdk = (json: TransactionReferenceJson): TransactionReference =>
  defined({
    namespace: json.namespace,
    networkId: json.networkId,
    reference: json.reference,
    metadata: json.metadata && { ...json.metadata },
  });
export const transactionReferenceFromSdk = (sdk: TransactionReference): TransactionReferenceJson =>
  defined({
    namespace: sdk.namespace || undefined,
    networkId: String(sdk.networkId),
    reference: sdk.reference,
    metadata: sdk.metadata ? { ...sdk.metadata } : undefined,
  });

export const walletSendCallsToSdk = (json: WalletSendCallsJson): WalletSendCalls =>
  defined({
    version: json.version,
    chainId: json.chainId,
    from: json.from,
    calls: json.calls.map((call) => defined({ ...call })),
    capabilities: json.capabilities,
  });
export const walletSendCallsFromSdk = (sdk: WalletSendCalls): WalletSendCallsJson =>
  defined({
    version: sdk.version,
    chainId: sdk.chainId,
    from: sdk.from,
    calls: (sdk.calls ?? []).map((call) =>
      defined({ to: call.to, data: call.data, value: call.value, gas: call.gas, metadata: call.metadata }),
    ),
    capabilities: sdk.capabilities,
  });

export const attachmentToSdk = (json: AttachmentJson): Attachment =>
  defined({ filename: json.filename, mimeType: json.mimeType, content: bytes(json.data) });
export const attachmentFromSdk = (sdk: Attachment): AttachmentJson =>
  defined({ filename: sdk.filename || undefined, mimeType: sdk.mimeType, data: base64(sdk.content) });

export const remoteAttachmentToSdk = (json: RemoteAttachmentJson): RemoteAttachment =>
  defined({
    url: json.url,
    contentDigest: json.contentDigest,
    secret: bytes(json.secret),
    salt: bytes(json.salt),
    nonce: bytes(json.nonce),
    scheme: json.scheme,
    contentLength: json.contentLength,
    filename: json.filename,
  });
export const remoteAttachmentFromSdk = (sdk: RemoteAttachment): RemoteAttachmentJson =>
  defined({
    url: sdk.url,
    contentDigest: sdk.contentDigest,
    secret: base64(sdk.secret),
    salt: base64(sdk.salt),
    nonce: base64(sdk.nonce),
    scheme: sdk.scheme,
    // Optional in node-bindings 1.10 (SDK 6): a sender may leave it out.
    contentLength:
      sdk.contentLength === undefined || sdk.contentLength === null ? (undefined as never) : Number(sdk.contentLength),
    filename: sdk.filename || undefined,
  });
