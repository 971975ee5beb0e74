// XMTP's structured content types through Mailroom: sent over REST and GraphQL and decoded by a raw SDK peer; sent by
// the peer and listed back by the hosted identity in the same JSON; refused field by field when malformed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ActionStyle,
  decryptAttachment,
  encryptAttachment,
  type Conversation,
  type Dm,
  type RemoteAttachment,
} from '@xmtp/node-sdk';
import type { Client as WsClient } from 'graphql-ws';
import { codesOf, graphql, graphqlOk, wsClient } from '../graphql/support.js';
import { live, MESSAGE_SUBSCRIPTION, supervisorOf, type LiveSubscription } from '../realtime/support.js';
import { startMessagingEnv, waitFor, type MessagingEnv } from './support.js';

const INLINE_LIMIT = 64 * 1024;
let env: MessagingEnv;
let identity: { id: string; inboxId: string; address: string };
let peerDm: Dm<unknown>;
let messagesPath: string;
let blobServer: Server;

const FILE = Buffer.from('the remote file body '.repeat(100));
const encrypted = encryptAttachment({ filename: 'report.txt', mimeType: 'text/plain', content: new Uint8Array(FILE) });
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const ADDRESS_A = '0x1111111111111111111111111111111111111111';
const ADDRESS_B = '0x2222222222222222222222222222222222222222';
const nsOf = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;

/** One sample per type, in Mailroom's JSON (what is sent is what every reader gets back). */
function samples(blobUrl: string): Record<string, Record<string, unknown>> {
  return {
    transactionReference: {
      namespace: 'eip155',
      networkId: '8453',
      reference: `0x${'ab'.repeat(32)}`,
      metadata: {
        transactionType: 'transfer',
        currency: 'USDC',
        amount: 100000,
        decimals: 6,
        fromAddress: ADDRESS_A,
        toAddress: ADDRESS_B,
      },
    },
    walletSendCalls: {
      version: '1.0',
      chainId: '0x2105',
      from: ADDRESS_A,
      calls: [
        {
          to: ADDRESS_B,
          data: '0xa9059cbb',
          value: '0x0',
          gas: '0x5208',
          metadata: { description: 'Send 1 USDC', transactionType: 'transfer' },
        },
        { to: ADDRESS_B, value: '0x1' },
      ],
      capabilities: { paymasterService: 'https://paymaster.example/v1' },
    },
    actions: {
      id: 'payment-42',
      description: 'Send Alice some USDC?',
      actions: [
        {
          id: 'send-10',
          label: 'Send $10',
          style: 'primary',
          imageUrl: 'https://img.example/10.png',
          expiresAt: '2030-01-01T00:00:00.000Z',
        },
        { id: 'cancel', label: 'Cancel', style: 'danger' },
        { id: 'later', label: 'Later' },
      ],
      expiresAt: '2030-06-01T12:30:00.250Z',
    },
    intent: {
      id: 'payment-42',
      actionId: 'send-10',
      metadata: { amount: 10, note: 'thanks', urgent: true, ref: null },
    },
    attachment: { filename: 'hello.txt', mimeType: 'text/plain', data: b64(Buffer.from('hello, inline file')) },
    remoteAttachment: {
      url: blobUrl,
      contentDigest: encrypted.contentDigest,
      secret: b64(encrypted.secret),
      salt: b64(encrypted.salt),
      nonce: b64(encrypted.nonce),
      scheme: 'http://',
      contentLength: encrypted.contentLength,
      filename: 'report.txt',
    },
  };
}
let SAMPLES: ReturnType<typeof samples>;

const TYPE_IDS: Record<string, { authorityId: string; typeId: string }> = {
  transactionReference: { authorityId: 'xmtp.org', typeId: 'transactionReference' },
  walletSendCalls: { authorityId: 'xmtp.org', typeId: 'walletSendCalls' },
  actions: { authorityId: 'coinbase.com', typeId: 'actions' },
  intent: { authorityId: 'coinbase.com', typeId: 'intent' },
  attachment: { authorityId: 'xmtp.org', typeId: 'attachment' },
  remoteAttachment: { authorityId: 'xmtp.org', typeId: 'remoteStaticAttachment' },
};

/** The actions sample as the SDK's own value: what the peer sends, and what it decodes from the gateway's. */
function sdkActions(sample: any) {
  return {
    id: sample.id,
    description: sample.description,
    actions: [
      {
        id: 'send-10',
        label: 'Send $10',
        style: ActionStyle.Primary,
        imageUrl: 'https://img.example/10.png',
        expiresAtNs: nsOf('2030-01-01T00:00:00.000Z'),
      },
      { id: 'cancel', label: 'Cancel', style: ActionStyle.Danger },
      { id: 'later', label: 'Later' },
    ],
    expiresAtNs: nsOf(sample.expiresAt),
  };
}

