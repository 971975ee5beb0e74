// Two-step attachments: files uploaded (encrypted, stored) through REST `POST /v1/identities/:id/attachments`, sent by
// id through the GraphQL mutation `sendAttachment`, shown in `Message.attachments`.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MultiRemoteAttachment } from '@xmtp/node-sdk';
import { AttachmentUploadSweeper } from '../../apps/gateway/src/modules/attachments/attachment-upload-sweeper.js';
import type { AttachmentUploadView } from '../../apps/gateway/src/modules/attachments/attachment-uploads.service.js';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { codesOf, graphql, graphqlOk } from '../graphql/support.js';
import { peerDownloads, startAttachmentEnv, waitFor, type AttachmentEnv } from './support.js';

const MB = 1024 * 1024;
let env: AttachmentEnv;

interface FileSpec {
  name: string;
  type: string;
  bytes: Uint8Array;
}

beforeAll(async () => {
  env = await startAttachmentEnv({ ATTACHMENT_MIME_DENY: 'application/x-msdownload' });
  await env.setTenantSettings({ attachmentStore: 's3' });
}, 120_000);

afterAll(async () => {
  await env?.close();
});

async function stage(identityId: string, files: FileSpec[], key = env.key): Promise<{ status: number; body: any }> {
  const form = new FormData();
  for (const file of files) form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
  const res = await fetch(`${env.gateway.url}/v1/identities/${identityId}/attachments`, {
    method: 'POST',
    headers: bearer(key),
    body: form,
  });
  return { status: res.status, body: await res.json() };
}

async function stageOk(files: FileSpec[]): Promise<AttachmentUploadView[]> {
  const res = await stage(env.identity.id, files);
  expect(res.status).toBe(201);
  return res.body.uploads;
}

const ATTACHMENT_FIELDS = 'index kind filename mimeType url contentDigest size';
const SEND = `mutation ($id: String!, $cid: String!, $uploads: [ID!]!, $key: String) {
  sendAttachment(identityId: $id, conversationId: $cid, uploadIds: $uploads, idempotencyKey: $key) {
    id contentType { typeId } attachment { ${ATTACHMENT_FIELDS} } attachments { ${ATTACHMENT_FIELDS} } } }`;

function send(
  uploads: string[],
  options: { key?: string; identityId?: string; conversationId?: string; idempotencyKey?: string } = {},
) {
  return graphql<{ sendAttachment: any }>(
    env.gateway,
    SEND,
    {
      id: options.identityId ?? env.identity.id,
      cid: options.conversationId ?? env.peerDm.id,
      uploads,
      key: options.idempotencyKey,
    },
    options.key ?? env.key,
  );
}

