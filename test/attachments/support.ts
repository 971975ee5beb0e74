// Shared set-up for the attachment suites: real S3 (s3rver) and IPFS (helia shim) servers, one gateway on a fresh
// database that knows all three stores, a tenant key, a hosted identity, raw SDK peers, and a DM between them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { expect } from '@jest/globals';
import {
  decryptAttachment,
  type DecodedMessage,
  type Dm,
  type MultiRemoteAttachment,
  type RemoteAttachment,
} from '@xmtp/node-sdk';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { startTestGateway, xmtpNodeUrl, type TestGateway } from '../support/gateway.js';
import { startTestIpfsServer, type TestIpfsServer } from '../support/ipfs-server.js';
import { startTestS3Server, type TestS3Server } from '../support/s3-server.js';
import { pollUntil, type PollCheck } from '../support/wait.js';

export interface AttachmentEnv {
  s3: TestS3Server;
  ipfs: TestIpfsServer;
  database: TestDatabase;
  gateway: TestGateway;
  peers: TestClients;
  key: string;
  tenantId: string;
  identity: { id: string; inboxId: string };
  /** The DM between the identity and peer 0, as peer 0 sees it. */
  peerDm: Dm<unknown>;
  call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }>;
  upload(
    conversationId: string,
    files: { name: string; type: string; bytes: Uint8Array }[],
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** Sets the tenant's own attachment settings (as the settings API would). */
  setTenantSettings(settings: { attachmentStore?: string | null; attachmentMaxBytes?: number | null }): Promise<void>;
  /** The message as the peer (a raw SDK client) sees it, after syncing the DM. */
  peerReceives(messageId: string): Promise<DecodedMessage<unknown>>;
  /** Objects in the S3 server's bucket. */
  s3ObjectCount(): Promise<number>;
  close(): Promise<void>;
}

export async function startAttachmentEnv(extraEnv: Record<string, string> = {}): Promise<AttachmentEnv> {
  const [s3, ipfs, database] = await Promise.all([startTestS3Server(), startTestIpfsServer(), createTestDatabase()]);
  const gateway = await startTestGateway({
    DATABASE_URL: database.url,
    ...s3.env,
    ...ipfs.env,
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    ...extraEnv,
  });
  const tenant = await signUpTenant(gateway);
  const key = (await createApiKey(gateway, tenant.adminToken, ['identities', 'messages'])).key;
  const call = async <T = any>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { ...bearer(key), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    const isJson = (res.headers.get('content-type') ?? '').includes('json');
    return { status: res.status, body: (isJson && text ? JSON.parse(text) : text) as T, headers: res.headers };
  };
  const created = await call('POST', '/v1/identities', { label: 'files bot' });
  if (created.status !== 201) throw new Error(`identity create answered ${created.status}`);
  const identity = created.body as { id: string; inboxId: string };
  const peers = await createTestClients(xmtpNodeUrl(gateway), 2);
  const dm = await call('POST', `/v1/identities/${identity.id}/conversations/dm`, { peer: peers.clients[0]!.inboxId });
  if (dm.status !== 201) throw new Error(`dm create answered ${dm.status}: ${JSON.stringify(dm.body)}`);
  await peers.clients[0]!.client.conversations.sync();
  const peerDm = (await peers.clients[0]!.client.conversations.getConversationById(dm.body.id)) as Dm<unknown>;
  if (!peerDm) throw new Error('the peer did not receive the DM');

  const upload = async (conversationId: string, files: { name: string; type: string; bytes: Uint8Array }[]) => {
    const form = new FormData();
    for (const file of files) form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
    const res = await fetch(`${gateway.url}/v1/identities/${identity.id}/conversations/${conversationId}/attachments`, {
      method: 'POST',
      headers: bearer(key),
      body: form,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  const setTenantSettings = async (settings: {
    attachmentStore?: string | null;
    attachmentMaxBytes?: number | null;
  }) => {
    await gateway.runtime.prisma.tenantSettings.upsert({
      where: { tenantId: tenant.tenantId },
      create: { tenantId: tenant.tenantId, ...settings },
      update: settings,
    });
  };
  return {
    s3,
    ipfs,
    database,
    gateway,
    peers,
    key,
    tenantId: tenant.tenantId,
    identity,
    peerDm,
    call,
    upload,
    setTenantSettings,
    peerReceives: (messageId) =>
      waitFor(async () => {
        await peerDm.sync();
        return peers.clients[0]!.client.conversations.getMessageById(messageId) ?? undefined;
      }, `message ${messageId} at the peer`),
    s3ObjectCount: async () => {
      const client = new S3Client({
        endpoint: s3.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      });
      const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
      client.destroy();
      return listed.KeyCount ?? 0;
    },
    close: async () => {
      await peers.cleanup();
      await gateway.close();
      await Promise.all([database.drop(), s3.close(), ipfs.close()]);
    },
  };
}

/** A local HTTP server that serves fixed bytes at any path (a sender's own file host). */
export async function serveBytes(bytes: Uint8Array): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
    res.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/files/ciphertext.bin`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What the peer does with a remote attachment: download the URL itself, decrypt with the SDK. */
export async function peerDownloads(remote: RemoteAttachment | MultiRemoteAttachment['attachments'][number]) {
  const answer = await fetch(remote.url);
  expect(answer.status).toBe(200);
  const ciphertext = new Uint8Array(await answer.arrayBuffer());
  return decryptAttachment(ciphertext, {
    ...remote,
    contentLength: remote.contentLength ?? ciphertext.length,
  } as RemoteAttachment);
}

/** Polls until `check` returns something other than undefined/false. */
export function waitFor<T>(check: PollCheck<T>, what: string, timeoutMs = 20_000): Promise<T> {
  return pollUntil(check, what, timeoutMs, 150);
}
