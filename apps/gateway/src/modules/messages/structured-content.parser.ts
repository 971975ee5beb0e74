import type {
  ActionJson,
  ActionsJson,
  AttachmentJson,
  IntentJson,
  IntentMetadataValue,
  RemoteAttachmentJson,
  TransactionReferenceJson,
  WalletCallJson,
  WalletSendCallsJson,
} from '@mailroom/xmtp';
import { sanitizeFilename } from '../attachments/filename.js';
import type { FieldReader } from './content-fields.js';

// Validation of the structured content types (transaction references, wallet calls, actions, intents, attachments),
// with the bounds XMTP's codecs and recipients' apps expect. Each reader records problems and returns its best effort.

/**
 * Largest inline attachment, in bytes of the file. XMTP keeps one message under about 1 MB after encoding and
 * encryption, and the base64 of 900 KiB (1.2 MB) fits the 2 MiB JSON body; larger files go as remote attachments.
 */
export const INLINE_ATTACHMENT_MAX_BYTES = 900 * 1024;
/** Actions per message: XMTP's actions codec refuses more than 10. */
export const MAX_ACTIONS = 10;
export const MAX_WALLET_CALLS = 50;
const MAX_MAP_ENTRIES = 50;
const ID = { max: 256 };
const LABEL = { max: 256 };
const DESCRIPTION = { max: 4096 };
const SHORT = { max: 64 };
const URL_MAX_BYTES = 2048;
const NO_SPACE = { max: 256, pattern: /^\S+$/, shape: 'a string without spaces' };
const ADDRESS = { max: 42, pattern: /^0x[0-9a-fA-F]{40}$/, shape: 'an address (0x + 40 hex)' };
const HEX_QUANTITY = { max: 66, pattern: /^0x[0-9a-fA-F]+$/, shape: 'a hex quantity (0x + hex digits)' };
const HEX_DATA = {
  max: 256 * 1024,
  pattern: /^0x(?:[0-9a-fA-F]{2})*$/,
  shape: 'hex data (0x + an even number of hex digits)',
};
const NAMESPACE = { max: 8, pattern: /^[-a-z0-9]{3,8}$/, shape: 'a CAIP-2 namespace such as eip155' };
const NETWORK_ID = { max: 64, pattern: /^[-_a-zA-Z0-9]+$/, shape: 'a chain id, decimal or hex (8453, 0x2105)' };
const MIME_TYPE = {
  max: 255,
  pattern: /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i,
  shape: 'a media type such as image/png',
};
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DIGEST = { max: 64, pattern: /^[0-9a-fA-F]{64}$/, shape: 'a SHA-256 digest (64 hex)' };
const ACTION_STYLES = ['primary', 'secondary', 'danger'] as const;

const isString = (value: unknown): value is string => typeof value === 'string';
const isIntentValue = (value: unknown): value is IntentMetadataValue =>
  value === null ||
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value));

function filename(reader: FieldReader): string | undefined {
  const value = reader.optionalString('filename', { max: 255 });
  if (value && sanitizeFilename(value) !== value)
    reader.fail(
      'filename',
      'must be a plain file name (no path, control characters, <>:"|?* or leading/trailing dots and spaces)',
    );
  return value;
}

/** The URL as given (so it reads back unchanged) and parsed; undefined when it is not an http(s) URL. */
function httpUrl(reader: FieldReader, field: string): { given: string; url: URL } | undefined {
  const given = reader.string(field, { max: URL_MAX_BYTES });
  if (!given) return undefined;
  const url = URL.canParse(given) ? new URL(given) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    reader.fail(field, 'must be an absolute https:// (or http://) URL without credentials');
    return undefined;
  }
  return { given, url };
}

/** Base64 of exactly `length` bytes, or of 1 to `max` bytes. */
function base64Bytes(reader: FieldReader, field: string, size: { length?: number; max?: number }): string {
  const value = reader.raw(field);
  if (typeof value !== 'string' || value === '' || !BASE64.test(value)) {
    reader.fail(field, 'must be standard base64 (with padding)');
    return '';
  }
  const bytes = Buffer.from(value, 'base64').length;
  if (size.length !== undefined && bytes !== size.length)
    reader.fail(field, `must be base64 of ${size.length} bytes; it holds ${bytes}`);
  if (size.max !== undefined && bytes > size.max)
    reader.fail(
      field,
      `holds ${bytes} bytes; the limit is ${size.max} bytes (send larger files as a remoteAttachment)`,
    );
  return value;
}

