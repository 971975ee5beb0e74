// Conformance: device sync across installations, client restarts, and devnet restarts with persistence.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDevnet, type Devnet } from '@mailroom/devnet';
import { ConsentEntityType, ConsentState } from '@mailroom/xmtp';
import { type DecodedMessage } from '@xmtp/node-sdk';
import { createTestClients, type TestClient, type TestClients } from '@mailroom/xmtp/testing';
import { call, rawXmtpClients, waitFor } from './support.js';

const textsOf = (messages: DecodedMessage[]) =>
  messages.filter((m) => typeof m.content === 'string').map((m) => m.content);

describe('devnet conformance: sync and restarts', () => {
  let dataDir: string;
  let devnet: Devnet;
  let peers: TestClients;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-devnet-'));
    devnet = await startDevnet({ port: 0, dataDir });
    peers = await createTestClients(devnet.url, 2);
  });

  afterAll(async () => {
    await peers?.cleanup();
    await devnet?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('syncs consent across two installations with device sync on', async () => {
    const [alice] = peers.clients;
    const bobPhone = await peers.add(undefined, { deviceSync: true });
    const bobLaptop = await peers.add(bobPhone.wallet, { deviceSync: true });
    await untilPreferenceUpdatesFlow(bobPhone, bobLaptop);

    const dm = await alice!.client.conversations.createDm(bobPhone.inboxId);
    await dm.sendText('spam?');
    await bobPhone.client.conversations.sync();
    await bobPhone.client.preferences.setConsentStates([
      { entityType: ConsentEntityType.GroupId, entity: dm.id, state: ConsentState.Denied },
      { entityType: ConsentEntityType.InboxId, entity: alice!.inboxId, state: ConsentState.Denied },
    ]);

    await waitFor(
      async () => {
        // The phone publishes to the shared sync group; the laptop reads it and its sync worker applies the update.
        await bobPhone.client.preferences.sync();
        await bobLaptop.client.conversations.syncAll();
        await bobLaptop.client.preferences.sync();
        return (
          (await bobLaptop.client.preferences.getConsentState(ConsentEntityType.InboxId, alice!.inboxId)) ===
            ConsentState.Denied &&
          (await bobLaptop.client.preferences.getConsentState(ConsentEntityType.GroupId, dm.id)) === ConsentState.Denied
        );
      },
      // Both waits fit in Jest's 120 s test timeout, so a failure names what never arrived.
      50_000,
      'consent to reach the second installation',
    );
  });

  it('reopens a client on its existing database (commit-log path) and keeps messaging', async () => {
    const [alice, bob] = peers.clients;
    const group = await alice!.client.conversations.createGroup([bob!.inboxId], { groupName: 'before restart' });
    await group.sendText('before restart');

    const reopened = await peers.reopen(alice!);
    expect(reopened.inboxId).toBe(alice!.inboxId);
    expect(reopened.installationId).toBe(alice!.installationId); // no new installation
    await reopened.client.conversations.syncAll();
    const again = (await reopened.client.conversations.getConversationById(group.id))!;
    expect(textsOf(await again.messages())).toEqual(['before restart']);
    await again.sendText('after restart');

    await bob!.client.conversations.sync();
    const bobGroup = (await bob!.client.conversations.getConversationById(group.id))!;
    await bobGroup.sync();
    expect(textsOf(await bobGroup.messages())).toEqual(['before restart', 'after restart']);

    // The client's commit-log worker publishes the group's commit log to the node.
    const raw = rawXmtpClients(devnet.url);
    try {
      await waitFor(
        async () => {
          await again.sync();
          const answer = await call(raw.mls, 'BatchQueryCommitLog', {
            requests: [
              { group_id: Buffer.from(group.id, 'hex'), paging_info: { direction: 'SORT_DIRECTION_ASCENDING' } },
            ],
          });
          return answer.responses[0].commit_log_entries?.length > 0;
        },
        20_000,
        'a published commit log entry',
      );
    } finally {
      raw.close();
    }
  });

  it('keeps all state across a devnet restart while clients keep their databases', async () => {
    const [alice, bob] = peers.clients;
    const dm = await alice!.client.conversations.createDm(bob!.inboxId);
    await dm.sendText('before devnet restart');
    const raw = rawXmtpClients(devnet.url);
    const lastIdBefore = await newestId(raw, dm.id);
    raw.close();

    const { port, historyPort } = devnet;
    await devnet.stop();
    devnet = await startDevnet({ port, dataDir, historyPort: historyPort ?? null });

    // Existing clients carry on; a fresh client still finds both inboxes.
    await dm.sendText('after devnet restart');
    await bob!.client.conversations.sync();
    const bobDm = bob!.client.conversations.getDmByInboxId(alice!.inboxId)!;
    await bobDm.sync();
    expect(textsOf(await bobDm.messages())).toEqual(
      expect.arrayContaining(['before devnet restart', 'after devnet restart']),
    );

    const reply = await bobDm.sendText('reply after devnet restart');
    expect(reply).toBeTruthy();
    await dm.sync();
    expect(textsOf(await dm.messages())).toContain('reply after devnet restart');

    const newcomer = await peers.add();
    expect(await newcomer.client.fetchInboxIdByIdentifier(alice!.wallet.identifier)).toBe(alice!.inboxId);
    const [state] = await newcomer.client.preferences.fetchInboxStates([bob!.inboxId]);
    expect(state!.installations.map((i) => i.id)).toEqual([bob!.installationId]);

    // Ids continue after the restart instead of starting over.
    const rawAfter = rawXmtpClients(devnet.url);
    try {
      expect(await newestId(rawAfter, dm.id)).toBeGreaterThan(lastIdBefore);
    } finally {
      rawAfter.close();
    }
  });
});

