import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks (https://www.standardwebhooks.com): `webhook-signature: v1,<base64 HMAC-SHA256>` over
 * `${id}.${timestamp}.${body}`, keyed with the base64-decoded part of the secret after `whsec_`.
 */
export const STANDARD_SECRET_PREFIX = 'whsec_';
export const STANDARD_SIGNATURE_VERSION = 'v1';

/**
 * The HMAC key of a `whsec_` secret. Node's base64 decoder also accepts the URL-safe alphabet, so secrets issued
 * before Mailroom used standard base64 (base64url, with `-` or `_`) sign the same way here; strict verifiers
 * (the `standardwebhooks` and `svix` packages) reject those secrets, and their owners rotate them.
 */
export function standardSecretKey(secret: string): Buffer {
  const encoded = secret.startsWith(STANDARD_SECRET_PREFIX) ? secret.slice(STANDARD_SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw new Error('the webhook secret decodes to an empty key');
  return key;
}

/** True when strict Standard Webhooks verifiers can decode this secret (standard base64 alphabet only). */
export function isStrictStandardSecret(secret: string): boolean {
  return /^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret);
}

/** One `v1,<base64>` signature of a message. */
export function signStandardWebhook(secret: string, id: string, timestamp: number, body: string | Buffer): string {
  const mac = createHmac('sha256', standardSecretKey(secret))
    .update(`${id}.${timestamp}.`)
    .update(body)
    .digest('base64');
  return `${STANDARD_SIGNATURE_VERSION},${mac}`;
}

/** The `webhook-signature` value: one signature per secret, space-separated (several during a rotation's overlap). */
export function standardSignatureHeader(
  secrets: readonly string[],
  id: string,
  timestamp: number,
  body: string | Buffer,
): string {
  return secrets.map((secret) => signStandardWebhook(secret, id, timestamp, body)).join(' ');
}

export interface VerifyStandardWebhookInput {
  readonly secret: string;
  readonly id: string;
  readonly timestamp: string | number;
  readonly rawBody: string | Buffer;
  readonly signatureHeader: string;
  readonly toleranceSeconds?: number;
  readonly now?: number;
}

/** True when one of the space-separated signatures matches and the timestamp is within tolerance (default 300 s). */
export function verifyStandardWebhook(input: VerifyStandardWebhookInput): boolean {
  const timestamp = Number(input.timestamp);
  if (!Number.isInteger(timestamp)) return false;
  const nowSeconds = Math.floor((input.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - timestamp) > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signStandardWebhook(input.secret, input.id, timestamp, input.rawBody));
  return input.signatureHeader
    .split(' ')
    .map((part) => Buffer.from(part.trim()))
    .some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
}
