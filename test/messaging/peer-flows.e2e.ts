import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ContentType, Group, type Conversation, type Dm } from '@xmtp/node-sdk';
import { sleep, startMessagingEnv, waitFor, type MessagingEnv } from './support.js';

let env: MessagingEnv;

beforeAll(async () => {
  env = await startMessagingEnv(3);
});

afterAll(async () => {
  await env?.close();
});

const base = (identityId: string) => `/v1/identities/${identityId}`;

/** The peer's view of one message by id, after syncing the conversation. */
async function peerMessage(conversation: Conversation<unknown>, id: string) {
  await conversation.sync();
  return env.peers.clients[0]!.client.conversations.getMessageById(id);
}

describe('a DM from an external peer, over REST', () => {
  let identity: { id: string; inboxId: string; address: string };
  let peerDm: Dm<unknown>;
  let peerMessageId: string;

  beforeAll(async () => {
    identity = await env.createIdentity('support bot');
    const peer = env.peers.clients[0]!.client;
    peerDm = await peer.conversations.createDm(identity.inboxId);
    peerMessageId = await peerDm.sendText('hello from outside');
  });

  it('shows up as a request (consent unknown) and in the default list', async () => {
    const request = await waitFor(async () => {
      const res = await env.call('GET', `${base(identity.id)}/conversations?consent=unknown`);
      return res.body.items.find((c: any) => c.id === peerDm.id);
    }, 'the DM in the requests view');
    expect(request).toMatchObject({
      type: 'dm',
      consent: 'unknown',
      peerInboxId: env.peers.clients[0]!.inboxId,
      isActive: true,
    });
    expect(request.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const all = await env.call('GET', `${base(identity.id)}/conversations`);
    expect(all.body.items.map((c: any) => c.id)).toContain(peerDm.id);
    const one = await env.call('GET', `${base(identity.id)}/conversations/${peerDm.id}`);
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(peerDm.id);
  });

  it('allows it: it leaves the requests view', async () => {
    const res = await env.call('PUT', `${base(identity.id)}/consent`, {
      entityType: 'conversation',
      entity: peerDm.id,
      state: 'allowed',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ entityType: 'conversation', entity: peerDm.id, state: 'allowed' });
    const requests = await env.call('GET', `${base(identity.id)}/conversations?consent=unknown`);
    expect(requests.body.items.map((c: any) => c.id)).not.toContain(peerDm.id);
    const allowed = await env.call('GET', `${base(identity.id)}/conversations?consent=allowed`);
    expect(allowed.body.items.find((c: any) => c.id === peerDm.id)).toMatchObject({ consent: 'allowed' });
    const consent = await env.call('GET', `${base(identity.id)}/consent`);
    expect(consent.body.items).toContainEqual({ entityType: 'conversation', entity: peerDm.id, state: 'allowed' });
  });

  it("reads the peer's message", async () => {
    const res = await env.call('GET', `${base(identity.id)}/conversations/${peerDm.id}/messages`);
    expect(res.status).toBe(200);
    const message = res.body.items.find((m: any) => m.id === peerMessageId);
    expect(message).toMatchObject({
      conversationId: peerDm.id,
      senderInboxId: env.peers.clients[0]!.inboxId,
      contentType: { authorityId: 'xmtp.org', typeId: 'text', versionMajor: 1, versionMinor: 0 },
      content: 'hello from outside',
      text: 'hello from outside',
      encodedContent: null,
      deliveryStatus: 'published',
      kind: 'application',
    });
    expect(message.sentAtNs).toMatch(/^\d+$/);
    expect(new Date(message.sentAt).getTime()).toBe(Number(BigInt(message.sentAtNs) / 1_000_000n));
  });

  it('replies with text, reply, reaction, markdown and a read receipt; the peer receives each with its content type', async () => {
    const path = `${base(identity.id)}/conversations/${peerDm.id}/messages`;
    const sends = [
      { content: { type: 'text', text: 'hi back' }, typeId: 'text', check: (c: unknown) => expect(c).toBe('hi back') },
      {
        content: { type: 'reply', reference: peerMessageId, text: 'replying to you' },
        typeId: 'reply',
        check: (c: any) => expect(c).toMatchObject({ referenceId: peerMessageId, content: 'replying to you' }),
      },
      {
        content: { type: 'reaction', reference: peerMessageId, action: 'added', schema: 'unicode', content: '👍' },
        typeId: 'reaction',
        check: (c: any) =>
          expect(c).toMatchObject({
            reference: peerMessageId,
            content: '👍',
            referenceInboxId: env.peers.clients[0]!.inboxId,
          }),
      },
      {
        content: { type: 'markdown', markdown: '**bold**' },
        typeId: 'markdown',
        check: (c: unknown) => expect(c).toBe('**bold**'),
      },
      { content: { type: 'readReceipt' }, typeId: 'readReceipt', check: () => undefined },
    ];
    for (const send of sends) {
      const res = await env.call('POST', path, { content: send.content });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        conversationId: peerDm.id,
        senderInboxId: identity.inboxId,
        contentType: { typeId: send.typeId },
      });
      const received = await peerMessage(peerDm, res.body.id);
      expect(received?.contentType.typeId).toBe(send.typeId);
      expect(received?.senderInboxId).toBe(identity.inboxId);
      send.check(received?.content);
    }
    const reactions = await env.call('GET', `${path}?contentTypes=reaction`);
    expect(reactions.body.items).toHaveLength(1);
    expect(reactions.body.items[0]).toMatchObject({
      content: { reference: peerMessageId, action: 'added', schema: 'unicode', content: '👍' },
    });
    const replies = await env.call('GET', `${path}?contentTypes=reply`);
    expect(replies.body.items[0]).toMatchObject({
      text: 'replying to you',
      content: { reference: peerMessageId, content: 'replying to you' },
    });
  });

  it('returns unknown content types as base64 with content null', async () => {
    const id = await peerDm.send({
      type: { authorityId: 'example.org', typeId: 'sticker', versionMajor: 1, versionMinor: 0 },
      parameters: {},
      fallback: 'a sticker',
      content: new Uint8Array([1, 2, 3]),
    });
    const res = await env.call('GET', `${base(identity.id)}/conversations/${peerDm.id}/messages?limit=5`);
    const message = res.body.items.find((m: any) => m.id === id);
    expect(message).toMatchObject({
      contentType: { authorityId: 'example.org', typeId: 'sticker', versionMajor: 1, versionMinor: 0 },
      content: null,
      text: null,
      fallback: 'a sticker',
      encodedContent: Buffer.from([1, 2, 3]).toString('base64'),
    });
  });

  it('pages through messages with cursors in both directions', async () => {
    const peer = env.peers.clients[0]!.client;
    const dm = (await peer.conversations.getConversationById(peerDm.id))!;
    await Promise.all(Array.from({ length: 8 }, (_, i) => dm.sendText(`burst ${i}`)));
    const path = `${base(identity.id)}/conversations/${peerDm.id}/messages`;
    const everything = (await env.call('GET', `${path}?limit=100`)).body.items.map((m: any) => m.id);
    expect(everything.length).toBeGreaterThanOrEqual(15);
    for (const direction of ['desc', 'asc'] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: any = await env.call(
          'GET',
          `${path}?limit=3&direction=${direction}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(3);
        seen.push(...res.body.items.map((m: any) => m.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(direction === 'desc' ? everything : [...everything].reverse());
    }
    const wrongDirection = await env.call('GET', `${path}?limit=2`);
    const mismatch = await env.call('GET', `${path}?direction=asc&cursor=${wrongDirection.body.nextCursor}`);
    expect(mismatch.status).toBe(400);
  });

  it('answers can-message for registered and unknown addresses', async () => {
    const unknown = `0x${'ab'.repeat(20)}`;
    const res = await env.call('POST', `${base(identity.id)}/can-message`, {
      identifiers: [env.peers.clients[1]!.wallet.address, unknown],
    });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual({ [env.peers.clients[1]!.wallet.address]: true, [unknown]: false });
  });

  it('opens a DM by address and by inbox id (the same conversation)', async () => {
    const other = env.peers.clients[1]!;
    const byAddress = await env.call('POST', `${base(identity.id)}/conversations/dm`, { peer: other.wallet.address });
    expect(byAddress.status).toBe(201);
    expect(byAddress.body).toMatchObject({ type: 'dm', peerInboxId: other.inboxId });
    const byInbox = await env.call('POST', `${base(identity.id)}/conversations/dm`, { peer: other.inboxId });
    expect(byInbox.body.id).toBe(byAddress.body.id);
    const sent = await env.call('POST', `${base(identity.id)}/conversations/${byAddress.body.id}/messages`, {
      content: { type: 'text', text: 'first contact' },
    });
    expect(sent.status).toBe(201);
    await other.client.conversations.sync();
    const dm = other.client.conversations.getDmByInboxId(identity.inboxId)!;
    await dm.sync();
    expect((await dm.messages()).map((m) => m.content)).toContain('first contact');
  });
});

describe('a group of a hosted identity, the peer and a second hosted identity', () => {
  let owner: { id: string; inboxId: string; address: string };
  let second: { id: string; inboxId: string; address: string };
  let groupId: string;
  let peerGroup: Group<unknown>;

  /** Waits until the peer sees a group-updated message satisfying `match`. */
  async function peerSeesUpdate(match: (content: any) => boolean, what: string) {
    return waitFor(async () => {
      await peerGroup.sync();
      const updates = await peerGroup.messages({ contentTypes: [ContentType.GroupUpdated] });
      return updates.find((m) => m.contentType.typeId === 'group_updated' && match(m.content));
    }, what);
  }

  beforeAll(async () => {
    owner = await env.createIdentity('group owner');
    second = await env.createIdentity('second');
  });

  it('creates the group with the peer (by address) and the second identity (by inbox id)', async () => {
    const peer = env.peers.clients[0]!;
    const res = await env.call('POST', `${base(owner.id)}/conversations/group`, {
      members: [peer.wallet.address, second.inboxId],
      name: 'Team',
      description: 'our group',
      permissions: 'admin_only',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      type: 'group',
      name: 'Team',
      description: 'our group',
      permissions: 'admin_only',
      consent: 'allowed',
    });
    expect(res.body.superAdmins).toEqual([owner.inboxId]);
    groupId = res.body.id;
    await peer.client.conversations.sync();
    peerGroup = (await peer.client.conversations.getConversationById(groupId)) as Group<unknown>;
    expect(peerGroup.name).toBe('Team');
    const members = await env.call('GET', `${base(owner.id)}/conversations/${groupId}/members`);
    expect(members.body.items.map((m: any) => m.inboxId).sort()).toEqual(
      [owner.inboxId, peer.inboxId, second.inboxId].sort(),
    );
    expect(members.body.items.find((m: any) => m.inboxId === owner.inboxId).role).toBe('super_admin');
  });

  it('renames it; the peer sees a group-updated message', async () => {
    const res = await env.call('PATCH', `${base(owner.id)}/conversations/${groupId}`, {
      name: 'Renamed',
      imageUrl: 'https://example.org/g.png',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Renamed', imageUrl: 'https://example.org/g.png' });
    await peerSeesUpdate(
      (c) => c.metadataFieldChanges.some((f: any) => f.fieldName === 'group_name' && f.newValue === 'Renamed'),
      'rename',
    );
    expect(peerGroup.name).toBe('Renamed');
  });

  it('adds and removes a member; the peer sees both', async () => {
    const newcomer = env.peers.clients[2]!;
    const added = await env.call('POST', `${base(owner.id)}/conversations/${groupId}/members`, {
      members: [newcomer.wallet.address],
    });
    expect(added.status).toBe(200);
    expect(added.body.items.map((m: any) => m.inboxId)).toContain(newcomer.inboxId);
    await peerSeesUpdate((c) => c.addedInboxes.some((i: any) => i.inboxId === newcomer.inboxId), 'member added');
    const removed = await env.call('DELETE', `${base(owner.id)}/conversations/${groupId}/members`, {
      members: [newcomer.inboxId],
    });
    expect(removed.status).toBe(200);
    expect(removed.body.items.map((m: any) => m.inboxId)).not.toContain(newcomer.inboxId);
    await peerSeesUpdate((c) => c.removedInboxes.some((i: any) => i.inboxId === newcomer.inboxId), 'member removed');
  });

  it('grants and revokes admin and super-admin; the peer sees each change', async () => {
    const path = `${base(owner.id)}/conversations/${groupId}`;
    const admin = await env.call('POST', `${path}/admins`, { members: [second.inboxId] });
    expect(admin.status).toBe(200);
    expect(admin.body.admins).toContain(second.inboxId);
    await peerSeesUpdate((c) => c.addedAdminInboxes.some((i: any) => i.inboxId === second.inboxId), 'admin added');
    const unadmin = await env.call('DELETE', `${path}/admins`, { members: [second.inboxId] });
    expect(unadmin.body.admins).not.toContain(second.inboxId);
    await peerSeesUpdate((c) => c.removedAdminInboxes.some((i: any) => i.inboxId === second.inboxId), 'admin removed');
    const superAdmin = await env.call('POST', `${path}/super-admins`, { members: [second.address] });
    expect(superAdmin.body.superAdmins).toContain(second.inboxId);
    await peerSeesUpdate(
      (c) => c.addedSuperAdminInboxes.some((i: any) => i.inboxId === second.inboxId),
      'super admin added',
    );
    const unsuper = await env.call('DELETE', `${path}/super-admins`, { members: [second.inboxId] });
    expect(unsuper.body.superAdmins).not.toContain(second.inboxId);
    await peerSeesUpdate(
      (c) => c.removedSuperAdminInboxes.some((i: any) => i.inboxId === second.inboxId),
      'super admin removed',
    );
  });

  it('the second identity messages the group, leaves it, and then gets 409 on send', async () => {
    const path = `${base(second.id)}/conversations/${groupId}`;
    const seen = await waitFor(async () => {
      const res = await env.call('GET', path);
      return res.status === 200 && res.body;
    }, 'the group at the second identity');
    expect(seen).toMatchObject({ type: 'group', name: 'Renamed' });
    const hello = await env.call('POST', `${path}/messages`, { content: { type: 'text', text: 'hello group' } });
    expect(hello.status).toBe(201);
    const left = await env.call('POST', `${path}/leave`);
    expect(left.status).toBe(200);
    expect(left.body.pendingRemoval).toBe(true);
    const after = await env.call('POST', `${path}/messages`, { content: { type: 'text', text: 'still here?' } });
    expect(after.status).toBe(409);
    expect(after.body.code).toBe('CONFLICT');
    const leaveAgain = await env.call('POST', `${path}/leave`);
    expect(leaveAgain.status).toBe(409);
  });
});

describe('consent: deny the peer, then allow again', () => {
  it('hides the DM, keeps the next message out of requests, and restores it', async () => {
    const identity = await env.createIdentity('consent');
    const peer = env.peers.clients[1]!;
    const dm = await peer.client.conversations.createDm(identity.inboxId);
    await dm.sendText('may I?');
    const list = (q = '') =>
      env.call('GET', `${base(identity.id)}/conversations${q}`).then((r) => r.body.items.map((c: any) => c.id));
    await waitFor(async () => (await list('?consent=unknown')).includes(dm.id), 'the request');

    const denied = await env.call('PUT', `${base(identity.id)}/consent`, {
      entityType: 'inbox',
      entity: peer.inboxId,
      state: 'denied',
    });
    expect(denied.status).toBe(200);
    expect(await list()).not.toContain(dm.id);
    expect(await list('?consent=unknown')).not.toContain(dm.id);
    expect(await list('?consent=denied')).toContain(dm.id);
    const records = await env.call('GET', `${base(identity.id)}/consent`);
    expect(records.body.items).toEqual(
      expect.arrayContaining([
        { entityType: 'inbox', entity: peer.inboxId, state: 'denied' },
        { entityType: 'conversation', entity: dm.id, state: 'denied' },
      ]),
    );

    await dm.sendText('hello again?');
    await peer.client.conversations.createDm(identity.inboxId).then((again) => again.sendText('new DM?'));
    await sleep(2_500); // longer than the background welcome sync interval
    expect(await list()).not.toContain(dm.id);
    const requests = await env.call('GET', `${base(identity.id)}/conversations?consent=unknown`);
    expect(requests.body.items.filter((c: any) => c.peerInboxId === peer.inboxId)).toEqual([]);
    const messages = await env.call('GET', `${base(identity.id)}/conversations/${dm.id}/messages`);
    expect(messages.body.items.map((m: any) => m.text)).toContain('hello again?');

    const allowed = await env.call('PUT', `${base(identity.id)}/consent`, {
      entityType: 'inbox',
      entity: peer.inboxId,
      state: 'allowed',
    });
    expect(allowed.status).toBe(200);
    const restored = await env.call('GET', `${base(identity.id)}/conversations`);
    expect(restored.body.items.find((c: any) => c.id === dm.id)).toMatchObject({ consent: 'allowed' });
  });
});

describe('idempotent sends', () => {
  it('20 concurrent POSTs with one Idempotency-Key put exactly one message on the network', async () => {
    const identity = await env.createIdentity('idempotent');
    const peer = env.peers.clients[2]!;
    const dm = await env.call('POST', `${base(identity.id)}/conversations/dm`, { peer: peer.inboxId });
    const path = `${base(identity.id)}/conversations/${dm.body.id}/messages`;
    const body = { content: { type: 'text', text: 'exactly once' } };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => env.call('POST', path, body, { 'idempotency-key': 'send-once-1' })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const different = await env.call(
      'POST',
      path,
      { content: { type: 'text', text: 'another body' } },
      { 'idempotency-key': 'send-once-1' },
    );
    expect(different.status).toBe(422);

    await peer.client.conversations.sync();
    const peerDm = peer.client.conversations.getDmByInboxId(identity.inboxId)!;
    await peerDm.sync();
    const texts = (await peerDm.messages({ contentTypes: [ContentType.Text] })).filter(
      (m) => m.content === 'exactly once',
    );
    expect(texts).toHaveLength(1);
    expect(texts[0]!.id).toBe(answers[0]!.body.id);
  });
});
