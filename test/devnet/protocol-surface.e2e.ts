// Conformance: the selected SDK (XMTP_SDK; the second CI pass runs SDK 6) calls nothing the devnet leaves unanswered.
// A broad set of flows runs against a devnet logging every call; any method it answers UNIMPLEMENTED — a known one it
// does not serve, or one of no service it has (a newer SDK's API) — fails the test. The README's protocol-surface
// table lists what each SDK was seen calling; this keeps that list honest.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { credentials, Client as GrpcClient, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { startDevnet, type Devnet, type DevnetLogger } from '@mailroom/devnet';
import { ConsentEntityType, ConsentState, xmtpSdk } from '@mailroom/xmtp';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import { waitFor } from './support.js';

/** The methods apps/devnet/README.md lists as called by SDK 5.5 and 6 on a v3 network. */
const DOCUMENTED_CALLS = new Set([
  'IdentityApi.GetInboxIds',
  'IdentityApi.GetIdentityUpdates',
  'IdentityApi.PublishIdentityUpdate',
  'IdentityApi.VerifySmartContractWalletSignatures',
  'MlsApi.UploadKeyPackage',
  'MlsApi.FetchKeyPackages',
  'MlsApi.SendGroupMessages',
  'MlsApi.SendWelcomeMessages',
  'MlsApi.QueryGroupMessages',
  'MlsApi.QueryWelcomeMessages',
  'MlsApi.SubscribeGroupMessages',
  'MlsApi.SubscribeWelcomeMessages',
  'MlsApi.GetNewestGroupMessage',
  'MlsApi.BatchPublishCommitLog',
  'MlsApi.BatchQueryCommitLog',
]);

interface Sdk6DeviceSync {
  sendSyncRequest(
    options: { elements: string[]; excludeDisappearingMessages: boolean },
    serverUrl: string,
  ): Promise<void>;
  syncAllDeviceSyncGroups(): Promise<unknown>;
}

function recordingLogger(): DevnetLogger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (message: string) => void lines.push(message);
  return { lines, error: keep, warn: keep, info: keep, debug: keep };
}

describe('devnet conformance: protocol surface of the selected SDK', () => {
  let devnet: Devnet;
  let peers: TestClients;
  const logger = recordingLogger();

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0, logger });
    peers = await createTestClients(devnet.url, 2, { historySyncUrl: devnet.historyUrl });
  });

  afterAll(async () => {
    await peers?.cleanup();
    await devnet?.stop();
  });

  it('logs a call to a method of no service it has, and answers it UNIMPLEMENTED', async () => {
    const client = new GrpcClient(new URL(devnet.url).host, credentials.createInsecure());
    try {
      const error = await new Promise<ServiceError>((resolve) =>
        client.makeUnaryRequest(
          '/xmtp.xmtpv4.message_api.ReplicationApi/QueryEnvelopes',
          (value: Buffer) => value,
          (value: Buffer) => value,
          Buffer.alloc(0),
          new Metadata(),
          (failure) => resolve(failure!),
        ),
      );
      expect(error.code).toBe(status.UNIMPLEMENTED);
    } finally {
      client.close();
    }
    expect(logger.lines).toContain(
      '/xmtp.xmtpv4.message_api.ReplicationApi/QueryEnvelopes UNIMPLEMENTED (no such method on the devnet)',
    );
    logger.lines.length = 0;
  });

  it('answers every call of DMs, groups, streams, consent sync, archives, revocation and a reopen', async () => {
    const sdk = xmtpSdk();
    const [alix, bo] = peers.clients;
    const alixPhone = await peers.add(alix!.wallet, { deviceSync: true });
    const alixLaptop = await peers.add(alix!.wallet, { deviceSync: true });

    expect(await sdk.getInboxIdForIdentifier(bo!.wallet.identifier, 'local')).toBe(bo!.inboxId);
    expect((await sdk.fetchInboxStates([alix!.inboxId], 'local'))[0]!.installations).toHaveLength(3);
    await alix!.client.canMessage([bo!.wallet.identifier]);

    const stream = await bo!.client.conversations.streamAllMessages();
    const dm = await alix!.client.conversations.createDm(bo!.inboxId);
    await dm.sendText('hello');
    const group = await alix!.client.conversations.createGroup([bo!.inboxId]);
    await group.updateName(`surface ${randomBytes(2).toString('hex')}`);
    await group.sendText('to the group');
    const carol = await peers.add();
    await group.addMembers([carol.inboxId]);
    await group.removeMembers([carol.inboxId]);
    await bo!.client.conversations.syncAll();
    expect((await bo!.client.conversations.list()).length).toBeGreaterThanOrEqual(2);

    await alixPhone.client.preferences.setConsentStates([
      { entityType: ConsentEntityType.InboxId, entity: bo!.inboxId, state: ConsentState.Denied },
    ]);
    await waitFor(
      async () => {
        if (sdk.major === 6) {
          await (alixLaptop.client as unknown as Sdk6DeviceSync).sendSyncRequest(
            { elements: ['Messages', 'Consent'], excludeDisappearingMessages: false },
            devnet.historyUrl!,
          );
          await (alixPhone.client as unknown as Sdk6DeviceSync).syncAllDeviceSyncGroups();
          await (alixLaptop.client as unknown as Sdk6DeviceSync).syncAllDeviceSyncGroups();
        }
        await alixPhone.client.conversations.syncAll();
        await alixPhone.client.preferences.sync();
        await alixLaptop.client.conversations.syncAll();
        await alixLaptop.client.preferences.sync();
        return (
          (await alixLaptop.client.preferences.getConsentState(ConsentEntityType.InboxId, bo!.inboxId)) ===
          ConsentState.Denied
        );
      },
      60_000,
      'consent on the second installation',
    );

    await alix!.client.revokeInstallations([alixLaptop.client.installationIdBytes!]);
    const reopened = await peers.reopen(bo!);
    await reopened.client.conversations.syncAll();
    await stream.end();

    const called = new Set(
      logger.lines.map((line) => /^((?:MlsApi|IdentityApi)\.\w+) (?:OK|stream opened)/.exec(line)?.[1]).filter(Boolean),
    );
    const unanswered = logger.lines.filter((line) => line.includes('UNIMPLEMENTED'));
    expect(unanswered).toEqual([]);
    expect([...called].filter((method) => !DOCUMENTED_CALLS.has(method!))).toEqual([]);
    // The flows reached the core of the API (so an empty log cannot pass for a clean one).
    for (const method of [
      'IdentityApi.PublishIdentityUpdate',
      'MlsApi.UploadKeyPackage',
      'MlsApi.SendWelcomeMessages',
      'MlsApi.QueryGroupMessages',
      'MlsApi.SubscribeGroupMessages',
    ]) {
      expect(called).toContain(method);
    }
  }, 180_000);
});
