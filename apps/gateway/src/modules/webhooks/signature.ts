import { createHmac, timingSafeEqual } from 'node:crypto';

/** Scheme tag in `Mailroom-Signature: v1=<hex>`; a later scheme would add `v2=` beside it. */
export const SIGNATURE_SCHEME = 'v1';
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** `v1=<hex HMAC-SHA256(secret, timestamp + "." + rawBody)>`; the secret string (UTF-8) is the HMAC key. */
export function signMailroomPayload(secret: string, timestamp: number | string, rawBody: string | Buffer): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
  return `${SIGNATURE_SCHEME}=${mac}`;
}

export interface VerifyMailroomSignatureInput {
  readonly secret: string;
  /** The `Mailroom-Timestamp` header (unix seconds). */
  readonly timestamp: string | number;
  /** The body exactly as received, before any JSON parsing. */
  readonly rawBody: string | Buffer;
  /** The `Mailroom-Signature` header; several comma-separated `v1=` values are accepted. */
  readonly signatureHeader: string;
  /** Oldest (and furthest in the future) timestamp accepted, against replays; default 300. */
  readonly toleranceSeconds?: number;
  /** Current time in ms, for tests. */
  readonly now?: number;
}

/** True when the signature matches the body and timestamp and the timestamp is within tolerance. Constant-time compare. */
export function verifyMailroomSignature(input: VerifyMailroomSignatureInput): boolean {
  const timestamp = Number(input.timestamp);
  if (!Number.isInteger(timestamp)) return false;
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((input.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - timestamp) > tolerance) return false;
  const expected = Buffer.from(signMailroomPayload(input.secret, timestamp, input.rawBody));
  return input.signatureHeader
    .split(',')
    .map((part) => Buffer.from(part.trim()))
    .some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
}
