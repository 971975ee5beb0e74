import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { verifyMailroomSignature } from './signature.js';
import {
  isStrictStandardSecret,
  signStandardWebhook,
  standardSecretKey,
  verifyStandardWebhook,
} from './standard-webhooks.js';
import { webhookHeaders } from './webhook-headers.js';

const body = '{"id":"evt_1","type":"message.received","data":{"text":"héllo"}}';
const standardSecret = () => 'whsec_' + randomBytes(32).toString('base64');
/** A pre-change secret: base64url with at least one `-` or `_`. */
function legacySecret(): string {
  for (;;) {
    const encoded = randomBytes(32).toString('base64url');
    if (/[-_]/.test(encoded)) return 'whsec_' + encoded;
  }
}

describe('Standard Webhooks signatures', () => {
  it('signs exactly as the standardwebhooks package does (v1,<base64>)', () => {
    const secret = standardSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const theirs = new StandardWebhook(secret).sign('evt_1', new Date(timestamp * 1000), body);
    expect(signStandardWebhook(secret, 'evt_1', timestamp, body)).toBe(theirs);
    expect(theirs).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('builds headers that standardwebhooks, svix and the Mailroom verifier all accept, with every secret of a rotation', () => {
    const [current, previous] = [standardSecret(), standardSecret()];
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders({ eventId: 'evt_1', attempt: 2, body, secrets: [current, previous], timestamp });
    expect(headers['webhook-id']).toBe('evt_1');
    expect(headers['webhook-timestamp']).toBe(String(timestamp));
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(headers['mailroom-event-id']).toBe('evt_1');
    expect(headers['mailroom-attempt']).toBe('2');
    for (const secret of [current, previous]) {
      expect(new StandardWebhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
      expect(new SvixWebhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
      expect(
        verifyMailroomSignature({ secret, timestamp, rawBody: body, signatureHeader: headers['mailroom-signature'] }),
      ).toBe(true);
      expect(
        verifyStandardWebhook({
          secret,
          id: 'evt_1',
          timestamp,
          rawBody: body,
          signatureHeader: headers['webhook-signature'],
        }),
      ).toBe(true);
    }
    const stranger = standardSecret();
    expect(() => new StandardWebhook(stranger).verify(body, headers)).toThrow();
    expect(() => new SvixWebhook(stranger).verify(body, headers)).toThrow();
    expect(() => new StandardWebhook(current).verify(body.replace('evt_1', 'evt_2'), headers)).toThrow();
    expect(Object.values(headers).join('\n')).not.toContain(current.slice(6));
  });

  it('decodes a legacy base64url secret leniently: the same key as its standard-base64 spelling, which strict verifiers accept', () => {
    const legacy = legacySecret();
    const key = standardSecretKey(legacy);
    expect(key).toHaveLength(32);
    const standardSpelling = 'whsec_' + key.toString('base64');
    expect(isStrictStandardSecret(legacy)).toBe(false);
    expect(isStrictStandardSecret(standardSpelling)).toBe(true);
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders({ eventId: 'evt_9', attempt: 1, body, secrets: [legacy], timestamp });
    expect(() => new StandardWebhook(legacy)).toThrow();
    expect(new StandardWebhook(standardSpelling).verify(body, headers)).toEqual(JSON.parse(body));
    expect(
      verifyMailroomSignature({
        secret: legacy,
        timestamp,
        rawBody: body,
        signatureHeader: headers['mailroom-signature'],
      }),
    ).toBe(true);
  });

  it('rejects stale timestamps and refuses an empty secret', () => {
    const secret = standardSecret();
    const now = 1_800_000_000_000;
    const timestamp = now / 1000;
    const signatureHeader = signStandardWebhook(secret, 'evt_1', timestamp, body);
    expect(verifyStandardWebhook({ secret, id: 'evt_1', timestamp, rawBody: body, signatureHeader, now })).toBe(true);
    expect(
      verifyStandardWebhook({ secret, id: 'evt_1', timestamp, rawBody: body, signatureHeader, now: now + 301_000 }),
    ).toBe(false);
    expect(verifyStandardWebhook({ secret, id: 'evt_2', timestamp, rawBody: body, signatureHeader, now })).toBe(false);
    expect(() => standardSecretKey('whsec_')).toThrow();
  });
});
