import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { signMailroomPayload, verifyMailroomSignature } from './signature.js';
import { nextAttemptAt, retryDelayMs } from './retry-schedule.js';

const secret = 'whsec_test';
const body = '{"id":"evt_1","type":"message.received"}';
const now = 1_800_000_000_000;
const timestamp = Math.floor(now / 1000);

describe('Mailroom webhook signatures', () => {
  it('is v1=hex HMAC-SHA256 of "timestamp.body" keyed by the secret', () => {
    const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    expect(signMailroomPayload(secret, timestamp, body)).toBe(`v1=${expected}`);
  });

  it('verifies a good signature and rejects a tampered body, another secret, a stale or future timestamp', () => {
    const signatureHeader = signMailroomPayload(secret, timestamp, body);
    expect(verifyMailroomSignature({ secret, timestamp, rawBody: body, signatureHeader, now })).toBe(true);
    expect(
      verifyMailroomSignature({
        secret,
        timestamp: String(timestamp),
        rawBody: Buffer.from(body),
        signatureHeader,
        now,
      }),
    ).toBe(true);
    expect(
      verifyMailroomSignature({ secret, timestamp, rawBody: body.replace('evt_1', 'evt_2'), signatureHeader, now }),
    ).toBe(false);
    expect(verifyMailroomSignature({ secret: 'whsec_other', timestamp, rawBody: body, signatureHeader, now })).toBe(
      false,
    );
    expect(verifyMailroomSignature({ secret, timestamp: timestamp + 1, rawBody: body, signatureHeader, now })).toBe(
      false,
    );
    expect(verifyMailroomSignature({ secret, timestamp, rawBody: body, signatureHeader, now: now + 301_000 })).toBe(
      false,
    );
    expect(verifyMailroomSignature({ secret, timestamp, rawBody: body, signatureHeader, now: now - 301_000 })).toBe(
      false,
    );
    expect(verifyMailroomSignature({ secret, timestamp, rawBody: body, signatureHeader: 'v1=deadbeef', now })).toBe(
      false,
    );
    expect(verifyMailroomSignature({ secret, timestamp: 'soon', rawBody: body, signatureHeader, now })).toBe(false);
  });

  it('accepts any of several comma-separated signatures', () => {
    const header = `v1=${'0'.repeat(64)}, ${signMailroomPayload(secret, timestamp, body)}`;
    expect(verifyMailroomSignature({ secret, timestamp, rawBody: body, signatureHeader: header, now })).toBe(true);
  });
});

describe('retry schedule', () => {
  const policy = { baseMs: 1000, maxDelayMs: 60_000, windowMs: 86_400_000 };

  it('doubles from the base with equal jitter and caps the delay', () => {
    expect(retryDelayMs(policy, 1, () => 0)).toBe(500);
    expect(retryDelayMs(policy, 1, () => 1)).toBe(1000);
    expect(retryDelayMs(policy, 3, () => 0)).toBe(2000);
    expect(retryDelayMs(policy, 3, () => 1)).toBe(4000);
    expect(retryDelayMs(policy, 30, () => 1)).toBe(60_000);
    expect(retryDelayMs(policy, 10_000, () => 0.5)).toBe(45_000);
  });

  it('stops scheduling once the next attempt would leave the retry window', () => {
    const start = new Date(0);
    expect(nextAttemptAt(policy, 1, start, new Date(1000))).toBeInstanceOf(Date);
    expect(nextAttemptAt(policy, 5, start, new Date(86_400_000 - 10))).toBeUndefined();
  });

  it('keeps retrying for 24 hours with the defaults, about 30 attempts', () => {
    const defaults = { baseMs: 5000, maxDelayMs: 3_600_000, windowMs: 86_400_000 };
    let at = 0;
    let attempt = 1;
    while (at + retryDelayMs(defaults, attempt, () => 1) <= defaults.windowMs)
      at += retryDelayMs(defaults, attempt++, () => 1);
    expect(attempt).toBeGreaterThan(25);
    expect(attempt).toBeLessThan(40);
  });
});
