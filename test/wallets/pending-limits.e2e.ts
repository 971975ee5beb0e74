import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import { createApiKey, signUpTenant } from '../support/factories.js';
import type { TestGateway } from '../support/gateway.js';
import { caller, createStage, type Stage } from './support.js';

/**
 * Wallet signature requests wait for a wallet that may never answer, each holding a built XMTP client: a tenant may
 * keep only so many waiting, and so may a process, so nobody can fill a replica with them.
 */
let stage: Stage;
let gateway: TestGateway;
const keys: Record<'a' | 'b', string> = { a: '', b: '' };
const callAs = (tenant: 'a' | 'b') =>
  caller(
    () => gateway.url,
    () => keys[tenant],
  );

beforeAll(async () => {
  stage = await createStage('wallet-limits');
  gateway = await stage.startGateway({ WALLET_PENDING_PER_TENANT: '2', WALLET_PENDING_PER_PROCESS: '3' });
  for (const tenant of ['a', 'b'] as const)
    keys[tenant] = (await createApiKey(gateway, (await signUpTenant(gateway)).adminToken)).key;
});

afterAll(async () => {
  await gateway?.stop();
  await stage?.close();
});

const walletOwned = () => ({ signer: { type: 'eoa', address: privateKeyToAddress(generatePrivateKey()) } });

describe('pending wallet signature requests', () => {
  it('are capped per tenant (409) and per process (503), and a refusal leaves nothing behind', async () => {
    for (let i = 0; i < 2; i++) expect((await callAs('a')('POST', '/v1/identities', walletOwned())).status).toBe(202);
    const overTenant = await callAs('a')('POST', '/v1/identities', walletOwned());
    expect(overTenant.status).toBe(409);
    expect(overTenant.body).toMatchObject({ code: 'CONFLICT', limit: 'pending_signatures' });

    // Tenant b has room of its own, but the process holds 3 requests after its first.
    expect((await callAs('b')('POST', '/v1/identities', walletOwned())).status).toBe(202);
    const overProcess = await callAs('b')('POST', '/v1/identities', walletOwned());
    expect(overProcess.status).toBe(503);
    expect(overProcess.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });

    expect((await callAs('a')('GET', '/v1/identities')).body.items).toHaveLength(2);
    expect((await callAs('b')('GET', '/v1/identities')).body.items).toHaveLength(1);
  });
});
