// The raw side of `npm run bench:pipeline`, as its own process (like a gateway would be): N @xmtp/node-sdk clients in
// a DM ring, each streaming all its messages and POSTing every message from someone else to a webhook receiver; and
// closed-loop senders on demand. Driven by its parent over IPC:
//   → { type: 'run', phase, concurrency, seconds }   ← { type: 'ran', phase, latencies: number[], sent, failed }
//   → { type: 'stop' }
// Ready is announced as { type: 'ready' }. argv: <apiUrl> <identities> <receiverUrl>.
import { createTestClients } from '@mailroom/xmtp/testing';

const [apiUrl, countArg, receiverUrl] = process.argv.slice(2);
const count = Number(countArg);
const epochMs = () => performance.timeOrigin + performance.now();

const clients = await createTestClients(apiUrl, count);
const members = clients.clients.map((c) => c.client);
const dms = [];
for (let i = 0; i < count; i++) dms.push(await members[i].conversations.createDm(members[(i + 1) % count].inboxId));
for (const member of members) await member.conversations.sync();

const streams = [];
for (const member of members) {
  const stream = await member.conversations.streamAllMessages({ disableSync: true });
  streams.push(stream);
  void (async () => {
    for await (const message of stream) {
      if (!message || message.senderInboxId === member.inboxId || typeof message.content !== 'string') continue;
      const body = JSON.stringify({
        id: message.id,
        type: 'message.received',
        createdAt: message.sentAt.toISOString(),
        data: { conversationId: message.conversationId, text: message.content },
      });
      fetch(receiverUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        .then((res) => res.arrayBuffer())
        .catch(() => undefined);
    }
  })();
}

async function run(phase, concurrency, seconds) {
  const latencies = [];
  let failed = 0;
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; Date.now() < deadline; i += concurrency) {
        const t0 = performance.now();
        try {
          await dms[i % dms.length].sendText(`pipeline ${phase} ${i} ${epochMs().toFixed(3)}`);
          latencies.push(performance.now() - t0);
        } catch {
          failed++;
        }
      }
    }),
  );
  return { latencies, sent: latencies.length, failed };
}

process.on('message', async (message) => {
  if (message.type === 'run') {
    const result = await run(message.phase, message.concurrency, message.seconds);
    process.send({ type: 'ran', phase: message.phase, ...result });
  } else if (message.type === 'stop') {
    for (const stream of streams) await stream.end().catch(() => undefined);
    await clients.cleanup();
    process.exit(0);
  }
});
process.send({ type: 'ready' });
