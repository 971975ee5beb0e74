import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import pg from 'pg';
import { identityLockKey } from '@mailroom/persistence';
import type { TestClients } from '@mailroom/xmtp/testing';
import { bearer } from '../support/factories.js';
import type { TestGateway } from '../support/gateway.js';
import { postJson, startReplicaPair, type ReplicaPair } from './support.js';

/**
 * Owner routing between two replicas, against the holes of issue 14 (item 2) and the GraphQL half of issue 13's
 * "the holder serves it": the forward target is never the caller's choice, a client cannot switch routing off with
 * `x-mailroom-forwarded-by`, strangers cost no Postgres work, a holder that hangs is cut off, and a GraphQL operation
 * reaching the replica that does not hold its identity is served by the one that does.
 */
const FORWARD_TIMEOUT_MS = 4_000;
const PROBE_HEADER = 'x-test-count-pg';

// Counts the statements this process sends to Postgres on behalf of HTTP requests carrying PROBE_HEADER (both
// replicas run in this process, next to their background work, so statements are attributed by async context).
const probeContext = new AsyncLocalStorage<{ statements: number }>();
const originalEmit = http.Server.prototype.emit as (this: http.Server, event: string, ...args: unknown[]) => boolean;
http.Server.prototype.emit = function (this: http.Server, event: string, ...args: unknown[]) {
  const request = args[0] as http.IncomingMessage | undefined;
  if (event === 'request' && request?.headers[PROBE_HEADER]) {
    const probe = probes.get(String(request.headers[PROBE_HEADER]));
    if (probe) return probeContext.run(probe, () => originalEmit.call(this, event, ...args));
  }
  return originalEmit.call(this, event, ...args);
} as typeof http.Server.prototype.emit;
const originalConnect = pg.Pool.prototype.connect;
pg.Pool.prototype.connect = function (this: pg.Pool, callback?: unknown) {
  return (originalConnect as (cb?: unknown) => unknown).call(
    this,
    typeof callback === 'function' ? AsyncResource.bind(callback as () => void) : callback,
  );
} as typeof pg.Pool.prototype.connect;
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const probe = probeContext.getStore();
  if (probe) probe.statements++;
  return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;
const probes = new Map<string, { statements: number }>();

/** Sends one request with PROBE_HEADER and returns its status and how many Postgres statements it caused. */
async function probe(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; statements: number; body: Record<string, unknown> }> {
  const id = randomUUID();
  const counter = { statements: 0 };
  probes.set(id, counter);
  try {
    const res = await fetch(url, { headers: { ...headers, [PROBE_HEADER]: id } });
    const body = (await res.json()) as Record<string, unknown>;
    return { status: res.status, statements: counter.statements, body };
  } finally {
    probes.delete(id);
  }
}

/** Writes a raw request head (any request-target form) and reads the whole answer (the server closes). */
function rawRequest(baseUrl: string, head: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(head));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0), text: data }));
    socket.setTimeout(10_000, () => socket.destroy());
  });
}

let pair: ReplicaPair;
let a: TestGateway;
let b: TestGateway;
let peers: TestClients;
let key: string;
let identity: { id: string };
let conversationId: string;

beforeAll(async () => {
  pair = await startReplicaPair('mailroom-routing-', { REPLICA_FORWARD_TIMEOUT_MS: String(FORWARD_TIMEOUT_MS) });
  ({ a, b, peers, key } = pair);
  identity = (await postJson(a, key, '/v1/identities', { label: 'held by A' })).body as typeof identity;
  expect(a.runtime.pool.isLive(identity.id)).toBe(true);
  const dm = await postJson(a, key, `/v1/identities/${identity.id}/conversations/dm`, {
    peer: peers.clients[0]!.wallet.address,
  });
  expect(dm.status).toBe(201);
  conversationId = dm.body.id as string;
});

afterAll(async () => {
  http.Server.prototype.emit = originalEmit;
  pg.Pool.prototype.connect = originalConnect;
  pg.Client.prototype.query = originalQuery;
  await pair?.close();
});