describe('upload through REST, send through GraphQL', () => {
  it('sends two uploads as one multi remote attachment, in the order named; the peer decrypts both', async () => {
    const first = { name: 'first.bin', type: 'application/octet-stream', bytes: randomBytes(MB) };
    const second = { name: 'second.txt', type: 'text/plain', bytes: Buffer.from('the second file') };
    const uploads = await stageOk([first, second]);
    expect(uploads.map((u) => [u.filename, u.contentType, u.size])).toEqual([
      ['first.bin', 'application/octet-stream', MB],
      ['second.txt', 'text/plain', 15],
    ]);
    for (const upload of uploads) {
      expect(upload.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(upload.digest).toMatch(/^[0-9a-f]{64}$/);
      expect(Date.parse(upload.expiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
      expect(Object.keys(upload)).not.toContain('secret');
    }
    const staged = await env.gateway.runtime.prisma.attachmentUpload.findMany({
      where: { id: { in: uploads.map((u) => u.id) } },
    });
    expect(staged).toHaveLength(2);

    const res = await send([uploads[1]!.id, uploads[0]!.id]);
    expect(res.errors).toBeUndefined();
    const message = res.data!.sendAttachment;
    expect(message.contentType.typeId).toBe('multiRemoteStaticAttachment');
    expect(message.attachments.map((a: any) => [a.index, a.kind, a.filename, a.contentDigest])).toEqual([
      [0, 'remote', 'second.txt', uploads[1]!.digest],
      [1, 'remote', 'first.bin', uploads[0]!.digest],
    ]);
    expect(message.attachment.filename).toBe('second.txt');

    const received = await env.peerReceives(message.id);
    const files = (received.content as MultiRemoteAttachment).attachments;
    expect(files.map((f) => f.filename)).toEqual(['second.txt', 'first.bin']);
    const decrypted = await Promise.all(files.map(peerDownloads));
    expect(Buffer.from(decrypted[0]!.content).equals(second.bytes)).toBe(true);
    expect(Buffer.from(decrypted[1]!.content).equals(first.bytes)).toBe(true);
    expect(decrypted[1]!.mimeType).toBe('application/octet-stream');

    // The key material was stored only sealed, and is gone with the uploads once they were sent.
    for (const file of files) {
      const row = staged.find((s) => s.digest === file.contentDigest);
      expect(row).toBeDefined();
      expect(Buffer.from(row!.sealedKeys).includes(Buffer.from(file.secret))).toBe(false);
    }
    expect(
      await env.gateway.runtime.prisma.attachmentUpload.count({ where: { id: { in: uploads.map((u) => u.id) } } }),
    ).toBe(0);
    const recorded = await env.gateway.runtime.prisma.attachment.findMany({
      where: { messageId: message.id },
      orderBy: { position: 'asc' },
    });
    expect(recorded.map((r) => [r.position, r.filename, r.contentType])).toEqual([
      [0, 'second.txt', 'text/plain'],
      [1, 'first.bin', 'application/octet-stream'],
    ]);
  });

  it('sends one upload as a remote attachment; `messages` shows its attachment fields and REST downloads it', async () => {
    const bytes = randomBytes(200_000);
    const [upload] = await stageOk([{ name: 'photo.png', type: 'image/png', bytes }]);
    const sent = (await send([upload!.id])).data!.sendAttachment;
    expect(sent.contentType.typeId).toBe('remoteStaticAttachment');
    expect(sent.attachment).toMatchObject({
      index: 0,
      kind: 'remote',
      filename: 'photo.png',
      url: upload!.url,
      contentDigest: upload!.digest,
      mimeType: null,
    });
    expect(sent.attachment.size).toBeGreaterThan(bytes.length);

    const listed = await graphqlOk<{ messages: { nodes: any[] } }>(
      env.gateway,
      `query ($id: String!, $cid: String!) { messages(identityId: $id, conversationId: $cid, first: 10) { nodes { id text attachment { filename } attachments { index filename } } } }`,
      { id: env.identity.id, cid: env.peerDm.id },
      env.key,
    );
    const node = listed.messages.nodes.find((m) => m.id === sent.id);
    expect(node).toEqual({
      id: sent.id,
      text: null,
      attachment: { filename: 'photo.png' },
      attachments: [{ index: 0, filename: 'photo.png' }],
    });
    const textMessage = listed.messages.nodes.find((m) => m.attachments.length === 0);
    if (textMessage) expect(textMessage.attachment).toBeNull();

    const download = await fetch(`${env.gateway.url}/v1/identities/${env.identity.id}/messages/${sent.id}/attachment`, {
      headers: bearer(env.key),
    });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('shows a received multi remote attachment the same way', async () => {
    const sent = (
      await send(
        (
          await stageOk([
            { name: 'a.txt', type: 'text/plain', bytes: Buffer.from('a') },
            { name: 'b.txt', type: 'text/plain', bytes: Buffer.from('b') },
          ])
        ).map((u) => u.id),
      )
    ).data!.sendAttachment;
    const received = await env.peerReceives(sent.id);
    // The peer sends the same files back: the hosted identity receives them.
    const echo = await env.peerDm.sendMultiRemoteAttachment(received.content as MultiRemoteAttachment);
    const found = await waitFor(async () => {
      const page = await graphqlOk<{ messages: { nodes: any[] } }>(
        env.gateway,
        `query ($id: String!, $cid: String!) { messages(identityId: $id, conversationId: $cid, first: 5) { nodes { id senderInboxId attachments { index filename } } } }`,
        { id: env.identity.id, cid: env.peerDm.id },
        env.key,
      );
      return page.messages.nodes.find((m) => m.id === echo);
    }, 'the echoed attachment');
    expect(found.senderInboxId).toBe(env.peers.clients[0]!.inboxId);
    expect(found.attachments).toEqual([
      { index: 0, filename: 'a.txt' },
      { index: 1, filename: 'b.txt' },
    ]);
  });

  it('replays an idempotent send instead of sending twice', async () => {
    const [upload] = await stageOk([{ name: 'once.txt', type: 'text/plain', bytes: Buffer.from('once') }]);
    const key = `attach-${randomBytes(6).toString('hex')}`;
    const first = await send([upload!.id], { idempotencyKey: key });
    const again = await send([upload!.id], { idempotencyKey: key });
    expect(again.errors).toBeUndefined();
    expect(again.data!.sendAttachment.id).toBe(first.data!.sendAttachment.id);
    expect(await env.gateway.runtime.prisma.attachment.count({ where: { filename: 'once.txt' } })).toBe(1);
  });
});

describe('what an upload may and may not become', () => {
  it('is sent once: a second send of the same upload is NOT_FOUND', async () => {
    const [upload] = await stageOk([{ name: 'one.txt', type: 'text/plain', bytes: Buffer.from('1') }]);
    expect((await send([upload!.id])).errors).toBeUndefined();
    expect(codesOf(await send([upload!.id]))).toEqual(['NOT_FOUND']);
  });

  it('stays sendable when a send fails before anything went out', async () => {
    const [upload] = await stageOk([{ name: 'retry.txt', type: 'text/plain', bytes: Buffer.from('retry') }]);
    expect(codesOf(await send([upload!.id], { conversationId: 'ab'.repeat(16) }))).toEqual(['NOT_FOUND']);
    const res = await send([upload!.id]);
    expect(res.errors).toBeUndefined();
    expect(res.data!.sendAttachment.attachment.filename).toBe('retry.txt');
  });

  it('belongs to its identity and tenant: others get NOT_FOUND (or FORBIDDEN for a foreign identity) and nothing is sent', async () => {
    const [upload] = await stageOk([{ name: 'mine.txt', type: 'text/plain', bytes: Buffer.from('mine') }]);
    // Another identity of the same tenant, with its own DM to the peer.
    const other = await env.call('POST', '/v1/identities', { label: 'other' });
    const otherDm = await env.call('POST', `/v1/identities/${other.body.id}/conversations/dm`, {
      peer: env.peers.clients[0]!.inboxId,
    });
    expect(codesOf(await send([upload!.id], { identityId: other.body.id, conversationId: otherDm.body.id }))).toEqual([
      'NOT_FOUND',
    ]);

    // Another tenant: its key reaches neither the identity nor, through its own identity, the upload.
    const tenantB = await signUpTenant(env.gateway);
    const keyB = (await createApiKey(env.gateway, tenantB.adminToken, ['identities', 'messages'])).key;
    const identityB = (await (
      await fetch(`${env.gateway.url}/v1/identities`, {
        method: 'POST',
        headers: { ...bearer(keyB), 'content-type': 'application/json' },
        body: JSON.stringify({ label: 'tenant b' }),
      })
    ).json()) as { id: string };
    expect(codesOf(await send([upload!.id], { key: keyB }))).toEqual(['NOT_FOUND']);
    expect(codesOf(await send([upload!.id], { key: keyB, identityId: identityB.id }))).toEqual(['NOT_FOUND']);
    expect(
      (await stage(env.identity.id, [{ name: 'x.txt', type: 'text/plain', bytes: Buffer.from('x') }], keyB)).status,
    ).toBe(404);

    // Still the owner's to send.
    expect((await send([upload!.id])).errors).toBeUndefined();
  });

  it('refuses bad upload lists, denied types and missing files with clear errors', async () => {
    const [upload] = await stageOk([{ name: 'v.txt', type: 'text/plain', bytes: Buffer.from('v') }]);
    expect(codesOf(await send([]))).toEqual(['VALIDATION_FAILED']);
    expect(codesOf(await send([upload!.id, upload!.id]))).toEqual(['VALIDATION_FAILED']);
    expect(codesOf(await send(['not-a-uuid']))).toEqual(['VALIDATION_FAILED']);
    const denied = await stage(env.identity.id, [
      { name: 'setup.exe', type: 'application/x-msdownload', bytes: randomBytes(1000) },
    ]);
    expect(denied.status).toBe(415);
    expect(denied.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect((await stage(env.identity.id, [])).status).toBe(400);
  });

  it('expires: an expired upload is NOT_FOUND, and the sweeper deletes it with its blob', async () => {
    const objects = await env.s3ObjectCount();
    const [upload] = await stageOk([{ name: 'late.txt', type: 'text/plain', bytes: Buffer.from('too late') }]);
    expect(await env.s3ObjectCount()).toBe(objects + 1);
    await env.gateway.runtime.prisma.attachmentUpload.update({
      where: { id: upload!.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(codesOf(await send([upload!.id]))).toEqual(['NOT_FOUND']);

    const swept = await env.gateway.app.get(AttachmentUploadSweeper, { strict: false }).sweep();
    expect(swept).toBeGreaterThanOrEqual(1);
    expect(await env.gateway.runtime.prisma.attachmentUpload.count({ where: { id: upload!.id } })).toBe(0);
    expect(await env.s3ObjectCount()).toBe(objects);
  });
});
