import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { signMailroomPayload } from '../../../apps/gateway/src/modules/webhooks/signature.js';
import { standardSignatureHeader } from '../../../apps/gateway/src/modules/webhooks/standard-webhooks.js';
import { verifyWebhook, WebhookVerificationError } from './webhooks.js';

const body = JSON.stringify({
  id: 'evt_1',
  type: 'webhook.test',
  createdAt: '2026-01-01T00:00:00.000Z',
  tenantId: 't',
  data: {},
});
const secret = () => `whsec_${randomBytes(24).toString('base64')}`;
const now = 1_800_000_000_000;
const ts = now / 1000;

function standardHeaders(secrets: string[], timestamp = ts, id = 'msg_1'): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': standardSignatureHeader(secrets, id, timestamp, body),
  };
}

describe('verifyWebhook', () => {
  it('accepts the gateway’s Standard Webhooks signature, from a Headers object or a plain record, string or bytes', async () => {
    const s = secret();
    await expect(verifyWebhook(s, standardHeaders([s]), body, { now })).resolves.toMatchObject({
      type: 'webhook.test',
    });
    await expect(
      verifyWebhook(s, new Headers(standardHeaders([s])), new TextEncoder().encode(body), { now }),
    ).resolves.toMatchObject({ id: 'evt_1' });
  });

  it('accepts either secret while a rotation signs with both', async () => {
    const [previous, next] = [secret(), secret()];
    const headers = standardHeaders([next, previous]);
    await expect(verifyWebhook(previous, headers, body, { now })).resolves.toBeDefined();
    await expect(verifyWebhook(next, headers, body, { now })).resolves.toBeDefined();
    await expect(verifyWebhook(secret(), headers, body, { now })).rejects.toBeInstanceOf(WebhookVerificationError);
  });

  it('accepts an older base64url secret the way the gateway signs with it', async () => {
    const legacy = `whsec_${randomBytes(30).toString('base64url')}`;
    await expect(verifyWebhook(legacy, standardHeaders([legacy]), body, { now })).resolves.toBeDefined();
  });

  it('falls back to Mailroom-Signature (comma-separated values) when no webhook-* headers came', async () => {
    const [a, b] = [secret(), secret()];
    const headers = {
      'Mailroom-Timestamp': String(ts),
      'Mailroom-Signature': `${signMailroomPayload(a, ts, body)}, ${signMailroomPayload(b, ts, body)}`,
    };
    await expect(verifyWebhook(b, headers, body, { now })).resolves.toMatchObject({ type: 'webhook.test' });
    await expect(verifyWebhook(b, headers, body.replace('evt_1', 'evt_2'), { now })).rejects.toThrow(
      'Mailroom-Signature does not match',
    );
  });

  it('refuses a stale or future timestamp, a changed id, and a request without signatures', async () => {
    const s = secret();
    await expect(verifyWebhook(s, standardHeaders([s], ts - 301), body, { now })).rejects.toThrow(
      'timestamp outside the tolerance',
    );
    await expect(verifyWebhook(s, standardHeaders([s], ts + 301), body, { now })).rejects.toThrow(
      'timestamp outside the tolerance',
    );
    await expect(
      verifyWebhook(s, standardHeaders([s], ts - 301), body, { now, toleranceSeconds: 600 }),
    ).resolves.toBeDefined();
    await expect(verifyWebhook(s, { ...standardHeaders([s]), 'webhook-id': 'msg_2' }, body, { now })).rejects.toThrow(
      'webhook-signature does not match',
    );
    await expect(verifyWebhook(s, { 'content-type': 'application/json' }, body, { now })).rejects.toThrow(
      'no webhook-signature or Mailroom-Signature header',
    );
  });
});