/** What the raw SDK peer decodes for each sample (the SDK's own value types). */
async function expectPeerDecoded(type: string, content: any): Promise<void> {
  const sample = SAMPLES[type]! as any;
  switch (type) {
    case 'actions':
      expect(content).toEqual(sdkActions(sample));
      break;
    case 'attachment':
      expect(content).toEqual({
        filename: 'hello.txt',
        mimeType: 'text/plain',
        content: new Uint8Array(Buffer.from('hello, inline file')),
      });
      break;
    case 'remoteAttachment': {
      const remote = content as RemoteAttachment;
      expect(remote).toMatchObject({
        url: sample.url,
        contentDigest: sample.contentDigest,
        scheme: 'http://',
        contentLength: sample.contentLength,
        filename: 'report.txt',
      });
      const payload = new Uint8Array(await (await fetch(remote.url)).arrayBuffer());
      const file = decryptAttachment(payload, remote);
      expect(Buffer.from(file.content).equals(FILE)).toBe(true);
      expect(file.filename).toBe('report.txt');
      break;
    }
    default:
      expect(content).toEqual(sample);
  }
}

async function peerReceived(conversation: Conversation<unknown>, id: string) {
  await conversation.sync();
  const message = env.peers.clients[0]!.client.conversations.getMessageById(id);
  expect(message).toBeDefined();
  return message!;
}

/** The peer sends each sample with the SDK's own send method. */
function peerSend(type: string): Promise<string> {
  const s = SAMPLES[type] as any;
  switch (type) {
    case 'transactionReference':
      return peerDm.sendTransactionReference(s);
    case 'walletSendCalls':
      return peerDm.sendWalletSendCalls(s);
    case 'actions':
      return peerDm.sendActions(sdkActions(s));
    case 'intent':
      return peerDm.sendIntent(s);
    case 'attachment':
      return peerDm.sendAttachment({
        filename: s.filename,
        mimeType: s.mimeType,
        content: new Uint8Array(Buffer.from(s.data, 'base64')),
      });
    default:
      return peerDm.sendRemoteAttachment({
        url: s.url,
        contentDigest: s.contentDigest,
        secret: encrypted.secret,
        salt: encrypted.salt,
        nonce: encrypted.nonce,
        scheme: s.scheme,
        contentLength: s.contentLength,
        filename: s.filename,
      });
  }
}

beforeAll(async () => {
  env = await startMessagingEnv(1, {
    ATTACHMENT_MAX_BYTES: String(INLINE_LIMIT),
    ATTACHMENT_MIME_DENY: 'application/x-msdownload',
  });
  blobServer = createServer((_request, response) => response.end(Buffer.from(encrypted.payload)));
  await new Promise<void>((resolve) => blobServer.listen(0, '127.0.0.1', resolve));
  SAMPLES = samples(`http://127.0.0.1:${(blobServer.address() as AddressInfo).port}/blobs/report`);
  identity = await env.createIdentity('content types');
  peerDm = await env.peers.clients[0]!.client.conversations.createDm(identity.inboxId);
  await peerDm.sendText('hello');
  messagesPath = `/v1/identities/${identity.id}/conversations/${peerDm.id}/messages`;
  await waitFor(
    async () => (await env.call('GET', `/v1/identities/${identity.id}/conversations/${peerDm.id}`)).status === 200,
    'the DM at the gateway',
  );
  const consent = await env.call('PUT', `/v1/identities/${identity.id}/consent`, {
    entityType: 'conversation',
    entity: peerDm.id,
    state: 'allowed',
  });
  expect(consent.status).toBe(200);
});

afterAll(async () => {
  blobServer?.close();
  await env?.close();
});

const TYPES = ['transactionReference', 'walletSendCalls', 'actions', 'intent', 'attachment', 'remoteAttachment'];

