// Conformance: identities, inbox lookup and installations, with real SDK clients against the devnet.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDevnet, type Devnet } from '@mailroom/devnet';
import { eoaWallet } from '@mailroom/xmtp';
import { Client } from '@xmtp/node-sdk';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';

describe('devnet conformance: identity', () => {
  let devnet: Devnet;
  let peers: TestClients;

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0 });
    peers = await createTestClients(devnet.url, 2);
  });

  afterAll(async () => {
    await peers?.cleanup();
    await devnet?.stop();
  });

  it('creates an identity whose inbox state lists its address and installation', async () => {
    const [alice] = peers.clients;
    expect(alice!.inboxId).toMatch(/^[0-9a-f]{64}$/);
    const state = await alice!.client.preferences.fetchInboxState();
    expect(state.inboxId).toBe(alice!.inboxId);
    expect(state.identifiers.map((id) => id.identifier)).toEqual([alice!.wallet.address]);
    expect(state.installations.map((installation) => installation.id)).toEqual([alice!.installationId]);
  });

  it('answers canMessage and inbox lookups for known and unknown addresses', async () => {
    const [alice, bob] = peers.clients;
    const stranger = eoaWallet();
    const reachable = await alice!.client.canMessage([bob!.wallet.identifier, stranger.identifier]);
    expect(reachable.get(bob!.wallet.address)).toBe(true);
    expect(reachable.get(stranger.address)).toBe(false);

    const staticReachable = await Client.canMessage([alice!.wallet.identifier], 'local');
    expect(staticReachable.get(alice!.wallet.address)).toBe(true);

    expect(await alice!.client.fetchInboxIdByIdentifier(bob!.wallet.identifier)).toBe(bob!.inboxId);
    expect(await alice!.client.fetchInboxIdByIdentifier(stranger.identifier)).toBeNull();
  });

  it('adds a second installation of one inbox and revokes it', async () => {
    const [alice, bob] = peers.clients;
    const aliceLaptop = await peers.add(alice!.wallet);
    expect(aliceLaptop.inboxId).toBe(alice!.inboxId);
    expect(aliceLaptop.installationId).not.toBe(alice!.installationId);

    const [seenByBob] = await bob!.client.preferences.fetchInboxStates([alice!.inboxId]);
    expect(seenByBob!.installations.map((i) => i.id).sort()).toEqual(
      [alice!.installationId, aliceLaptop.installationId].sort(),
    );

    await alice!.client.revokeInstallations([aliceLaptop.client.installationIdBytes!]);
    const [afterRevoke] = await bob!.client.preferences.fetchInboxStates([alice!.inboxId]);
    expect(afterRevoke!.installations.map((i) => i.id)).toEqual([alice!.installationId]);

    // A DM created after the revocation reaches only the remaining installation.
    const dm = await bob!.client.conversations.createDm(alice!.inboxId);
    await dm.sendText('after revoke');
    await alice!.client.conversations.sync();
    expect(await alice!.client.conversations.getDmByInboxId(bob!.inboxId)).toBeDefined();
  });
});
