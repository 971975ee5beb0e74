import { describe, expect, it } from '@jest/globals';
import { readdir } from 'node:fs/promises';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { glibcNode } from '../support/process.js';
import { childGatewayStage } from './child-gateways.js';

/**
 * The SDK upgrade: identities created and used by a gateway on @xmtp/node-sdk 5.5 open, after a restart on the same
 * DATA_DIR and database, on node-sdk 6 (the patched node of `npm run glibc:fetch`) with the same installation, their
 * history readable and new messages flowing both ways. Going back to SDK 5 then refuses the upgraded identities, naming
 * them, without marking them broken, while a new identity works there.
 */
const stage = childGatewayStage('mailroom-sdk-upgrade-');
/** The gateway's log, shown when a call fails. */
const logTail = () =>
  stage.running
    .at(-1)!
    .stdout()
    .split('\n')
    .filter((l) => /"level":(40|50)/.test(l))
    .slice(-8)
    .join('\n');
const sdk6Node = glibcNode();

interface Identity {
  id: string;
  inboxId: string;
  installationId: string;
}

const startGateway = (sdk: '5' | '6') =>
  stage.start({ XMTP_SDK: sdk }, { node: sdk === '6' ? sdk6Node : process.execPath, readyTimeoutMs: 90_000 });

describe('XMTP SDK 5 -> 6 upgrade', () => {
  const upgraded: Identity[] = [];
  let headers: Record<string, string> = {};
  const dms = new Map<string, string>();

  const texts = async (url: string, identity: Identity): Promise<string[]> => {
    const res = await fetch(`${url}/v1/identities/${identity.id}/conversations/${dms.get(identity.id)}/messages`, {
      headers,
    });
    if (res.status !== 200) throw new Error(`listing answered ${res.status} ${await res.text()}\n${logTail()}`);
    return ((await res.json()) as { items: { text?: string | null }[] }).items.map((m) => m.text ?? '');
  };
  const send = (url: string, identity: Identity, text: string) =>
    fetch(`${url}/v1/identities/${identity.id}/conversations/${dms.get(identity.id)}/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ content: { type: 'text', text } }),
    });
  const peerReceives = async (identity: Identity, text: string) => {
    const peer = stage.peers.clients[0]!.client;
    await peer.conversations.sync();
    const dm = await peer.conversations.getConversationById(dms.get(identity.id)!);
    await dm!.sync();
    return (await dm!.messages()).some((m) => m.content === text);
  };

  it('creates identities and messages under SDK 5', async () => {
    const { run, url } = await startGateway('5');
    expect(run.stdout()).toMatch(/XMTP SDK\s+@xmtp\/node-sdk 5\.5\.0 \(XMTP_SDK=5\)/);
    expect(((await (await fetch(`${url}/readyz`)).json()) as { xmtpSdk: string }).xmtpSdk).toBe('5.5.0');
    const tenant = await signUpTenant({ url });
    headers = { ...bearer((await createApiKey({ url }, tenant.adminToken)).key), 'content-type': 'application/json' };
    const peer = stage.peers.clients[0]!;
    for (const label of ['upgraded a', 'upgraded b']) {
      const res = await fetch(`${url}/v1/identities`, { method: 'POST', headers, body: JSON.stringify({ label }) });
      expect(res.status).toBe(201);
      const identity = (await res.json()) as Identity;
      const dm = await fetch(`${url}/v1/identities/${identity.id}/conversations/dm`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ peer: peer.wallet.address }),
      });
      expect(dm.status).toBe(201);
      dms.set(identity.id, ((await dm.json()) as { id: string }).id);
      expect((await send(url, identity, `${label}: sent on SDK 5`)).status).toBe(201);
      upgraded.push(identity);
    }
    await stage.stop(run);
  }, 240_000);

  it('opens them under SDK 6 on the patched node: same installation, history readable, sends reach the peer', async () => {
    const { run, url } = await startGateway('6');
    expect(run.stdout()).toMatch(/XMTP SDK\s+@xmtp\/node-sdk 6\.0\.0 \(XMTP_SDK=6\)/);
    expect(((await (await fetch(`${url}/readyz`)).json()) as { xmtpSdk: string }).xmtpSdk).toBe('6.0.0');
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(
      /mailroom_build_info\{[^}]*xmtp_sdk="6\.0\.0"[^}]*\} 1/,
    );
    for (const identity of upgraded) {
      const state = (await (await fetch(`${url}/v1/identities/${identity.id}`, { headers })).json()) as Identity & {
        status: string;
        inboxState: { installations: { id: string }[] };
      };
      expect(state).toMatchObject({ status: 'active', installationId: identity.installationId });
      const markers = (await readdir(stage.dataDir, { recursive: true })).filter((f) =>
        f.endsWith('.mailroom-sdk.json'),
      );
      expect(markers.length).toBeGreaterThan(0);
      expect(state.inboxState.installations.map((i) => i.id)).toEqual([identity.installationId]);
      expect((await texts(url, identity)).some((t) => t.endsWith('sent on SDK 5'))).toBe(true);
      expect((await send(url, identity, `${identity.id}: sent on SDK 6`)).status).toBe(201);
      expect(await peerReceives(identity, `${identity.id}: sent on SDK 6`)).toBe(true);
      // The peer answers; the gateway on SDK 6 lists it.
      const peerDm = await stage.peers.clients[0]!.client.conversations.getConversationById(dms.get(identity.id)!);
      await peerDm!.sendText(`to ${identity.id} on SDK 6`);
      let listed: string[] = [];
      for (let attempt = 0; attempt < 30 && !listed.includes(`to ${identity.id} on SDK 6`); attempt++) {
        await new Promise((r) => setTimeout(r, 500));
        listed = await texts(url, identity);
      }
      expect(listed).toContain(`to ${identity.id} on SDK 6`);
    }
    await stage.stop(run);
  }, 240_000);

  it('back on SDK 5: the upgraded identities are refused by name, a new identity still works', async () => {
    const { run, url } = await startGateway('5');
    for (const identity of upgraded) {
      const res = await send(url, identity, 'back on SDK 5');
      expect(res.status).toBe(409);
      const problem = (await res.json()) as { detail: string };
      expect(problem.detail).toContain(`Identity ${identity.id} refused`);
      expect(problem.detail).toContain('@xmtp/node-sdk 6.0.0');
      expect(problem.detail).toContain('XMTP_SDK=6');
    }
    const created = await fetch(`${url}/v1/identities`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ label: 'new on SDK 5' }),
    });
    expect(created.status).toBe(201);
    const fresh = (await created.json()) as Identity;
    const dm = await fetch(`${url}/v1/identities/${fresh.id}/conversations/dm`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ peer: stage.peers.clients[0]!.wallet.address }),
    });
    expect(dm.status).toBe(201);
    dms.set(fresh.id, ((await dm.json()) as { id: string }).id);
    expect((await send(url, fresh, 'new: on SDK 5')).status).toBe(201);
    expect(await peerReceives(fresh, 'new: on SDK 5')).toBe(true);
    // Refused, not broken: the record is unchanged, so SDK 6 opens it again.
    const state = (await (await fetch(`${url}/v1/identities/${upgraded[0]!.id}`, { headers })).json()) as {
      status: string;
    };
    expect(state.status).not.toBe('broken');
    await stage.stop(run);
  }, 240_000);
});
