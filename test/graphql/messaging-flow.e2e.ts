import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Dm } from '@xmtp/node-sdk';
import { LoaderServices } from '../../apps/gateway/src/modules/graphql/request-loaders.js';
import { createApiKey, signUpTenant } from '../support/factories.js';
import { startMessagingEnv, waitFor, type MessagingEnv } from '../messaging/support.js';
import { codesOf, graphql, graphqlOk } from './support.js';

let env: MessagingEnv;
let identity: { id: string; inboxId: string; address: string };
let second: { id: string; inboxId: string; address: string };
/** The frontend's credential: a short-lived token for `identity` only. */
let token: string;

const MESSAGE_FIELDS =
  'id conversationId senderInboxId sentAt sentAtNs kind contentType { authorityId typeId versionMajor versionMinor } content text fallback encodedContent deliveryStatus';

interface MessageData {
  id: string;
  conversationId: string;
  senderInboxId: string;
  sentAt: string;
  sentAtNs: string;
  contentType: { authorityId: string; typeId: string; versionMajor: number; versionMinor: number };
  content: unknown;
  text: string | null;
  deliveryStatus: string;
}

const asIdentity = <T>(query: string, variables: Record<string, unknown> = {}) =>
  graphqlOk<T>(env.gateway, query, variables, token);

beforeAll(async () => {
  env = await startMessagingEnv(1);
  identity = await env.createIdentity('graphql frontend');
  second = await env.createIdentity('second');
  const minted = await env.call('POST', `/v1/identities/${identity.id}/tokens`, {});
  token = minted.body.token;
});

afterAll(async () => {
  await env?.close();
});

