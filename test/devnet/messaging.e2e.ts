// Conformance: DMs, groups, streams, paging and attachments, with real SDK clients against the devnet.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDevnet, type Devnet } from '@mailroom/devnet';
import { SortDirection } from '@mailroom/xmtp';
import { decryptAttachment, encryptAttachment, type DecodedMessage, type RemoteAttachment } from '@xmtp/node-sdk';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import { call, rawXmtpClients, waitFor } from './support.js';

const textsOf = (messages: DecodedMessage[]): string[] =>
  messages.flatMap((m) => (typeof m.content === 'string' ? [m.content] : []));

describe('devnet conformance: messaging', () => {
  let devnet: Devnet;
  let peers: TestClients;

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0 });
    peers = await createTestClients(devnet.url, 4);
  });

  afterAll(async () => {
    await peers?.cleanup();
    await devnet?.stop();
  });

  it('delivers a DM in both directions', async () => {
    const [alice, bob] = peers.clients;
    const aliceDm = await alice!.client.conversations.createDm(bob!.inboxId);
    await aliceDm.sendText('hello bob');

    await bob!.client.conversations.sync();
    const bobDm = bob!.client.conversations.getDmByInboxId(alice!.inboxId)!;
    expect(bobDm.id).toBe(aliceDm.id);
    await bobDm.sync();
    expect(textsOf(await bobDm.messages())).toEqual(['hello bob']);

    await bobDm.sendText('hello alice');
    await aliceDm.sync();
    expect(textsOf(await aliceDm.messages())).toEqual(['hello bob', 'hello alice']);
  });

  it('runs a group of 3: metadata update, add and remove members', async () => {
    const [alice, bob, carol, dave] = peers.clients;
    const group = await alice!.client.conversations.createGroup([bob!.inboxId, carol!.inboxId], { groupName: 'team' });
    await group.updateDescription('the devnet group');
    await group.updateName('team renamed');
    await group.sendText('welcome all');

    await bob!.client.conversations.sync();
    const bobGroup = (await bob!.client.conversations.getConversationById(group.id))!;
    await bobGroup.sync();
    expect((bobGroup as typeof group).name).toBe('team renamed');
    expect((bobGroup as typeof group).description).toBe('the devnet group');
    expect(textsOf(await bobGroup.messages())).toEqual(['welcome all']);

    await group.removeMembers([carol!.inboxId]);
    await group.addMembers([dave!.inboxId]);
    await group.sendText('carol left, dave joined');

    await bobGroup.sync();
    expect((await bobGroup.members()).map((m) => m.inboxId).sort()).toEqual(
      [alice!.inboxId, bob!.inboxId, dave!.inboxId].sort(),
    );

    await dave!.client.conversations.sync();
    const daveGroup = (await dave!.client.conversations.getConversationById(group.id))!;
    await daveGroup.sync();
    expect(textsOf(await daveGroup.messages())).toEqual(['carol left, dave joined']);

    await carol!.client.conversations.sync();
    const carolGroup = (await carol!.client.conversations.getConversationById(group.id))!;
    await carolGroup.sync();
    expect((carolGroup as typeof group).isActive).toBe(false);
    expect(textsOf(await carolGroup.messages())).not.toContain('carol left, dave joined');
  });

  it('streamAllMessages receives a new group’s first message and a DM', async () => {
    const [alice, bob, carol] = peers.clients;
    const received: DecodedMessage[] = [];
    const stream = await carol!.client.conversations.streamAllMessages({
      onValue: (message) => received.push(message),
    });
    try {
      const group = await alice!.client.conversations.createGroup([carol!.inboxId]);
      await group.sendText('first message of a new group');
      const dm = await bob!.client.conversations.createDm(carol!.inboxId);
      await dm.sendText('a dm from bob');

      await waitFor(() => received.length >= 2 && received, 15_000, 'two streamed messages');
      const texts = textsOf(received);
      expect(texts).toContain('first message of a new group');
      expect(texts).toContain('a dm from bob');
      expect(new Set(received.map((m) => m.id)).size).toBe(received.length); // nothing delivered twice
    } finally {
      await stream.end();
    }
  });

  it('pages through 250 messages in both directions', async () => {
    const [alice, bob] = peers.clients;
    const group = await alice!.client.conversations.createGroup([bob!.inboxId]);
    const sent = Array.from({ length: 250 }, (_, i) => `message ${String(i).padStart(3, '0')}`);
    for (const text of sent) await group.sendText(text);

    // Bob's sync pulls 250+ messages from the node, 100 per page.
    await bob!.client.conversations.sync();
    const bobGroup = (await bob!.client.conversations.getConversationById(group.id))!;
    await bobGroup.sync();

    const ascending: string[] = [];
    let after: bigint | undefined;
    for (;;) {
      const page = (
        await bobGroup.messages({ limit: 100, direction: SortDirection.Ascending, sentAfterNs: after })
      ).filter((m) => typeof m.content === 'string');
      if (page.length === 0) break;
      ascending.push(...textsOf(page));
      after = page.at(-1)!.sentAtNs;
    }
    expect(ascending).toEqual(sent);

    const descending: string[] = [];
    let before: bigint | undefined;
    for (;;) {
      const page = (
        await bobGroup.messages({ limit: 100, direction: SortDirection.Descending, sentBeforeNs: before })
      ).filter((m) => typeof m.content === 'string');
      if (page.length === 0) break;
      descending.push(...textsOf(page));
      before = page.at(-1)!.sentAtNs;
    }
    expect(descending).toEqual([...sent].reverse());

    // The node's own paging over the same group: exclusive cursors, next cursor only on a full page.
    const raw = rawXmtpClients(devnet.url);
    try {
      const groupId = Buffer.from(group.id, 'hex');
      const pageThrough = async (direction: string) => {
        const ids: number[] = [];
        const pageSizes: number[] = [];
        let cursor = '0';
        do {
          const response = await call(raw.mls, 'QueryGroupMessages', {
            group_id: groupId,
            paging_info: { direction, limit: 100, id_cursor: cursor },
          });
          pageSizes.push(response.messages.length);
          ids.push(...response.messages.map((m: { v1: { id: string } }) => Number(m.v1.id)));
          cursor = response.paging_info.id_cursor;
        } while (cursor !== '0');
        return { ids, pageSizes };
      };
      const up = await pageThrough('SORT_DIRECTION_ASCENDING');
      const down = await pageThrough('SORT_DIRECTION_DESCENDING');
      expect(up.ids.length).toBeGreaterThanOrEqual(251); // 250 texts plus the group's commit(s)
      expect(up.ids).toEqual([...up.ids].sort((a, b) => a - b));
      expect(new Set(up.ids).size).toBe(up.ids.length);
      expect(down.ids).toEqual([...up.ids].reverse());
      expect(up.pageSizes.slice(0, -1).every((size) => size === 100)).toBe(true);
    } finally {
      raw.close();
    }
  });

  it('round-trips a remote attachment', async () => {
    const [alice, bob] = peers.clients;
    const body = new TextEncoder().encode('attachment body '.repeat(200));
    const encrypted = encryptAttachment({ filename: 'notes.txt', mimeType: 'text/plain', content: body });
    const blobServer: Server = createServer((_request, response) => response.end(Buffer.from(encrypted.payload)));
    await new Promise<void>((resolve) => blobServer.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(blobServer.address() as AddressInfo).port}/blob`;
      const dm = await alice!.client.conversations.createDm(bob!.inboxId);
      await dm.sendRemoteAttachment({
        url,
        contentDigest: encrypted.contentDigest,
        secret: encrypted.secret,
        salt: encrypted.salt,
        nonce: encrypted.nonce,
        scheme: 'https://',
        contentLength: encrypted.contentLength,
        filename: encrypted.filename,
      });

      await bob!.client.conversations.sync();
      const bobDm = bob!.client.conversations.getDmByInboxId(alice!.inboxId)!;
      await bobDm.sync();
      const message = (await bobDm.messages()).find((m) => m.contentType.typeId === 'remoteStaticAttachment')!;
      const remote = message.content as RemoteAttachment;
      expect(remote.url).toBe(url);
      const payload = new Uint8Array(await (await fetch(remote.url)).arrayBuffer());
      const attachment = decryptAttachment(payload, remote);
      expect(attachment.filename).toBe('notes.txt');
      expect(attachment.mimeType).toBe('text/plain');
      expect(Buffer.from(attachment.content).equals(Buffer.from(body))).toBe(true);
    } finally {
      blobServer.close();
    }
  });
});
