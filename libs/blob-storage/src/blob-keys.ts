import { randomBytes } from 'node:crypto';

/** Random, URL-safe, unguessable blob names: 24 bytes of randomness, base64url. */
export function newBlobKey(): string {
  return randomBytes(24).toString('base64url');
}

const BLOB_KEY = /^[A-Za-z0-9_-]{16,128}$/;

export function isBlobKey(key: string): boolean {
  return BLOB_KEY.test(key);
}