describe('the peer flow once over GraphQL, with an identity token', () => {
  let peerDm: Dm<unknown>;
  let peerMessageId: string;

  beforeAll(async () => {
    peerDm = await env.peers.clients[0]!.client.conversations.createDm(identity.inboxId);
    peerMessageId = await peerDm.sendText('hello over graphql');
  });

  it('lists the DM as a request (consent unknown) with its last message', async () => {
    const query = `query ($id: String!, $consent: [ConsentState!]) {
      conversations(identityId: $id, consent: $consent, first: 20) {
        nodes { id identityId type consent peerInboxId isActive createdAt lastMessage { id text } }
        pageInfo { hasNextPage endCursor }
      } }`;
    type Data = {
      conversations: { nodes: { id: string; consent: string; lastMessage: { id: string; text: string } | null }[] };
    };
    const request = await waitFor(async () => {
      const data = await asIdentity<Data>(query, { id: identity.id, consent: ['unknown'] });
      return data.conversations.nodes.find((c) => c.id === peerDm.id);
    }, 'the DM among the requests');
    expect(request).toMatchObject({
      id: peerDm.id,
      identityId: identity.id,
      type: 'dm',
      consent: 'unknown',
      peerInboxId: env.peers.clients[0]!.inboxId,
      isActive: true,
      lastMessage: { id: peerMessageId, text: 'hello over graphql' },
    });
  });

  it('allows it: it leaves the requests and shows in consent', async () => {
    const set = await asIdentity<{ setConsent: unknown }>(
      `mutation ($id: String!, $input: SetConsentInput!) { setConsent(identityId: $id, input: $input) { entityType entity state } }`,
      { id: identity.id, input: { entityType: 'conversation', entity: peerDm.id, state: 'allowed' } },
    );
    expect(set.setConsent).toEqual({ entityType: 'conversation', entity: peerDm.id, state: 'allowed' });
    const lists = await asIdentity<{
      requests: { nodes: { id: string }[] };
      allowed: { nodes: { id: string; consent: string }[] };
      consent: unknown[];
    }>(
      `query ($id: String!) {
        requests: conversations(identityId: $id, consent: [unknown]) { nodes { id } }
        allowed: conversations(identityId: $id, consent: [allowed]) { nodes { id consent } }
        consent(identityId: $id) { entityType entity state }
      }`,
      { id: identity.id },
    );
    expect(lists.requests.nodes.map((c) => c.id)).not.toContain(peerDm.id);
    expect(lists.allowed.nodes).toContainEqual({ id: peerDm.id, consent: 'allowed' });
    expect(lists.consent).toContainEqual({ entityType: 'conversation', entity: peerDm.id, state: 'allowed' });
  });

  it("reads the peer's message through the messages connection", async () => {
    const data = await asIdentity<{
      messages: { nodes: MessageData[]; edges: { cursor: string | null }[]; pageInfo: { hasNextPage: boolean } };
    }>(
      `query ($id: String!, $cid: String!) { messages(identityId: $id, conversationId: $cid, first: 10, direction: desc) {
        nodes { ${MESSAGE_FIELDS} } edges { cursor } pageInfo { hasNextPage endCursor } } }`,
      { id: identity.id, cid: peerDm.id },
    );
    const message = data.messages.nodes.find((m) => m.id === peerMessageId);
    expect(message).toMatchObject({
      conversationId: peerDm.id,
      senderInboxId: env.peers.clients[0]!.inboxId,
      contentType: { authorityId: 'xmtp.org', typeId: 'text', versionMajor: 1, versionMinor: 0 },
      content: 'hello over graphql',
      text: 'hello over graphql',
      deliveryStatus: 'published',
    });
    expect(new Date(message!.sentAt).getTime()).toBe(Number(BigInt(message!.sentAtNs) / 1_000_000n));
  });

  it('replies with text, reply and reaction; the peer receives each with the right content type', async () => {
    const send = `mutation ($id: String!, $cid: String!, $content: MessageContentInput!, $key: String) {
      sendMessage(identityId: $id, conversationId: $cid, content: $content, idempotencyKey: $key) { ${MESSAGE_FIELDS} } }`;
    const sends: { content: Record<string, unknown>; typeId: string; check: (received: unknown) => void }[] = [
      {
        content: { type: 'text', text: 'hi from the frontend' },
        typeId: 'text',
        check: (c) => expect(c).toBe('hi from the frontend'),
      },
      {
        content: { type: 'reply', reference: peerMessageId, text: 'replying over graphql' },
        typeId: 'reply',
        check: (c) => expect(c).toMatchObject({ referenceId: peerMessageId, content: 'replying over graphql' }),
      },
      {
        content: { type: 'reaction', reference: peerMessageId, action: 'added', schema: 'unicode', content: '🎉' },
        typeId: 'reaction',
        check: (c) => expect(c).toMatchObject({ reference: peerMessageId, content: '🎉' }),
      },
    ];
    for (const [index, item] of sends.entries()) {
      const key = `gql-send-${identity.id}-${index}`;
      const sent = (
        await asIdentity<{ sendMessage: MessageData }>(send, {
          id: identity.id,
          cid: peerDm.id,
          content: item.content,
          key,
        })
      ).sendMessage;
      expect(sent).toMatchObject({
        conversationId: peerDm.id,
        senderInboxId: identity.inboxId,
        contentType: { authorityId: 'xmtp.org', typeId: item.typeId },
      });
      // The same key again replays the first answer instead of sending twice.
      const replay = (
        await asIdentity<{ sendMessage: MessageData }>(send, {
          id: identity.id,
          cid: peerDm.id,
          content: item.content,
          key,
        })
      ).sendMessage;
      expect(replay.id).toBe(sent.id);

      await peerDm.sync();
      const received = await env.peers.clients[0]!.client.conversations.getMessageById(sent.id);
      expect(received?.contentType.typeId).toBe(item.typeId);
      expect(received?.senderInboxId).toBe(identity.inboxId);
      item.check(received?.content);
    }
    await peerDm.sync();
    // Replays sent nothing: the peer has exactly one text and one reply from the identity (its message list leaves reactions out).
    const peerSees = (await peerDm.messages()).filter((m) => m.senderInboxId === identity.inboxId);
    expect(peerSees.map((m) => m.contentType.typeId).sort()).toEqual(['reply', 'text']);

    const reply = await asIdentity<{ messages: { nodes: MessageData[] } }>(
      `query ($id: String!, $cid: String!) { messages(identityId: $id, conversationId: $cid, contentTypes: ["reply"]) { nodes { text content } } }`,
      { id: identity.id, cid: peerDm.id },
    );
    expect(reply.messages.nodes).toEqual([
      { text: 'replying over graphql', content: expect.objectContaining({ reference: peerMessageId }) },
    ]);
  });
});