describe('sending each content type', () => {
  it.each(TYPES)('REST sends %s; the answer shows the same JSON and the raw SDK peer decodes it', async (type) => {
    const res = await env.call('POST', messagesPath, { content: { type, ...SAMPLES[type] } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      senderInboxId: identity.inboxId,
      contentType: TYPE_IDS[type],
      content: SAMPLES[type],
      text: null,
      encodedContent: null,
    });
    const received = await peerReceived(peerDm, res.body.id);
    expect(received.contentType).toMatchObject(TYPE_IDS[type]!);
    await expectPeerDecoded(type, received.content);
    const listed = await env.call('GET', messagesPath);
    expect(listed.body.items.find((m: any) => m.id === res.body.id)?.content).toEqual(SAMPLES[type]);
  });

  it.each(TYPES)('GraphQL sendMessage sends %s; the raw SDK peer decodes it', async (type) => {
    const mutation = `mutation ($id: String!, $cid: String!, $content: MessageContentInput!) {
      sendMessage(identityId: $id, conversationId: $cid, content: $content) { id contentType { authorityId typeId } content } }`;
    const data = await graphqlOk<{ sendMessage: { id: string; contentType: unknown; content: unknown } }>(
      env.gateway,
      mutation,
      { id: identity.id, cid: peerDm.id, content: { type, ...SAMPLES[type] } },
      env.key,
    );
    expect(data.sendMessage.contentType).toEqual(TYPE_IDS[type]);
    expect(data.sendMessage.content).toEqual(SAMPLES[type]);
    const received = await peerReceived(peerDm, data.sendMessage.id);
    await expectPeerDecoded(type, received.content);
  });

  it('takes a numeric networkId and reads it back as a string; omitted optional fields stay absent', async () => {
    const res = await env.call('POST', messagesPath, {
      content: { type: 'transactionReference', networkId: 1, reference: '0xfeed' },
    });
    expect(res.status).toBe(201);
    expect(res.body.content).toEqual({ networkId: '1', reference: '0xfeed' });
    expect((await peerReceived(peerDm, res.body.id)).content).toEqual({ networkId: '1', reference: '0xfeed' });
  });
});

