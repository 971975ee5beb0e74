import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiKey, signUpTenant } from '../support/factories.js';
import type { TestGateway } from '../support/gateway.js';
import { caller, createStage, type Stage } from '../wallets/support.js';

/**
 * Scopes mean what they say: an identity token reaches the identity's messaging routes, so only a credential that
 * could message may mint one; push topics and their HMAC keys are `webhooks` material and never an identity token's.
 */
let stage: Stage;
let gateway: TestGateway;
let adminToken = '';
let identityId = '';
const as = (credential: string) =>
  caller(
    () => gateway.url,
    () => credential,
  );

beforeAll(async () => {
  stage = await createStage('scopes');
  gateway = await stage.startGateway();
  const tenant = await signUpTenant(gateway);
  adminToken = tenant.adminToken;
  const created = await as(adminToken)('POST', '/v1/identities', { label: 'scoped' });
  expect(created.status).toBe(201);
  identityId = created.body.id;
});

afterAll(async () => {
  await gateway?.stop();
  await stage?.close();
});

describe('minting an identity token', () => {
  it('needs the messages scope: an identities-only key is refused', async () => {
    const identitiesOnly = await createApiKey(gateway, adminToken, ['identities']);
    const res = await as(identitiesOnly.key)('POST', `/v1/identities/${identityId}/tokens`, { ttlSeconds: 60 });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'messages' });
  });

  it('works with a key that holds messages, and the token reaches messaging routes', async () => {
    const messaging = await createApiKey(gateway, adminToken, ['identities', 'messages']);
    const res = await as(messaging.key)('POST', `/v1/identities/${identityId}/tokens`, { ttlSeconds: 60 });
    expect(res.status).toBe(201);
    const conversations = await as(res.body.token)('GET', `/v1/identities/${identityId}/conversations`);
    expect(conversations.status).toBe(200);
  });
});

describe('push topics and HMAC keys', () => {
  it('are refused to an identity token, whoever minted it', async () => {
    const minted = await as(adminToken)('POST', `/v1/identities/${identityId}/tokens`, { ttlSeconds: 60 });
    expect(minted.status).toBe(201);
    const res = await as(minted.body.token)('GET', `/v1/identities/${identityId}/push-topics`);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });

  it('need the webhooks scope on an API key', async () => {
    const messaging = await createApiKey(gateway, adminToken, ['identities', 'messages']);
    expect((await as(messaging.key)('GET', `/v1/identities/${identityId}/push-topics`)).status).toBe(403);
    const webhooks = await createApiKey(gateway, adminToken, ['webhooks']);
    const res = await as(webhooks.key)('GET', `/v1/identities/${identityId}/push-topics`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ identityId, welcomeTopic: expect.any(String), conversations: expect.any(Array) });
  });
});