/**
 * Waits until a preference update that `from` sends reaches `to`, i.e. until both installations are members of the
 * sync group `from` sends preference updates to. Consent changed before that point never reaches `to`. Why, in
 * libxmtp 1.9 (xmtp_mls groups/device_sync):
 * - each installation's sync worker creates its own sync group, with every installation of the inbox known at
 *   that moment, in the background after Client.create has returned (0.1-0.5 s later here), and welcomes the others;
 * - a preference update goes only to the sender's primary sync group, the newest one in its own database;
 * - the phone is created first, so its first sync group holds only itself; the phone joins the laptop's group (which
 *   then becomes its primary) only once the laptop's worker has created it AND the phone has synced the welcome;
 * - an installation added to a group later cannot read what was sent before (MLS), and a new installation is added
 *   to other groups, never to existing sync groups; earlier state reaches it only through a history-sync archive.
 * So a consent change sent before the phone joined the laptop's group lands in a group of one and is lost to the
 * laptop for good (the old flake: ~1 run in 3 never converged). libxmtp's own device-sync tests wait the same way
 * (their test_has_same_sync_group_as) before changing consent. The probes are consent for throwaway inbox ids, so
 * they cannot satisfy the test's own assertion.
 */
async function untilPreferenceUpdatesFlow(from: TestClient, to: TestClient): Promise<void> {
  const probes: string[] = [];
  await waitFor(
    async () => {
      await from.client.preferences.sync(); // picks up welcomes to sync groups, so a probe goes to the newest one
      const probe = randomBytes(32).toString('hex');
      probes.push(probe);
      await from.client.preferences.setConsentStates([
        { entityType: ConsentEntityType.InboxId, entity: probe, state: ConsentState.Allowed },
      ]);
      await to.client.preferences.sync();
      for (const sent of probes) {
        if ((await to.client.preferences.getConsentState(ConsentEntityType.InboxId, sent)) === ConsentState.Allowed)
          return true;
      }
      return false;
    },
    50_000,
    'a preference update of the first installation to reach the second (a shared sync group)',
  );
}

async function newestId(raw: ReturnType<typeof rawXmtpClients>, conversationId: string): Promise<number> {
  const answer = await call(raw.mls, 'GetNewestGroupMessage', { group_ids: [Buffer.from(conversationId, 'hex')] });
  return Number(answer.responses[0].group_message.v1.id);
}
