// The gateway's lean stream decoding (libs/xmtp/src/sdk/streamed-text.ts) on the SDK this process selected (XMTP_SDK),
// with real clients on a devnet: streamed text and markdown come out as the SDK's own read would give them, without
// that read; every other type still takes it.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startDevnet, type Devnet } from '@mailroom/devnet';
import { xmtpSdk, type XmtpDecodedMessage } from '@mailroom/xmtp';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import { ReactionAction, ReactionSchema } from '@xmtp/node-sdk';
import { waitFor } from '../devnet/support.js';

let devnet: Devnet;
let clients: TestClients;

beforeAll(async () => {
  devnet = await startDevnet({ port: 0 });
  clients = await createTestClients(devnet.url, 2);
});

afterAll(async () => {
  await clients?.cleanup();
  await devnet?.stop();
});

const FIELDS = [
  'id',
  'sentAtNs',
  'sentAt',
  'conversationId',
  'senderInboxId',
  'contentType',
  'content',
  'fallback',
  'kind',
  'deliveryStatus',
] as const;
const fieldsOf = (message: XmtpDecodedMessage<unknown> | undefined) =>
  Object.fromEntries(FIELDS.map((field) => [field, message?.[field]]));

describe('streamed text without rereading', () => {
  it('decodes streamed text and markdown like the SDK’s read, without it; a reaction still takes the read', async () => {
    const adapter = xmtpSdk();
    // Counts the SDK's own read (the enriched lookup in the client's database); installed below the lean path, so
    // it sees only the messages that path hands back to the SDK.
    const sdkRead = jest.spyOn(adapter.sdk.Conversations.prototype, 'getMessageById');
    adapter.decodeStreamedTextWithoutRereading();

    const [sender, receiver] = clients.clients.map((c) => c.client);
    const dm = await sender!.conversations.createDm(receiver!.inboxId);
    await receiver!.conversations.sync();
    const streamed: XmtpDecodedMessage<unknown>[] = [];
    const stream = await receiver!.conversations.streamAllMessages({ disableSync: true });
    void (async () => {
      for await (const message of stream) if (message) streamed.push(message);
    })();

    const text = await dm.sendText('plain text, with ünïcödé ☃ and an emoji 📬');
    const markdown = await dm.sendMarkdown('# Heading\n\n**bold** and `code`');
    const reaction = await dm.sendReaction({
      reference: text,
      referenceInboxId: sender!.inboxId,
      action: ReactionAction.Added,
      schema: ReactionSchema.Unicode,
      content: '👍',
    });
    await waitFor(() => streamed.length >= 3, 10_000, 'three streamed messages');
    await stream.end();

    expect(streamed.map((m) => m.id)).toEqual([text, markdown, reaction]);
    const readsWhileStreaming = sdkRead.mock.calls.map(([id]) => id);
    expect(readsWhileStreaming).toEqual([reaction]);

    for (const message of streamed.slice(0, 2)) {
      expect(message).toBeInstanceOf(adapter.sdk.DecodedMessage);
      const read = receiver!.conversations.getMessageById(message.id);
      expect(read).toBeDefined();
      expect(fieldsOf(message)).toEqual(fieldsOf(read));
    }
    expect(streamed[0]!.content).toBe('plain text, with ünïcödé ☃ and an emoji 📬');
    expect(streamed[1]!.contentType?.typeId).toBe('markdown');
    expect(streamed[2]!.contentType?.typeId).toBe('reaction');
  });
});
