import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import { createApiKey, signUpTenant } from '../support/factories.js';
import type { TestGateway } from '../support/gateway.js';
import { caller, createStage, waitFor, type Stage } from './support.js';

/**
 * Wallet-owned identities: the viem account below stands in for the user's wallet (MetaMask, a WalletConnect
 * session…). It signs the text the gateway issues; the gateway never sees its key.
 */
let stage: Stage;
let gateway: TestGateway;
let peers: TestClients;
let apiKey = '';
const call = caller(
  () => gateway.url,
  () => apiKey,
);

const walletKey = generatePrivateKey();
const wallet = privateKeyToAccount(walletKey);
const lateKey = generatePrivateKey();
const lateWallet = privateKeyToAccount(lateKey);

beforeAll(async () => {
  stage = await createStage('wallets');
  gateway = await stage.startGateway();
  const tenant = await signUpTenant(gateway);
  apiKey = (await createApiKey(gateway, tenant.adminToken)).key;
  peers = await createTestClients(stage.devnet.url, 1);
});

afterAll(async () => {
  await peers?.cleanup();
  await gateway?.stop();
  await stage?.close();
});

describe('wallet-owned identities', () => {
  let identityId = '';
  let installationId = '';
  let pendingLateId = '';
  let staleLateText = '';

  it('creates an identity whose wallet signs in the browser, never in Mailroom', async () => {
    const started = await call('POST', '/v1/identities', {
      label: 'alice',
      signer: { type: 'eoa', address: wallet.address },
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      status: 'pending_signature',
      action: 'create',
      signer: { type: 'eoa', address: wallet.address.toLowerCase() },
    });
    expect(started.body.installationBudget).toEqual({ current: 0, afterSigning: 1, limit: 10, inboxExists: false });
    expect(started.body.signatureText).toContain(started.body.installationId);
    identityId = started.body.id;

    // Someone else's signature is refused before it reaches the network.
    const intruder = privateKeyToAccount(generatePrivateKey());
    const forged = await call('POST', `/v1/identities/${identityId}/signature`, {
      signature: await intruder.signMessage({ message: started.body.signatureText }),
    });
    expect(forged.status).toBe(422);
    expect(forged.body.detail).toContain('is not');

    const signature = await wallet.signMessage({ message: started.body.signatureText });
    const done = await call('POST', `/v1/identities/${identityId}/signature`, { signature });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      id: identityId,
      status: 'active',
      custody: 'wallet',
      address: wallet.address.toLowerCase(),
    });
    expect(done.body.installationId).toBe(started.body.installationId);
    installationId = done.body.installationId;

    const state = await call('GET', `/v1/identities/${identityId}`);
    expect(state.body.inboxState.installations.map((i: { id: string }) => i.id)).toEqual([installationId]);
  });

  it('DMs a raw SDK peer', async () => {
    const peer = peers.clients[0]!;
    const dm = await call('POST', `/v1/identities/${identityId}/conversations/dm`, { peer: peer.wallet.address });
    expect(dm.status).toBe(201);
    const sent = await call('POST', `/v1/identities/${identityId}/conversations/${dm.body.id}/messages`, {
      content: { type: 'text', text: 'gm from a wallet-owned inbox' },
    });
    expect(sent.status).toBe(201);
    await waitFor(async () => {
      await peer.client.conversations.sync();
      const conversation = await peer.client.conversations.getConversationById(dm.body.id);
      if (!conversation) return false;
      await conversation.sync();
      return (await conversation.messages()).some((m) => m.content === 'gm from a wallet-owned inbox');
    }, 'the peer to receive the message');
  });

  it('refuses a smart contract wallet signature the network cannot verify, naming why', async () => {
    const missingChain = await call('POST', '/v1/identities', { signer: { type: 'scw', address: lateWallet.address } });
    expect(missingChain.status).toBe(400);
    expect(JSON.stringify(missingChain.body)).toContain('chainId');

    const started = await call('POST', '/v1/identities', {
      label: 'safe',
      signer: { type: 'scw', address: lateWallet.address, chainId: 8453 },
    });
    expect(started.status).toBe(202);
    expect(started.body.signer).toEqual({ type: 'scw', address: lateWallet.address.toLowerCase(), chainId: 8453 });
    const refused = await call('POST', `/v1/identities/${started.body.id}/signature`, {
      signature: await lateWallet.signMessage({ message: started.body.signatureText }),
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('UNPROCESSABLE');
    expect(refused.body.detail).toMatch(/smart contract wallet/i);
    expect(refused.body.detail).toMatch(/did not verify/);
    expect(refused.body.detail).toContain('8453');
    const after = await call('GET', `/v1/identities/${started.body.id}`);
    expect(after.body.status).toBe('pending_signature');
    expect(after.body.inboxId === null || typeof after.body.inboxId === 'string').toBe(true);
    expect((await call('DELETE', `/v1/identities/${started.body.id}`)).status).toBe(204);

    // A pending EOA creation that the restart below will interrupt.
    const late = await call('POST', '/v1/identities', {
      label: 'late',
      signer: { type: 'eoa', address: lateWallet.address },
    });
    expect(late.status).toBe(202);
    pendingLateId = late.body.id;
    staleLateText = late.body.signatureText;
  });

  it('keeps working after a gateway restart without a new signature; a pending request is issued again', async () => {
    await gateway.stop();
    gateway = await stage.startGateway();

    const state = await call('GET', `/v1/identities/${identityId}`);
    expect(state.body.status).toBe('active');
    expect(state.body.inboxState.installations.map((i: { id: string }) => i.id)).toEqual([installationId]);
    const dm = await call('POST', `/v1/identities/${identityId}/conversations/dm`, {
      peer: peers.clients[0]!.wallet.address,
    });
    const sent = await call('POST', `/v1/identities/${identityId}/conversations/${dm.body.id}/messages`, {
      content: { type: 'text', text: 'still here' },
    });
    expect(sent.status).toBe(201);

    // The SDK kept the pending request in the stopped process's memory: the old text is gone, a new one is issued.
    const stale = await call('POST', `/v1/identities/${pendingLateId}/signature`, {
      signature: await lateWallet.signMessage({ message: staleLateText }),
    });
    expect(stale.status).toBe(409);
    expect(stale.body.detail).toMatch(/expired, or the gateway restarted/);
    const again = await call('POST', `/v1/identities/${pendingLateId}/signature-request`);
    expect(again.status).toBe(202);
    expect(again.body.signatureText).not.toBe(staleLateText);
    const done = await call('POST', `/v1/identities/${pendingLateId}/signature`, {
      signature: await lateWallet.signMessage({ message: again.body.signatureText }),
    });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('active');
  });

  it('revokes with a signature too: DELETE answers the text, the signature revokes and deletes', async () => {
    const started = await call('DELETE', `/v1/identities/${pendingLateId}`);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ action: 'revoke', status: 'pending_signature' });
    const done = await call('POST', `/v1/identities/${pendingLateId}/signature`, {
      signature: await lateWallet.signMessage({ message: started.body.signatureText }),
    });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('deleted');
    const [state] = await peers.clients[0]!.client.preferences.fetchInboxStates([done.body.inboxId]);
    expect(state?.installations ?? []).toHaveLength(0);
  });

  it('never stores either wallet key in Postgres or DATA_DIR', async () => {
    const needles = [walletKey, lateKey].flatMap((key) => {
      const hex = key.slice(2);
      const bytes = Buffer.from(hex, 'hex');
      return [hex, hex.toUpperCase(), bytes.toString('base64'), bytes.toString('base64url')];
    });
    const rawKeys = [walletKey, lateKey].map((key) => Buffer.from(key.slice(2), 'hex'));

    const client = new pg.Client({ connectionString: stage.database.url });
    await client.connect();
    try {
      const tables = await client.query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
      );
      for (const { tablename } of tables.rows) {
        const { rows } = await client.query(`SELECT t::text AS row FROM "${tablename}" t`);
        const dump = rows.map((r) => r.row as string).join('\n');
        for (const needle of needles) expect(dump.includes(needle)).toBe(false);
        for (const raw of rawKeys) expect(dump.includes(`\\x${raw.toString('hex')}`)).toBe(false);
      }
    } finally {
      await client.end();
    }

    const files = await listFiles(stage.env.DATA_DIR!);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const content = await readFile(file);
      for (const raw of rawKeys) expect(content.includes(raw)).toBe(false);
      const text = content.toString('latin1');
      for (const needle of needles) expect(text.includes(needle)).toBe(false);
    }
  });
});

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? listFiles(path.join(dir, entry.name)) : Promise.resolve([path.join(dir, entry.name)]),
    ),
  );
  return nested.flat();
}