export function readTransactionReference(reader: FieldReader): TransactionReferenceJson {
  reader.rejectUnknown(['type', 'namespace', 'networkId', 'reference', 'metadata']);
  const networkId =
    typeof reader.raw('networkId') === 'number'
      ? String(reader.number('networkId', { integer: true, min: 0 }))
      : reader.string('networkId', NETWORK_ID);
  const content: TransactionReferenceJson = {
    namespace: reader.optionalString('namespace', NAMESPACE),
    networkId,
    reference: reader.string('reference', NO_SPACE),
  };
  const metadata = reader.optionalObject('metadata');
  if (metadata) {
    metadata.rejectUnknown(['transactionType', 'currency', 'amount', 'decimals', 'fromAddress', 'toAddress']);
    content.metadata = {
      transactionType: metadata.string('transactionType', SHORT),
      currency: metadata.string('currency', SHORT),
      amount: metadata.number('amount', { min: 0 }),
      decimals: metadata.number('decimals', { integer: true, min: 0, max: 255 }),
      fromAddress: metadata.string('fromAddress', NO_SPACE),
      toAddress: metadata.string('toAddress', NO_SPACE),
    };
  }
  return content;
}

export function readWalletSendCalls(reader: FieldReader): WalletSendCallsJson {
  reader.rejectUnknown(['type', 'version', 'chainId', 'from', 'calls', 'capabilities']);
  return {
    version: reader.string('version', SHORT),
    chainId: reader.string('chainId', HEX_QUANTITY),
    from: reader.string('from', ADDRESS),
    calls: reader.list('calls', MAX_WALLET_CALLS, (call): WalletCallJson => {
      call.rejectUnknown(['to', 'data', 'value', 'gas', 'metadata']);
      return {
        to: call.optionalString('to', ADDRESS),
        data: call.optionalString('data', HEX_DATA),
        value: call.optionalString('value', HEX_QUANTITY),
        gas: call.optionalString('gas', HEX_QUANTITY),
        metadata: call.optionalMap('metadata', MAX_MAP_ENTRIES, isString, 'strings'),
      };
    }),
    capabilities: reader.optionalMap('capabilities', MAX_MAP_ENTRIES, isString, 'strings'),
  };
}

export function readActions(reader: FieldReader): ActionsJson {
  reader.rejectUnknown(['type', 'id', 'description', 'actions', 'expiresAt']);
  const seen = new Map<string, number>();
  const actions = reader.list('actions', MAX_ACTIONS, (action, index): ActionJson => {
    action.rejectUnknown(['id', 'label', 'imageUrl', 'style', 'expiresAt']);
    const id = action.string('id', ID);
    const first = seen.get(id);
    if (id && first !== undefined)
      action.fail('id', `repeats the id of ${reader.at('actions')}.${first}; action ids must be unique`);
    else seen.set(id, index);
    return {
      id,
      label: action.string('label', LABEL),
      imageUrl: action.has('imageUrl') ? httpUrl(action, 'imageUrl')?.given : undefined,
      style: action.has('style') ? action.oneOf('style', ACTION_STYLES) : undefined,
      expiresAt: action.optionalTimestamp('expiresAt'),
    };
  });
  return {
    id: reader.string('id', ID),
    description: reader.string('description', DESCRIPTION),
    actions,
    expiresAt: reader.optionalTimestamp('expiresAt'),
  };
}

export function readIntent(reader: FieldReader): IntentJson {
  reader.rejectUnknown(['type', 'id', 'actionId', 'metadata']);
  return {
    id: reader.string('id', ID),
    actionId: reader.string('actionId', ID),
    metadata: reader.optionalMap('metadata', MAX_MAP_ENTRIES, isIntentValue, 'strings, numbers, booleans or nulls'),
  };
}

export function readAttachment(reader: FieldReader, maxBytes: number): AttachmentJson {
  reader.rejectUnknown(['type', 'filename', 'mimeType', 'data']);
  return {
    filename: filename(reader),
    mimeType: reader.string('mimeType', MIME_TYPE).toLowerCase(),
    data: base64Bytes(reader, 'data', { max: maxBytes }),
  };
}

export function readRemoteAttachment(reader: FieldReader): RemoteAttachmentJson {
  reader.rejectUnknown([
    'type',
    'url',
    'contentDigest',
    'secret',
    'salt',
    'nonce',
    'scheme',
    'contentLength',
    'filename',
  ]);
  const url = httpUrl(reader, 'url');
  const urlScheme = url ? `${url.url.protocol}//` : '';
  const scheme = reader.has('scheme') ? reader.oneOf('scheme', ['https://', 'http://'] as const) : urlScheme;
  if (url && reader.has('scheme') && scheme !== urlScheme)
    reader.fail('scheme', `must be the URL's scheme, ${urlScheme}`);
  return {
    url: url?.given ?? '',
    contentDigest: reader.string('contentDigest', DIGEST).toLowerCase(),
    secret: base64Bytes(reader, 'secret', { length: 32 }),
    salt: base64Bytes(reader, 'salt', { length: 32 }),
    nonce: base64Bytes(reader, 'nonce', { length: 12 }),
    scheme,
    contentLength: reader.number('contentLength', { integer: true, min: 1, max: 0xffff_ffff }),
    filename: filename(reader),
  };
}
