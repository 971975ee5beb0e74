import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { privateKeyToAddress, generatePrivateKey } from 'viem/accounts';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import { createApiKey, signUpTenant } from '../support/factories.js';
import { GATEWAY_MAIN, cleanEnv, runNode, type ChildRun } from '../support/process.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { caller, createStage, waitFor, type Stage } from '../wallets/support.js';

/**
 * A broadcast to 500 recipients: 5 SDK peers (one of them denied by the identity, two named by inbox id), 495
 * addresses that never registered on XMTP. The gateway process is SIGKILLed while it sends and a new one resumes:
 * exact counts, and every reachable peer holds the message exactly once. Most recipients are unregistered on purpose:
 * each reachable one costs a DM (MLS group creation) on a loaded 2-core machine.
 */
const TEXT = 'broadcast: the newsletter';
let stage: Stage;
let peers: TestClients;
let receiver: WebhookReceiver;
let run: ChildRun | undefined;
let url = '';
let apiKey = '';
const call = caller(
  () => url,
  () => apiKey,
);

async function startGateway(): Promise<void> {
  run = runNode(
    GATEWAY_MAIN,
    cleanEnv({
      ...stage.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      BROADCAST_PACE_MS: '700',
      BROADCAST_LEASE_MS: '3000',
    }),
  );
  const [, ready] = await run.waitForOutput(/Mailroom gateway is ready on (http:\/\/\S+)/, 60_000);
  url = ready!;
}

beforeAll(async () => {
  stage = await createStage('broadcast');
  peers = await createTestClients(stage.devnet.url, 5);
  receiver = await WebhookReceiver.start();
  await startGateway();
  const tenant = await signUpTenant({ url });
  apiKey = (await createApiKey({ url }, tenant.adminToken)).key;
}, 90_000);

afterAll(async () => {
  if (run && run.child.exitCode === null) {
    run.child.kill('SIGTERM');
    await run.exited;
  }
  await receiver?.close();
  await peers?.cleanup();
  await stage?.close();
});

describe('broadcasts', () => {
  it('finishes 500 recipients with exact counts after a kill midway, messaging nobody twice', async () => {
    const bot = (await call('POST', '/v1/identities', { label: 'newsletter' })).body as { id: string; inboxId: string };
    const denied = peers.clients[4]!;
    expect(
      (
        await call('PUT', `/v1/identities/${bot.id}/consent`, {
          entityType: 'inbox',
          entity: denied.inboxId,
          state: 'denied',
        })
      ).status,
    ).toBe(200);
    expect((await call('POST', '/v1/webhooks', { url: receiver.url(), events: ['broadcast.completed'] })).status).toBe(
      201,
    );

    const recipients = Array.from({ length: 495 }, () => privateKeyToAddress(generatePrivateKey()).toLowerCase());
    const peerRefs = [
      peers.clients[0]!.wallet.address,
      peers.clients[1]!.inboxId,
      peers.clients[2]!.wallet.address,
      peers.clients[3]!.inboxId,
      denied.wallet.address,
    ];
    peerRefs.forEach((ref, i) => recipients.splice(60 + i * 90, 0, ref));
    expect(recipients).toHaveLength(500);

    const body = { recipients, content: { type: 'text', text: TEXT } };
    const started = await call('POST', `/v1/identities/${bot.id}/broadcasts`, body, {
      'idempotency-key': 'newsletter-1',
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: 'running', total: 500 });
    const again = await call('POST', `/v1/identities/${bot.id}/broadcasts`, body, {
      'idempotency-key': 'newsletter-1',
    });
    expect(again.body.id).toBe(started.body.id);
    const progress = () => call('GET', `/v1/identities/${bot.id}/broadcasts/${started.body.id}`);

    // Kill the process while it is sending: some peers messaged, not all.
    const midway = await waitFor(
      async () => {
        const p = (await progress()).body;
        return p.sent >= 1 ? p : false;
      },
      'the first sends',
      45_000,
    );
    run!.child.kill('SIGKILL');
    await run!.exited;
    expect(midway.sent).toBeLessThan(4);
    expect(midway.status).toBe('running');

    await startGateway();
    const done = await waitFor(
      async () => {
        const p = (await progress()).body;
        return p.status === 'completed' ? p : false;
      },
      'the broadcast to complete after the restart',
      60_000,
    );
    expect(done).toMatchObject({
      total: 500,
      queued: 0,
      sent: 4,
      skipped: 496,
      failed: 0,
      skippedBy: { not_on_xmtp: 495, denied: 1 },
    });

    for (const peer of peers.clients.slice(0, 4)) {
      await peer.client.conversations.sync();
      const dm = peer.client.conversations.getDmByInboxId(bot.inboxId);
      expect(dm).toBeDefined();
      await dm!.sync();
      const copies = (await dm!.messages()).filter((m) => m.content === TEXT);
      expect(copies).toHaveLength(1);
    }
    await denied.client.conversations.sync();
    expect(denied.client.conversations.getDmByInboxId(bot.inboxId)).toBeUndefined();

    await receiver.waitFor((r) => r.requests.length >= 1);
    const event = JSON.parse(receiver.requests[0]!.rawBody);
    expect(event).toMatchObject({
      type: 'broadcast.completed',
      identityId: bot.id,
      data: { broadcastId: started.body.id, sent: 4, skipped: 496, failed: 0 },
    });
  }, 150_000);
});
