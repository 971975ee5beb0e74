import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestClients, type TestClients } from '@mailroom/xmtp/testing';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { startTestGateway, xmtpNodeUrl, type TestGateway } from '../support/gateway.js';

let database: TestDatabase;
let gateway: TestGateway;
let peers: TestClients;
let key: string;

interface IdentityBody {
  id: string;
  inboxId: string;
  address: string;
  installationId: string;
  status: string;
  label: string | null;
  externalId: string | null;
  inboxState?: {
    installationCount: number;
    installations: { id: string; current: boolean }[];
    identityUpdateCount: number | null;
  };
}

async function call<T = IdentityBody>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { ...bearer(key), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}

beforeAll(async () => {
  database = await createTestDatabase();
  gateway = await startTestGateway({ DATABASE_URL: database.url });
  const tenant = await signUpTenant(gateway);
  key = (await createApiKey(gateway, tenant.adminToken, ['identities', 'messages'])).key;
  peers = await createTestClients(xmtpNodeUrl(gateway), 1);
});

afterAll(async () => {
  await peers?.cleanup();
  await gateway?.close();
  await database?.drop();
});

describe('hosted identities', () => {
  const created: IdentityBody[] = [];

  it('creates three identities, each registered on the network with one installation', async () => {
    for (const n of [1, 2, 3]) {
      const res = await call('POST', '/v1/identities', { label: `bot ${n}`, externalId: `ext-${n}` });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'active', label: `bot ${n}`, externalId: `ext-${n}` });
      expect(res.body.inboxId).toMatch(/^[0-9a-f]{64}$/);
      expect(res.body.installationId).toMatch(/^[0-9a-f]{64}$/);
      expect(res.body.address).toMatch(/^0x[0-9a-f]{40}$/);
      expect(JSON.stringify(res.body)).not.toMatch(/privateKey|encrypted|wrapped|dbKey/i);
      created.push(res.body);
    }
    const canMessage = await peers.clients[0]!.client.canMessage(
      created.map((c) => ({ identifier: c.address, identifierKind: 0 as never })),
    );
    expect([...canMessage.values()]).toEqual([true, true, true]);
  });

  it('lists them newest first with cursor pagination and filters', async () => {
    const first = await call<{ items: IdentityBody[]; nextCursor: string | null }>('GET', '/v1/identities?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((i) => i.externalId)).toEqual(['ext-3', 'ext-2']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call<{ items: IdentityBody[]; nextCursor: string | null }>(
      'GET',
      `/v1/identities?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((i) => i.externalId)).toEqual(['ext-1']);
    expect(second.body.nextCursor).toBeNull();
    const byExternal = await call<{ items: IdentityBody[] }>('GET', '/v1/identities?externalId=ext-2');
    expect(byExternal.body.items.map((i) => i.id)).toEqual([created[1]!.id]);
    const badCursor = await call('GET', '/v1/identities?cursor=not-a-cursor');
    expect(badCursor.status).toBe(400);
  });

  it('shows the inbox state: one installation of 10, identity updates of 256', async () => {
    for (const identity of created) {
      const res = await call('GET', `/v1/identities/${identity.id}`);
      expect(res.status).toBe(200);
      expect(res.body.inboxState).toMatchObject({
        installationCount: 1,
        installationLimit: 10,
        identityUpdateLimit: 256,
      });
      expect(res.body.inboxState!.installations).toEqual([
        expect.objectContaining({ id: identity.installationId, current: true }),
      ]);
      expect(res.body.inboxState!.identityUpdateCount).toBe(1);
    }
  });

  it('refuses a duplicate externalId with 409', async () => {
    const res = await call('POST', '/v1/identities', { externalId: 'ext-1' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'CONFLICT' });
  });

  it('does not burn a second inbox when a create is retried with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'create-once-1' };
    const [a, b] = await Promise.all([
      call('POST', '/v1/identities', { label: 'retried' }, headers),
      call('POST', '/v1/identities', { label: 'retried' }, headers),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.id).toBe(a.body.id);
    expect(b.body.inboxId).toBe(a.body.inboxId);
    const again = await call('POST', '/v1/identities', { label: 'retried' }, headers);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(a.body.id);
    const different = await call('POST', '/v1/identities', { label: 'another body' }, headers);
    expect(different.status).toBe(422);
    const all = await call<{ items: IdentityBody[] }>('GET', '/v1/identities?label=retried');
    expect(all.body.items).toHaveLength(1);
  });

  it('deletes an identity: its installation is revoked on the network and it is gone from the API', async () => {
    const victim = created[0]!;
    const res = await call('DELETE', `/v1/identities/${victim.id}`);
    expect(res.status).toBe(204);
    const [state] = await peers.clients[0]!.client.preferences.fetchInboxStates([victim.inboxId]);
    expect(state!.installations.map((i) => i.id)).not.toContain(victim.installationId);
    expect((await call('GET', `/v1/identities/${victim.id}`)).status).toBe(404);
    expect((await call('DELETE', `/v1/identities/${victim.id}`)).status).toBe(404);
    const row = await gateway.runtime.prisma.identity.findUnique({ where: { id: victim.id } });
    expect(row).toMatchObject({
      status: 'deleted',
      wrappedDataKey: null,
      encryptedWalletKey: null,
      encryptedDbKey: null,
    });
  });

  it('imports an existing wallet as a new installation of its inbox', async () => {
    const [peer] = peers.clients;
    const res = await call('POST', '/v1/identities/import', { privateKey: peer!.wallet.privateKey, label: 'moved in' });
    expect(res.status).toBe(201);
    expect(res.body.inboxId).toBe(peer!.inboxId);
    expect(res.body.installationId).not.toBe(peer!.installationId);
    const state = await call('GET', `/v1/identities/${res.body.id}`);
    expect(state.body.inboxState!.installationCount).toBe(2);

    const revoked = await call<{ revoked: string[] }>(
      'POST',
      `/v1/identities/${res.body.id}/installations/revoke-others`,
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked).toEqual([peer!.installationId]);
    const after = await call('GET', `/v1/identities/${res.body.id}`);
    expect(after.body.inboxState!.installations.map((i) => i.id)).toEqual([res.body.installationId]);
  });

  it('records one audit event when an inbox reaches 8 of 10 installations, however often it is read', async () => {
    const first = await peers.add();
    for (let i = 0; i < 6; i++) await peers.add(first.wallet);
    const res = await call('POST', '/v1/identities/import', {
      privateKey: first.wallet.privateKey,
      label: 'crowded inbox',
    });
    expect(res.status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const state = await call('GET', `/v1/identities/${res.body.id}`);
      expect(state.body.inboxState!.installationCount).toBe(8);
      expect((state.body as unknown as { installations: unknown[] }).installations).toHaveLength(8);
    }
    const events = await gateway.runtime.prisma.auditLog.findMany({
      where: { action: 'identity.installation_budget', targetId: res.body.id },
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.metadata).toMatchObject({ installationCount: 8, installationLimit: 10 });
  });

  it('mints a short-lived identity token that reads only its own identity', async () => {
    const [mine, other] = [created[1]!, created[2]!];
    const minted = await call<{ token: string; expiresAt: string }>('POST', `/v1/identities/${mine.id}/tokens`, {
      ttlSeconds: 600,
    });
    expect(minted.status).toBe(201);
    const lifetime = new Date(minted.body.expiresAt).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(500_000);
    expect(lifetime).toBeLessThanOrEqual(600_000);
    const asToken = (path: string) => fetch(`${gateway.url}${path}`, { headers: bearer(minted.body.token) });
    expect((await asToken(`/v1/identities/${mine.id}`)).status).toBe(200);
    expect((await asToken(`/v1/identities/${other.id}`)).status).toBe(403);
    expect((await asToken('/v1/identities')).status).toBe(403);
    const tooLong = await call('POST', `/v1/identities/${mine.id}/tokens`, { ttlSeconds: 7200 });
    expect(tooLong.status).toBe(400);
  });
});