describe('groups, loaders and errors over GraphQL', () => {
  let groupId: string;

  it('creates, renames and changes the members of a group', async () => {
    const peer = env.peers.clients[0]!;
    const created = await asIdentity<{
      createGroup: { id: string; type: string; name: string; permissions: string; members: { inboxId: string }[] };
    }>(
      `mutation ($id: String!, $input: CreateGroupInput!) { createGroup(identityId: $id, input: $input) { id type name permissions members { inboxId role } } }`,
      { id: identity.id, input: { members: [peer.wallet.address], name: 'GraphQL group', permissions: 'admin_only' } },
    );
    groupId = created.createGroup.id;
    expect(created.createGroup).toMatchObject({ type: 'group', name: 'GraphQL group', permissions: 'admin_only' });
    expect(created.createGroup.members.map((m) => m.inboxId).sort()).toEqual([identity.inboxId, peer.inboxId].sort());

    const renamed = await asIdentity<{ updateGroup: { name: string; description: string } }>(
      `mutation ($id: String!, $cid: String!) { updateGroup(identityId: $id, conversationId: $cid, input: { name: "Renamed", description: "via graphql" }) { name description } }`,
      { id: identity.id, cid: groupId },
    );
    expect(renamed.updateGroup).toEqual({ name: 'Renamed', description: 'via graphql' });

    const added = await asIdentity<{ addMembers: { inboxId: string }[] }>(
      `mutation ($id: String!, $cid: String!, $m: [String!]!) { addMembers(identityId: $id, conversationId: $cid, members: $m) { inboxId } }`,
      { id: identity.id, cid: groupId, m: [second.inboxId] },
    );
    expect(added.addMembers.map((m) => m.inboxId)).toContain(second.inboxId);
    const removed = await asIdentity<{ removeMembers: { inboxId: string }[] }>(
      `mutation ($id: String!, $cid: String!, $m: [String!]!) { removeMembers(identityId: $id, conversationId: $cid, members: $m) { inboxId } }`,
      { id: identity.id, cid: groupId, m: [second.inboxId] },
    );
    expect(removed.removeMembers.map((m) => m.inboxId)).not.toContain(second.inboxId);

    const group = await waitFor(async () => {
      await peer.client.conversations.sync();
      const found = await peer.client.conversations.getConversationById(groupId);
      if (!found) return undefined;
      await found.sync();
      const updates = (await found.messages()).filter((m) => m.contentType.typeId === 'group_updated');
      return updates.length >= 3 ? updates : undefined;
    }, 'the peer to see the rename and the member changes');
    expect(group.length).toBeGreaterThanOrEqual(3);
  });

  it('resolves lastMessage and members of a conversation list in one loader batch each', async () => {
    const loaders = env.gateway.app.get(LoaderServices, { strict: false });
    const before = {
      batches: loaders.batches.get('lastMessages') ?? 0,
      lookups: loaders.lookups.get('lastMessages') ?? 0,
      members: loaders.batches.get('members') ?? 0,
    };
    const data = await asIdentity<{
      conversations: { nodes: { id: string; lastMessage: { id: string } | null; members: { inboxId: string }[] }[] };
      again: { nodes: { lastMessage: { id: string } | null }[] };
    }>(
      `query ($id: String!) {
        conversations(identityId: $id, first: 10) { nodes { id lastMessage { id } members { inboxId } } }
        again: conversations(identityId: $id, first: 10) { nodes { lastMessage { id } } }
      }`,
      { id: identity.id },
    );
    const count = data.conversations.nodes.length;
    expect(count).toBeGreaterThanOrEqual(2);
    expect(data.conversations.nodes.every((c) => c.lastMessage !== null && c.members.length >= 2)).toBe(true);
    expect(data.again.nodes.map((c) => c.lastMessage?.id)).toEqual(
      data.conversations.nodes.map((c) => c.lastMessage?.id),
    );
    // 2 × count lastMessage fields: one batch, each conversation looked up once.
    expect((loaders.batches.get('lastMessages') ?? 0) - before.batches).toBe(1);
    expect((loaders.lookups.get('lastMessages') ?? 0) - before.lookups).toBe(count);
    expect((loaders.batches.get('members') ?? 0) - before.members).toBe(1);
  });

  it('answers FORBIDDEN, NOT_FOUND and VALIDATION_FAILED as REST does', async () => {
    const query = `query ($id: String!) { conversations(identityId: $id) { nodes { id } } }`;
    // The identity token is for `identity` only.
    expect(codesOf(await graphql(env.gateway, query, { id: second.id }, token))).toEqual(['FORBIDDEN']);
    // Another tenant's key does not see the identity.
    const other = await signUpTenant(env.gateway);
    const otherKey = (await createApiKey(env.gateway, other.adminToken, ['messages'])).key;
    expect(codesOf(await graphql(env.gateway, query, { id: identity.id }, otherKey))).toEqual(['NOT_FOUND']);
    // A key without the messages scope.
    const identitiesOnly = (await createApiKey(env.gateway, other.adminToken, ['identities'])).key;
    expect(codesOf(await graphql(env.gateway, query, { id: identity.id }, identitiesOnly))).toEqual(['FORBIDDEN']);

    const unknown = await graphql(
      env.gateway,
      `
        query ($id: String!) {
          messages(identityId: $id, conversationId: "abc123") {
            nodes {
              id
            }
          }
        }
      `,
      { id: identity.id },
      token,
    );
    expect(codesOf(unknown)).toEqual(['NOT_FOUND']);

    const send = `mutation ($id: String!, $cid: String!, $content: MessageContentInput!) { sendMessage(identityId: $id, conversationId: $cid, content: $content) { id } }`;
    const blank = await graphql(
      env.gateway,
      send,
      { id: identity.id, cid: groupId, content: { type: 'text', text: '   ' } },
      token,
    );
    expect(codesOf(blank)).toEqual(['VALIDATION_FAILED']);
    expect(blank.errors![0]!.extensions.field).toEqual(['content.text']);
    const badReaction = await graphql(
      env.gateway,
      send,
      { id: identity.id, cid: groupId, content: { type: 'reaction', reference: 'nope', content: '👍' } },
      token,
    );
    expect(codesOf(badReaction)).toEqual(['VALIDATION_FAILED']);
    expect(badReaction.errors![0]!.extensions.field).toEqual(
      expect.arrayContaining(['content.reference', 'content.action', 'content.schema']),
    );
    const badEnum = await graphql(
      env.gateway,
      send,
      { id: identity.id, cid: groupId, content: { type: 'video' } },
      token,
    );
    expect(codesOf(badEnum)).toEqual(['VALIDATION_FAILED']);

    const dm = await asIdentity<{ createDm: { id: string } }>(
      `mutation ($id: String!, $peer: String!) { createDm(identityId: $id, peer: $peer) { id } }`,
      {
        id: identity.id,
        peer: second.address,
      },
    );
    const onDm = await graphql(
      env.gateway,
      `
        mutation ($id: String!, $cid: String!) {
          updateGroup(identityId: $id, conversationId: $cid, input: { name: "x" }) {
            id
          }
        }
      `,
      { id: identity.id, cid: dm.createDm.id },
      token,
    );
    expect(codesOf(onDm)).toEqual(['CONFLICT']);
  });
});
