import { randomBytes } from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { encryptAttachment, type MultiRemoteAttachment, type RemoteAttachment } from '@xmtp/node-sdk';
import { peerDownloads, serveBytes, startAttachmentEnv, waitFor, type AttachmentEnv } from './support.js';

let env: AttachmentEnv;

beforeAll(async () => {
  env = await startAttachmentEnv({ ATTACHMENT_MIME_DENY: 'application/x-msdownload' });
}, 120_000);

afterAll(async () => {
  await env?.close();
});

const MB = 1024 * 1024;

describe.each(['s3', 'ipfs', 'filesystem'] as const)('a 5 MB file through the %s store', (store) => {
  const file = randomBytes(5 * MB);
  let sent: any;

  beforeAll(async () => {
    await env.setTenantSettings({ attachmentStore: store, attachmentMaxBytes: null });
  });

  it('is encrypted, stored and sent; the peer downloads and decrypts it with the SDK: identical bytes', async () => {
    const res = await env.upload(env.peerDm.id, [{ name: 'report.pdf', type: 'application/pdf', bytes: file }]);
    expect(res.status).toBe(201);
    sent = res.body;
    expect(sent.attachments).toEqual([
      {
        filename: 'report.pdf',
        contentType: 'application/pdf',
        size: file.length,
        url: expect.any(String),
        digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    expect(sent.message).toMatchObject({
      conversationId: env.peerDm.id,
      senderInboxId: env.identity.inboxId,
      contentType: { authorityId: 'xmtp.org', typeId: 'remoteStaticAttachment' },
    });
    const expectedUrl = {
      s3: `${env.s3.endpoint}/${env.s3.bucket}/attachments/`,
      ipfs: `${env.ipfs.url}/ipfs/`,
      filesystem: `${env.gateway.url}/blobs/`,
    }[store];
    expect(sent.attachments[0].url.startsWith(expectedUrl)).toBe(true);

    const received = await env.peerReceives(sent.message.id);
    expect(received.contentType.typeId).toBe('remoteStaticAttachment');
    const remote = received.content as RemoteAttachment;
    expect(remote.url).toBe(sent.attachments[0].url);
    expect(remote.contentDigest).toBe(sent.attachments[0].digest);
    const decrypted = await peerDownloads(remote);
    expect(decrypted.filename).toBe('report.pdf');
    expect(decrypted.mimeType).toBe('application/pdf');
    expect(Buffer.from(decrypted.content).equals(file)).toBe(true);
  }, 60_000);

  it('records the attachment without any key material', async () => {
    const rows = await env.gateway.runtime.prisma.attachment.findMany({ where: { messageId: sent.message.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      tenantId: env.tenantId,
      identityId: env.identity.id,
      conversationId: env.peerDm.id,
      position: 0,
      store: store === 'filesystem' ? 'fs' : store,
      size: BigInt(file.length),
      digest: sent.attachments[0].digest,
      filename: 'report.pdf',
      contentType: 'application/pdf',
    });
    expect(Object.keys(rows[0]!).some((k) => /secret|salt|nonce/i.test(k))).toBe(false);
  });

  it('reads its own sent attachment back through GET …/attachment', async () => {
    const res = await fetch(
      `${env.gateway.url}/v1/identities/${env.identity.id}/messages/${sent.message.id}/attachment`,
      {
        headers: { authorization: `Bearer ${env.key}` },
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain('filename="report.pdf"');
    expect(Buffer.from(await res.arrayBuffer()).equals(file)).toBe(true);
  }, 60_000);
});

describe('several files', () => {
  it('sends 3 files as one multi remote attachment; the peer decrypts each; GET ?index= serves each', async () => {
    await env.setTenantSettings({ attachmentStore: 's3', attachmentMaxBytes: null });
    const files = [
      { name: 'a.txt', type: 'text/plain', bytes: randomBytes(1000) },
      { name: 'b.png', type: 'image/png', bytes: randomBytes(300_000) },
      { name: 'c.bin', type: '', bytes: randomBytes(2 * MB) },
    ];
    const res = await env.upload(env.peerDm.id, files);
    expect(res.status).toBe(201);
    expect(res.body.message.contentType.typeId).toBe('multiRemoteStaticAttachment');
    expect(res.body.attachments.map((a: any) => [a.filename, a.contentType, a.size])).toEqual([
      ['a.txt', 'text/plain', 1000],
      ['b.png', 'image/png', 300_000],
      ['c.bin', 'application/octet-stream', 2 * MB],
    ]);

    const received = await env.peerReceives(res.body.message.id);
    expect(received.contentType.typeId).toBe('multiRemoteStaticAttachment');
    const multi = received.content as MultiRemoteAttachment;
    expect(multi.attachments).toHaveLength(3);
    for (const [i, remote] of multi.attachments.entries()) {
      const decrypted = await peerDownloads(remote);
      expect(decrypted.filename).toBe(files[i]!.name);
      expect(Buffer.from(decrypted.content).equals(Buffer.from(files[i]!.bytes))).toBe(true);
    }
    const second = await fetch(
      `${env.gateway.url}/v1/identities/${env.identity.id}/messages/${res.body.message.id}/attachment?index=1`,
      {
        headers: { authorization: `Bearer ${env.key}` },
      },
    );
    expect(second.status).toBe(200);
    expect(Buffer.from(await second.arrayBuffer()).equals(Buffer.from(files[1]!.bytes))).toBe(true);
    const missing = await env.call(
      'GET',
      `/v1/identities/${env.identity.id}/messages/${res.body.message.id}/attachment?index=3`,
    );
    expect(missing.status).toBe(404);
    const rows = await env.gateway.runtime.prisma.attachment.findMany({
      where: { messageId: res.body.message.id },
      orderBy: { position: 'asc' },
    });
    expect(rows.map((r) => r.filename)).toEqual(['a.txt', 'b.png', 'c.bin']);
  }, 90_000);
});

describe('received remote attachments (sent by the peer, ciphertext on its own server)', () => {
  const file = randomBytes(1_500_000);
  const encrypted = encryptAttachment({ filename: 'from peer.jpg', mimeType: 'image/jpeg', content: file });

  async function peerSends(url: string, overrides: Partial<RemoteAttachment> = {}): Promise<string> {
    const id = await env.peerDm.sendRemoteAttachment({
      url,
      contentDigest: encrypted.contentDigest,
      secret: encrypted.secret,
      salt: encrypted.salt,
      nonce: encrypted.nonce,
      scheme: 'https://',
      contentLength: encrypted.payload.length,
      filename: 'from peer.jpg',
      ...overrides,
    });
    // The identity reads the conversation (which syncs it), as a client would before asking for a file.
    await waitFor(async () => {
      const page = await env.call(
        'GET',
        `/v1/identities/${env.identity.id}/conversations/${env.peerDm.id}/messages?limit=5`,
      );
      return page.body.items?.some((m: any) => m.id === id);
    }, 'the peer message at the identity');
    return id;
  }

  const download = (messageId: string) =>
    fetch(`${env.gateway.url}/v1/identities/${env.identity.id}/messages/${messageId}/attachment`, {
      headers: { authorization: `Bearer ${env.key}` },
    });

  it('fetches, verifies and decrypts: identical plaintext, filename and type', async () => {
    const host = await serveBytes(encrypted.payload);
    try {
      const id = await peerSends(host.url);
      const res = await download(id);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(res.headers.get('content-length')).toBe(String(file.length));
      expect(res.headers.get('content-disposition')).toBe(
        `attachment; filename="from peer.jpg"; filename*=UTF-8''from%20peer.jpg`,
      );
      expect(Buffer.from(await res.arrayBuffer()).equals(file)).toBe(true);
    } finally {
      await host.close();
    }
  }, 60_000);

  it('answers 422 when the ciphertext was tampered with', async () => {
    const tampered = Buffer.from(encrypted.payload);
    tampered[tampered.length >> 1] ^= 0x01;
    const host = await serveBytes(tampered);
    try {
      const id = await peerSends(host.url);
      const res = await download(id);
      expect(res.status).toBe(422);
      const problem = (await res.json()) as any;
      expect(problem).toMatchObject({ code: 'UNPROCESSABLE', reason: 'digest_mismatch' });
    } finally {
      await host.close();
    }
  }, 60_000);

  it.each([
    ['a private address', 'http://10.20.30.40/file.bin', 'private'],
    ['an IPv6 loopback address not on the allowlist', 'http://[::1]:9/file.bin', 'loopback'],
    ['a non-http scheme', 'ftp://files.example.com/file.bin', 'scheme'],
  ])(
    'refuses to fetch %s (422, no request made)',
    async (_what, url, reason) => {
      const id = await peerSends(url);
      const res = await download(id);
      expect(res.status).toBe(422);
      const problem = (await res.json()) as any;
      expect(problem.reason).toBe('url_refused');
      expect(problem.detail).toContain(reason);
    },
    60_000,
  );

  it('answers 502 when the URL is dead', async () => {
    const host = await serveBytes(encrypted.payload);
    const url = host.url;
    await host.close();
    const id = await peerSends(url);
    const res = await download(id);
    expect(res.status).toBe(502);
  }, 60_000);

  it('answers 404 for a message that is not a remote attachment', async () => {
    const text = await env.peerDm.sendText('just text');
    await waitFor(async () => {
      const page = await env.call(
        'GET',
        `/v1/identities/${env.identity.id}/conversations/${env.peerDm.id}/messages?limit=5`,
      );
      return page.body.items?.some((m: any) => m.id === text);
    }, 'the text message');
    expect((await download(text)).status).toBe(404);
  }, 60_000);
});

describe('refusals before anything is stored or sent', () => {
  async function messageCount(): Promise<number> {
    await env.peerDm.sync();
    return (await env.peerDm.messages()).length;
  }

  it('413 over the tenant limit: no blob stored, no message sent, no row', async () => {
    await env.setTenantSettings({ attachmentStore: 's3', attachmentMaxBytes: 1 * MB });
    const objects = await env.s3ObjectCount();
    const messages = await messageCount();
    const rows = await env.gateway.runtime.prisma.attachment.count();
    const res = await env.upload(env.peerDm.id, [
      { name: 'small.txt', type: 'text/plain', bytes: randomBytes(1000) },
      { name: 'big.bin', type: 'application/octet-stream', bytes: randomBytes(8 * MB) },
      { name: 'after.txt', type: 'text/plain', bytes: randomBytes(1 * MB) },
    ]);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    // The refusal read the request to its end, so the keep-alive connection stays usable for the next request.
    expect(res.headers.get('connection')).not.toBe('close');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await env.s3ObjectCount()).toBe(objects);
    expect(await messageCount()).toBe(messages);
    expect(await env.gateway.runtime.prisma.attachment.count()).toBe(rows);
    await env.setTenantSettings({ attachmentMaxBytes: null });
  }, 60_000);

  it('415 for a denied MIME type', async () => {
    const objects = await env.s3ObjectCount();
    const res = await env.upload(env.peerDm.id, [
      { name: 'setup.exe', type: 'application/x-msdownload', bytes: randomBytes(5000) },
      { name: 'readme.txt', type: 'text/plain', bytes: randomBytes(2 * MB) },
    ]);
    expect(res.status).toBe(415);
    expect(res.headers.get('connection')).not.toBe('close');
    expect(await env.s3ObjectCount()).toBe(objects);
  });

  it('sanitises file names', async () => {
    const res = await env.upload(env.peerDm.id, [
      { name: '..\\..\\etc\\pa\u0007ss<wd>.txt ', type: 'text/plain', bytes: Buffer.from('x') },
    ]);
    expect(res.status).toBe(201);
    expect(res.body.attachments[0].filename).toBe('pass_wd_.txt');
  });

  it('400 without a file part, 404 for an unknown conversation', async () => {
    const empty = await env.upload(env.peerDm.id, []);
    expect(empty.status).toBe(400);
    // Refused before the body is read: the answer closes the connection rather than leave unread bytes on it.
    const unknown = await env.upload('ab'.repeat(16), [{ name: 'a', type: 'text/plain', bytes: randomBytes(4 * MB) }]);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('connection')).toBe('close');
    expect(
      (await env.upload(env.peerDm.id, [{ name: 'b.txt', type: 'text/plain', bytes: Buffer.from('b') }])).status,
    ).toBe(201);
  });
});

describe('GET /blobs/:key', () => {
  it('serves filesystem blobs publicly and 404s unknown keys', async () => {
    await env.setTenantSettings({ attachmentStore: 'filesystem' });
    const res = await env.upload(env.peerDm.id, [{ name: 'a.txt', type: 'text/plain', bytes: Buffer.from('hello') }]);
    const blob = await fetch(res.body.attachments[0].url);
    expect(blob.status).toBe(200);
    expect(blob.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await blob.arrayBuffer()).toString('utf8')).not.toContain('hello');
    expect((await fetch(`${env.gateway.url}/blobs/${'A'.repeat(32)}`)).status).toBe(404);
  });
});
