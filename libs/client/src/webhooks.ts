import type { webhooks } from './generated/openapi.js';

/** Webhook event types the gateway sends. */
export type WebhookEventType = keyof webhooks;
/** The JSON body of one webhook event type. */
export type WebhookEventOf<T extends WebhookEventType> = webhooks[T]['post'] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;
/** Any webhook event, discriminated by `type`. */
export type WebhookEvent = { [T in WebhookEventType]: WebhookEventOf<T> }[WebhookEventType];

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** Oldest (and furthest in the future) timestamp accepted, in seconds; default 300. */
  toleranceSeconds?: number;
  /** The current time in ms (tests). */
  now?: number;
}

/** The request's signature is missing, does not match, or its timestamp is outside the tolerance. */
export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

const encoder = new TextEncoder();
// Spelled through `crypto.subtle` so the file also type-checks with Node's types alone (no DOM lib).
type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
type Bytes = Parameters<typeof crypto.subtle.verify>[2];

/**
 * Checks a webhook request's signature and returns its typed event, or throws WebhookVerificationError.
 * Prefers the Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`) and falls back to
 * `Mailroom-Timestamp` + `Mailroom-Signature`. Pass the body exactly as received (string or bytes), before JSON parsing.
 * Uses Web Crypto, so it runs in browsers, Node 20+, Deno, Bun and edge runtimes.
 */
export async function verifyWebhook(
  secret: string,
  headers: WebhookHeaders,
  rawBody: string | Uint8Array,
  options: VerifyWebhookOptions = {},
): Promise<WebhookEvent> {
  const header = headerReader(headers);
  const body = typeof rawBody === 'string' ? encoder.encode(rawBody) : rawBody;
  const id = header('webhook-id');
  const standardSignature = header('webhook-signature');
  if (id && standardSignature) {
    const timestamp = checkTimestamp(header('webhook-timestamp'), options);
    const key = await hmacKey(standardKeyBytes(secret));
    const signed = concat(encoder.encode(`${id}.${timestamp}.`), body);
    const candidates = standardSignature
      .split(' ')
      .map((part) => part.trim())
      .filter((part) => part.startsWith('v1,'))
      .map((part) => part.slice(3));
    if (!(await anyMatches(key, signed, candidates.map(base64ToBytes))))
      throw new WebhookVerificationError('webhook-signature does not match the body');
    return parse(body);
  }
  const mailroomSignature = header('mailroom-signature');
  if (mailroomSignature) {
    const timestamp = checkTimestamp(header('mailroom-timestamp'), options);
    const key = await hmacKey(encoder.encode(secret));
    const signed = concat(encoder.encode(`${timestamp}.`), body);
    const candidates = mailroomSignature
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.startsWith('v1='))
      .map((part) => hexToBytes(part.slice(3)));
    if (!(await anyMatches(key, signed, candidates)))
      throw new WebhookVerificationError('Mailroom-Signature does not match the body');
    return parse(body);
  }
  throw new WebhookVerificationError('no webhook-signature or Mailroom-Signature header');
}

function headerReader(headers: WebhookHeaders): (name: string) => string | undefined {
  if (typeof (headers as Headers).get === 'function') return (name) => (headers as Headers).get(name) ?? undefined;
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : v]));
  return (name) => lower.get(name) ?? undefined;
}

function checkTimestamp(value: string | undefined, options: VerifyWebhookOptions): number {
  const timestamp = Number(value);
  if (!value || !Number.isInteger(timestamp))
    throw new WebhookVerificationError('missing or malformed timestamp header');
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - timestamp) > (options.toleranceSeconds ?? 300))
    throw new WebhookVerificationError('timestamp outside the tolerance');
  return timestamp;
}

/** The HMAC key of a `whsec_` secret: its base64 part decoded (the URL-safe alphabet of older secrets too). */
function standardKeyBytes(secret: string): Uint8Array {
  const key = base64ToBytes(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
  if (key.length === 0) throw new WebhookVerificationError('the webhook secret decodes to an empty key');
  return key;
}

function hmacKey(raw: Uint8Array): Promise<HmacKey> {
  return crypto.subtle.importKey('raw', raw as Bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
}

/** crypto.subtle.verify compares in constant time. */
async function anyMatches(key: HmacKey, signed: Uint8Array, candidates: (Uint8Array | null)[]): Promise<boolean> {
  for (const candidate of candidates) {
    if (
      candidate &&
      candidate.length === 32 &&
      (await crypto.subtle.verify('HMAC', key, candidate as Bytes, signed as Bytes))
    )
      return true;
  }
  return false;
}

function parse(body: Uint8Array): WebhookEvent {
  try {
    return JSON.parse(new TextDecoder().decode(body)) as WebhookEvent;
  } catch {
    throw new WebhookVerificationError('the signed body is not JSON');
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function base64ToBytes(value: string): Uint8Array {
  try {
    const binary = atob(
      value
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .replace(/=+$/, '')
        .padEnd(Math.ceil(value.replace(/=+$/, '').length / 4) * 4, '='),
    );
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return new Uint8Array();
  }
}

function hexToBytes(hex: string): Uint8Array | null {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return null;
  return Uint8Array.from(hex.match(/../g)!, (byte) => parseInt(byte, 16));
}