describe('owner routing never proxies to a host the caller chooses', () => {
  let evil: http.Server;
  let evilUrl: string;
  const evilRequests: string[] = [];

  beforeAll(async () => {
    evil = http.createServer((req, res) => {
      evilRequests.push(`${req.method} ${req.url}`);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ secret: 'from the evil host' }));
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    evilUrl = `http://127.0.0.1:${(evil.address() as net.AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => evil.close(resolve));
  });

  it('refuses an absolute-form request line with 400 problem+json, and the named host hears nothing', async () => {
    const answer = await rawRequest(
      b.url,
      `GET ${evilUrl}/v1/identities/${identity.id}/conversations HTTP/1.1\r\nHost: ${new URL(evilUrl).host}\r\n` +
        `Authorization: Bearer ${key}\r\nConnection: close\r\n\r\n`,
    );
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/content-type: application\/problem\+json/i);
    expect(answer.text).not.toContain('from the evil host');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(evilRequests).toEqual([]);
  });

  it('refuses asterisk-form and authority-form request lines with 400', async () => {
    const asterisk = await rawRequest(b.url, `OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(asterisk.status).toBe(400);
    const authority = await rawRequest(
      b.url,
      `GET ${new URL(evilUrl).host} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nConnection: close\r\n\r\n`,
    );
    expect(authority.status).toBe(400);
    expect(evilRequests).toEqual([]);
  });

  it('still serves origin-form requests (the holder answers through the other replica)', async () => {
    const res = await fetch(`${b.url}/v1/identities/${identity.id}/conversations`, { headers: bearer(key) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-mailroom-replica')).toBe(a.runtime.replica.id);
  });
});

describe('a client-sent x-mailroom-forwarded-by', () => {
  it('does not stop the request from reaching the holder', async () => {
    for (const spoofed of [b.runtime.replica.url!, 'anything', `${Date.now()}.${'A'.repeat(43)}`]) {
      const res = await fetch(`${b.url}/v1/identities/${identity.id}/conversations`, {
        headers: { ...bearer(key), 'x-mailroom-forwarded-by': spoofed },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-mailroom-replica')).toBe(a.runtime.replica.id);
    }
    expect(b.runtime.pool.isLive(identity.id)).toBe(false);
  });

  it('sending a message with a spoofed header is served by the holder too', async () => {
    const sent = await postJson(
      b,
      key,
      `/v1/identities/${identity.id}/conversations/${conversationId}/messages`,
      { content: { type: 'text', text: 'spoofed hop' } },
      {
        'x-mailroom-forwarded-by': a.runtime.replica.url!,
      },
    );
    expect(sent.status).toBe(201);
    expect(sent.replica).toBe(a.runtime.replica.id);
  });
});

describe('unauthenticated requests', () => {
  it('cost no Postgres statement before the 401, even for an identity another replica holds', async () => {
    const url = `${b.url}/v1/identities/${identity.id}/conversations`;
    const headerSets: Array<Record<string, string>> = [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer' }];
    for (const headers of headerSets) {
      const answer = await probe(url, headers);
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('UNAUTHENTICATED');
      expect(answer.statements).toBe(0);
    }
    const unknown = await probe(`${b.url}/v1/identities/${randomUUID()}/conversations`);
    expect(unknown.status).toBe(401);
    expect(unknown.statements).toBe(0);
  });

  it('(the counter does see the statements of an authenticated request)', async () => {
    const answer = await probe(`${b.url}/v1/identities/${randomUUID()}/conversations`, bearer(key));
    expect(answer.status).toBe(404);
    expect(answer.statements).toBeGreaterThan(0);
  });

  it('are answered 401 with WWW-Authenticate: Bearer', async () => {
    const res = await fetch(`${b.url}/v1/identities/${identity.id}/conversations`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('a holder that does not answer', () => {
  let hung: net.Server;
  const sockets = new Set<net.Socket>();
  let lockHolder: pg.Client;
  const heldId = randomUUID();

  beforeAll(async () => {
    hung = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const hungUrl = `http://127.0.0.1:${(hung.address() as net.AddressInfo).port}`;
    // A "replica" whose lock session names the silent listener holds this identity.
    lockHolder = new pg.Client({ connectionString: pair.database.url, application_name: `mailroom ${hungUrl}` });
    await lockHolder.connect();
    await lockHolder.query('SELECT pg_advisory_lock($1::bigint)', [identityLockKey(heldId).toString()]);
  });

  afterAll(async () => {
    await lockHolder?.end();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => hung.close(resolve));
  });

  it('is cut off after REPLICA_FORWARD_TIMEOUT_MS with 504 problem+json', async () => {
    const started = Date.now();
    const res = await fetch(`${b.url}/v1/identities/${heldId}/conversations`, { headers: bearer(key) });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(504);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(((await res.json()) as { code: string }).code).toBe('GATEWAY_TIMEOUT');
    expect(elapsed).toBeGreaterThanOrEqual(FORWARD_TIMEOUT_MS - 200);
    expect(elapsed).toBeLessThan(FORWARD_TIMEOUT_MS + 5_000);
    expect(sockets.size).toBeGreaterThan(0);
  }, 30_000);
});

describe('GraphQL on the replica that does not hold the identity', () => {
  const sendMessage = `mutation ($id: String!, $cid: String!, $content: MessageContentInput!) {
    sendMessage(identityId: $id, conversationId: $cid, content: $content) { id text deliveryStatus } }`;

  it('sendMessage is served by the holder', async () => {
    const res = await fetch(`${b.url}/graphql`, {
      method: 'POST',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      body: JSON.stringify({
        query: sendMessage,
        variables: { id: identity.id, cid: conversationId, content: { type: 'text', text: 'graphql via B' } },
      }),
    });
    const body = (await res.json()) as {
      data?: { sendMessage: { text: string; deliveryStatus: string } };
      errors?: unknown[];
    };
    expect(body.errors).toBeUndefined();
    expect(body.data?.sendMessage).toMatchObject({ text: 'graphql via B', deliveryStatus: 'published' });
    expect(res.headers.get('x-mailroom-replica')).toBe(a.runtime.replica.id);
    expect(b.runtime.pool.isLive(identity.id)).toBe(false);

    const peer = peers.clients[0]!.client;
    await peer.conversations.sync();
    const conversation = await peer.conversations.getConversationById(conversationId);
    await conversation!.sync();
    expect((await conversation!.messages()).map((m) => m.content)).toContain('graphql via B');
  });

  it('a query naming the identity by a literal argument is served by the holder', async () => {
    const res = await fetch(`${b.url}/graphql`, {
      method: 'POST',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ conversations(identityId: "${identity.id}") { nodes { id } } }` }),
    });
    const body = (await res.json()) as { data?: { conversations: { nodes: { id: string }[] } }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(body.data?.conversations.nodes.map((n) => n.id)).toContain(conversationId);
    expect(res.headers.get('x-mailroom-replica')).toBe(a.runtime.replica.id);
  });

  it('without a credential it is not forwarded and fails as unauthenticated', async () => {
    const res = await fetch(`${b.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: sendMessage,
        variables: { id: identity.id, cid: conversationId, content: { type: 'text', text: 'nope' } },
      }),
    });
    const body = (await res.json()) as { errors?: { extensions: { code: string } }[] };
    expect(body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(res.headers.get('x-mailroom-replica')).toBe(b.runtime.replica.id);
  });
});