describe('receiving each content type from a raw SDK peer', () => {
  let socket: WsClient;
  let subscription: LiveSubscription<any>;

  beforeAll(async () => {
    socket = wsClient(env.gateway, `Bearer ${env.key}`);
    subscription = live<any>(socket, MESSAGE_SUBSCRIPTION, { identityId: identity.id, conversationId: peerDm.id });
    await waitFor(() => supervisorOf(env.gateway).isLive(identity.id), 'the identity streaming');
  });

  afterAll(async () => {
    subscription?.dispose();
    await socket?.dispose();
  });

  it.each(TYPES)(
    '%s lists back in the JSON Mailroom sends it in, over REST, GraphQL and the messageReceived subscription',
    async (type) => {
      const id = await peerSend(type);
      const pushed = await waitFor(
        () => subscription.results.find((r) => r.data?.messageReceived?.id === id)?.data.messageReceived,
        `the peer's ${type} on the socket`,
      );
      expect(pushed.content).toEqual(SAMPLES[type]);
      const message = await waitFor(
        async () => (await env.call('GET', messagesPath)).body.items.find((m: any) => m.id === id),
        `the peer's ${type}`,
      );
      expect(message).toMatchObject({
        senderInboxId: env.peers.clients[0]!.inboxId,
        contentType: TYPE_IDS[type],
        encodedContent: null,
      });
      expect(message.content).toEqual(SAMPLES[type]);
      const query = `query ($id: String!, $cid: String!) { messages(identityId: $id, conversationId: $cid, first: 5) { nodes { id content } } }`;
      const data = await graphqlOk<{ messages: { nodes: { id: string; content: unknown }[] } }>(
        env.gateway,
        query,
        { id: identity.id, cid: peerDm.id },
        env.key,
      );
      expect(data.messages.nodes.find((m) => m.id === id)?.content).toEqual(SAMPLES[type]);
    },
  );

  it('filters the listing by the new content type names', async () => {
    const res = await env.call('GET', `${messagesPath}?contentTypes=actions,intent`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThanOrEqual(4);
    expect(new Set(res.body.items.map((m: any) => m.contentType.typeId))).toEqual(new Set(['actions', 'intent']));
  });
});

describe('malformed content is refused field by field', () => {
  const send = (content: unknown) => env.call('POST', messagesPath, { content });
  const fieldsOf = (res: { body: any }) => (res.body.errors ?? []).map((e: { field: string }) => e.field);

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'a transaction reference without network or hash',
      { type: 'transactionReference' },
      ['content.networkId', 'content.reference'],
    ],
    [
      'a transaction reference with incomplete metadata',
      {
        type: 'transactionReference',
        networkId: '1',
        reference: '0x1',
        metadata: { transactionType: 'transfer', currency: 'ETH', amount: -1 },
      },
      [
        'content.metadata.amount',
        'content.metadata.decimals',
        'content.metadata.fromAddress',
        'content.metadata.toAddress',
      ],
    ],
    [
      'wallet calls with a decimal chain id, a bad sender and a bad call',
      {
        type: 'walletSendCalls',
        version: '1.0',
        chainId: '8453',
        from: 'alice',
        calls: [{ to: '0x12', value: 10, metadata: { n: 1 } }],
      },
      ['content.chainId', 'content.from', 'content.calls.0.to', 'content.calls.0.value', 'content.calls.0.metadata.n'],
    ],
    [
      'wallet calls without calls',
      { type: 'walletSendCalls', version: '1.0', chainId: '0x1', from: ADDRESS_A, calls: [] },
      ['content.calls'],
    ],
    [
      'actions with a repeated id, an unknown style, a bad date and an unknown field',
      {
        type: 'actions',
        id: 'a',
        description: 'pick',
        expiresAt: 'tomorrow',
        actions: [
          { id: 'x', label: 'X', style: 'loud' },
          { id: 'x', label: 'Y', colour: 'red' },
        ],
      },
      ['content.expiresAt', 'content.actions.0.style', 'content.actions.1.id', 'content.actions.1.colour'],
    ],
    [
      'eleven actions',
      {
        type: 'actions',
        id: 'a',
        description: 'pick',
        actions: Array.from({ length: 11 }, (_, i) => ({ id: `a${i}`, label: 'L' })),
      },
      ['content.actions'],
    ],
    [
      'an intent with nested metadata',
      { type: 'intent', id: 'a', actionId: 'x', metadata: { deep: { no: 1 } } },
      ['content.metadata.deep'],
    ],
    [
      'an attachment with a path for a name, no media type and data that is not base64',
      { type: 'attachment', filename: '../etc/passwd', data: 'not base64!' },
      ['content.filename', 'content.mimeType', 'content.data'],
    ],
    [
      'a remote attachment with short keys, an ftp URL and a bad digest',
      {
        type: 'remoteAttachment',
        url: 'ftp://files.example/x',
        contentDigest: 'abc',
        secret: b64(new Uint8Array(16)),
        salt: b64(new Uint8Array(32)),
        nonce: 'AAAA',
        contentLength: 0,
      },
      ['content.url', 'content.contentDigest', 'content.secret', 'content.nonce', 'content.contentLength'],
    ],
    [
      "a remote attachment whose scheme is not its URL's",
      { ...{ type: 'remoteAttachment' }, ...samplesFor('https://files.example/x'), scheme: 'http://' },
      ['content.scheme'],
    ],
    ['a field of another type', { type: 'intent', id: 'a', actionId: 'x', text: 'hello' }, ['content.text']],
  ])('%s → 400 VALIDATION_FAILED naming each field', async (_, content, fields) => {
    const res = await send(content);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect(fieldsOf(res).sort()).toEqual([...fields].sort());
  });

  it("refuses an inline attachment over the operator's ATTACHMENT_MAX_BYTES, and accepts one at it", async () => {
    const over = await send({
      type: 'attachment',
      mimeType: 'application/octet-stream',
      data: b64(new Uint8Array(INLINE_LIMIT + 1)),
    });
    expect({ status: over.status, fields: fieldsOf(over) }).toEqual({ status: 400, fields: ['content.data'] });
    expect(over.body.errors[0].message).toContain(`limit is ${INLINE_LIMIT} bytes`);
    const at = await send({
      type: 'attachment',
      mimeType: 'application/octet-stream',
      data: b64(new Uint8Array(INLINE_LIMIT).fill(7)),
    });
    expect(at.status).toBe(201);
    expect(Buffer.from(at.body.content.data, 'base64').length).toBe(INLINE_LIMIT);
  });

  it('refuses an inline attachment of a media type the operator denies with 415', async () => {
    const res = await send({
      type: 'attachment',
      mimeType: 'application/x-msdownload',
      filename: 'setup.exe',
      data: b64(Buffer.from('MZ')),
    });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('GraphQL answers VALIDATION_FAILED with the same field names', async () => {
    const mutation = `mutation ($id: String!, $cid: String!, $content: MessageContentInput!) {
      sendMessage(identityId: $id, conversationId: $cid, content: $content) { id } }`;
    const res = await graphql(
      env.gateway,
      mutation,
      {
        id: identity.id,
        cid: peerDm.id,
        content: {
          type: 'actions',
          id: 'a',
          description: 'pick',
          actions: [
            { id: 'x', label: 'X' },
            { id: 'x', label: 'Y' },
          ],
        },
      },
      env.key,
    );
    expect(codesOf(res)).toEqual(['VALIDATION_FAILED']);
    expect(res.errors![0]!.extensions.field).toEqual(['content.actions.1.id']);
  });
});

/** A well-formed remote attachment at `url` (for tests that break one field). */
function samplesFor(url: string): Record<string, unknown> {
  return {
    url,
    contentDigest: encrypted.contentDigest,
    secret: b64(encrypted.secret),
    salt: b64(encrypted.salt),
    nonce: b64(encrypted.nonce),
    contentLength: encrypted.contentLength,
  };
}
