import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { LoaderServices } from '../../apps/gateway/src/modules/graphql/request-loaders.js';
import { codesOf, collect, graphql, graphqlOk, wsClient } from './support.js';

/** A resolver that fails the way a bug would, to check that nothing of the failure reaches the client. */
@Resolver()
class FailingResolver {
  @Query(() => String)
  failing(): string {
    throw new Error('connect ECONNREFUSED postgres://app:hunter2@10.0.0.5:5432/prod');
  }
}

@Module({ providers: [FailingResolver] })
class FailingModule {}

let database: TestDatabase;
let gateway: TestGateway;
let key: string;
let otherTenantKey: string;
let webhooksOnlyKey: string;

interface IdentityData {
  id: string;
  inboxId: string;
  address: string;
  installationId: string;
  status: string;
  label: string | null;
}

const IDENTITY_FIELDS = 'id inboxId address installationId status label externalId createdAt';
const CREATE = `mutation ($input: CreateIdentityInput, $key: String) { createIdentity(input: $input, idempotencyKey: $key) { ${IDENTITY_FIELDS} } }`;

async function createIdentity(label: string, idempotencyKey?: string): Promise<IdentityData> {
  const data = await graphqlOk<{ createIdentity: IdentityData }>(
    gateway,
    CREATE,
    { input: { label }, key: idempotencyKey },
    key,
  );
  return data.createIdentity;
}

async function mintToken(identityId: string): Promise<string> {
  const res = await fetch(`${gateway.url}/v1/identities/${identityId}/tokens`, {
    method: 'POST',
    headers: { ...bearer(key), 'content-type': 'application/json' },
    body: '{}',
  });
  return ((await res.json()) as { token: string }).token;
}

beforeAll(async () => {
  database = await createTestDatabase();
  gateway = await startTestGateway({ DATABASE_URL: database.url }, { extraModules: [FailingModule] });
  const tenant = await signUpTenant(gateway);
  key = (await createApiKey(gateway, tenant.adminToken, ['identities', 'messages'])).key;
  webhooksOnlyKey = (await createApiKey(gateway, tenant.adminToken, ['webhooks'])).key;
  const other = await signUpTenant(gateway);
  otherTenantKey = (await createApiKey(gateway, other.adminToken, ['identities', 'messages'])).key;
});

afterAll(async () => {
  await gateway?.close();
  await database?.drop();
});

describe('GraphQL over HTTP: identities, auth and errors', () => {
  const identities: IdentityData[] = [];

  it('creates identities with createIdentity (registered on the network) and reads them back', async () => {
    for (const n of [1, 2, 3]) identities.push(await createIdentity(`gql ${n}`));
    for (const identity of identities) {
      expect(identity.status).toBe('active');
      expect(identity.inboxId).toMatch(/^[0-9a-f]{64}$/);
      expect(identity.address).toMatch(/^0x[0-9a-f]{40}$/);
    }
    const one = await graphqlOk<{
      identity: IdentityData & {
        inboxState: { installationCount: number; installations: { id: string; current: boolean }[] };
      };
    }>(
      gateway,
      `query ($id: String!) { identity(id: $id) { ${IDENTITY_FIELDS} inboxState { installationCount installations { id current } } } }`,
      { id: identities[0]!.id },
      key,
    );
    expect(one.identity).toMatchObject({ id: identities[0]!.id, label: 'gql 1', inboxId: identities[0]!.inboxId });
    expect(one.identity.inboxState.installationCount).toBe(1);
    expect(one.identity.inboxState.installations).toEqual([{ id: identities[0]!.installationId, current: true }]);
  });

  it('pages identities as a Relay connection whose cursors are the REST cursors', async () => {
    const query = `query ($after: String) { identities(first: 2, after: $after) { edges { cursor node { id label } } nodes { id } pageInfo { hasNextPage endCursor } } }`;
    type Page = {
      identities: {
        edges: { cursor: string | null; node: { id: string; label: string } }[];
        nodes: { id: string }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const first = await graphqlOk<Page>(gateway, query, {}, key);
    expect(first.identities.nodes.map((n) => n.id)).toEqual([identities[2]!.id, identities[1]!.id]);
    expect(first.identities.pageInfo.hasNextPage).toBe(true);
    expect(first.identities.edges.at(-1)!.cursor).toBe(first.identities.pageInfo.endCursor);
    const rest = await fetch(`${gateway.url}/v1/identities?limit=2`, { headers: bearer(key) }).then(
      (r) => r.json() as Promise<{ nextCursor: string }>,
    );
    expect(first.identities.pageInfo.endCursor).toBe(rest.nextCursor);
    const second = await graphqlOk<Page>(gateway, query, { after: first.identities.pageInfo.endCursor }, key);
    expect(second.identities.nodes.map((n) => n.id)).toEqual([identities[0]!.id]);
    expect(second.identities.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });

  it('batches Identity.inboxState of a list through one DataLoader batch per request', async () => {
    const loaders = gateway.app.get(LoaderServices, { strict: false });
    const before = loaders.batches.get('inboxStates') ?? 0;
    const data = await graphqlOk<{
      identities: { nodes: { id: string; inboxState: { installationCount: number } }[] };
      again: { nodes: { inboxState: { installationCount: number } }[] };
    }>(
      gateway,
      `{ identities(first: 10) { nodes { id inboxState { installationCount } } } again: identities(first: 10) { nodes { inboxState { installationCount } } } }`,
      {},
      key,
    );
    expect(data.identities.nodes).toHaveLength(3);
    expect(data.identities.nodes.map((n) => n.inboxState.installationCount)).toEqual([1, 1, 1]);
    expect(data.again.nodes.map((n) => n.inboxState.installationCount)).toEqual([1, 1, 1]);
    // Six inboxState fields, three distinct identities: one batch, each identity looked up once.
    expect((loaders.batches.get('inboxStates') ?? 0) - before).toBe(1);
  });

  it('answers UNAUTHENTICATED without a credential or with a bad one', async () => {
    const query = '{ identities { nodes { id } } }';
    const none = await graphql(gateway, query);
    expect(codesOf(none)).toEqual(['UNAUTHENTICATED']);
    expect(none.data).toBeNull();
    expect(codesOf(await graphql(gateway, query, {}, 'mr_live_not-a-real-key'))).toEqual(['UNAUTHENTICATED']);
    expect(codesOf(await graphql(gateway, query, {}, 'not.a.jwt'))).toEqual(['UNAUTHENTICATED']);
  });

  it('applies API key scopes and identity-token rules as REST does', async () => {
    const query = `query ($id: String!) { identity(id: $id) { id } }`;
    const [a, b] = identities;
    expect(codesOf(await graphql(gateway, query, { id: a!.id }, webhooksOnlyKey))).toEqual(['FORBIDDEN']);
    const tokenA = await mintToken(a!.id);
    expect((await graphqlOk<{ identity: { id: string } }>(gateway, query, { id: a!.id }, tokenA)).identity.id).toBe(
      a!.id,
    );
    expect(codesOf(await graphql(gateway, query, { id: b!.id }, tokenA))).toEqual(['FORBIDDEN']);
    // Identity tokens never list or create identities.
    expect(codesOf(await graphql(gateway, '{ identities { nodes { id } } }', {}, tokenA))).toEqual(['FORBIDDEN']);
    expect(codesOf(await graphql(gateway, CREATE, { input: { label: 'x' } }, tokenA))).toEqual(['FORBIDDEN']);
    // Another tenant's key does not see the identity at all.
    expect(codesOf(await graphql(gateway, query, { id: a!.id }, otherTenantKey))).toEqual(['NOT_FOUND']);
    const viewer = await graphqlOk<{ viewer: { type: string; identityId: string | null } }>(
      gateway,
      '{ viewer { type identityId } }',
      {},
      tokenA,
    );
    expect(viewer.viewer).toEqual({ type: 'identity', identityId: a!.id });
  });

  it('maps validation, not-found, document errors and unknown cursors to stable codes', async () => {
    const tooMany = await graphql(gateway, '{ identities(first: 101) { nodes { id } } }', {}, key);
    expect(codesOf(tooMany)).toEqual(['VALIDATION_FAILED']);
    expect(tooMany.errors![0]!.extensions.field).toEqual(['first']);

    const longLabel = await graphql(gateway, CREATE, { input: { label: 'x'.repeat(201) } }, key);
    expect(codesOf(longLabel)).toEqual(['VALIDATION_FAILED']);
    expect(longLabel.errors![0]!.extensions.field).toEqual(['label']);

    const badCursor = await graphql(gateway, '{ identities(after: "nope") { nodes { id } } }', {}, key);
    expect(codesOf(badCursor)).toEqual(['VALIDATION_FAILED']);
    expect(badCursor.errors![0]!.extensions.field).toEqual(['cursor']);

    const missing = await graphql(
      gateway,
      `
        query ($id: String!) {
          identity(id: $id) {
            id
          }
        }
      `,
      { id: randomUUID() },
      key,
    );
    expect(codesOf(missing)).toEqual(['NOT_FOUND']);
    expect(missing.errors![0]!.path).toEqual(['identity']);

    const syntax = await graphql(gateway, '{ identities { ', {}, key);
    expect(codesOf(syntax)).toEqual(['BAD_REQUEST']);
    expect(syntax.status).toBe(400);
    const unknownField = await graphql(gateway, '{ identities { nodes { secretKey } } }', {}, key);
    expect(codesOf(unknownField)).toEqual(['BAD_REQUEST']);
    const badVariable = await graphql(
      gateway,
      `
        query ($id: String!) {
          identity(id: $id) {
            id
          }
        }
      `,
      { id: 42 },
      key,
    );
    expect(codesOf(badVariable)).toEqual(['VALIDATION_FAILED']);
  });

  it('answers INTERNAL without any detail of an unexpected failure; x-request-id identifies it', async () => {
    const res = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'gql-failing-1' },
      body: JSON.stringify({ query: '{ failing }' }),
    });
    expect(res.headers.get('x-request-id')).toBe('gql-failing-1');
    const body = (await res.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]!.extensions).toEqual({ code: 'INTERNAL' });
    expect(JSON.stringify(body)).not.toMatch(/hunter2|ECONNREFUSED|10\.0\.0\.5|stack/i);
  });

  it('refuses a query whose estimated complexity is over the limit, before running it', async () => {
    const loaders = gateway.app.get(LoaderServices, { strict: false });
    const before = loaders.batches.get('inboxStates') ?? 0;
    const res = await graphql(
      gateway,
      `
        {
          identities(first: 100) {
            nodes {
              id
              inboxState {
                installations {
                  id
                  createdAt
                  current
                }
                identifiers {
                  identifier
                  kind
                }
              }
            }
          }
        }
      `,
      {},
      key,
    );
    expect(codesOf(res)).toEqual(['BAD_REQUEST']);
    expect(res.status).toBe(400);
    expect(res.errors![0]!.extensions.limit).toMatchObject({ kind: 'complexity', max: 1000 });
    expect(res.errors![0]!.message).toMatch(/complexity/);
    expect(loaders.batches.get('inboxStates') ?? 0).toBe(before);
  });

  it('replays createIdentity for a repeated idempotencyKey and refuses the key with other input', async () => {
    const idempotencyKey = `gql-${randomUUID()}`;
    const [first, second] = await Promise.all([
      createIdentity('idem', idempotencyKey),
      createIdentity('idem', idempotencyKey),
    ]);
    expect(second.id).toBe(first.id);
    expect(second.inboxId).toBe(first.inboxId);
    const list = await graphqlOk<{ identities: { nodes: { id: string }[] } }>(
      gateway,
      '{ identities(label: "idem") { nodes { id } } }',
      {},
      key,
    );
    expect(list.identities.nodes).toEqual([{ id: first.id }]);
    const conflict = await graphql(gateway, CREATE, { input: { label: 'different' }, key: idempotencyKey }, key);
    expect(codesOf(conflict)).toEqual(['UNPROCESSABLE']);
    const badKey = await graphql(gateway, CREATE, { input: { label: 'x' }, key: 'has space' }, key);
    expect(codesOf(badKey)).toEqual(['VALIDATION_FAILED']);
    expect(badKey.errors![0]!.extensions.field).toEqual(['idempotencyKey']);
  });
});

describe('GraphQL over websockets (graphql-ws)', () => {
  it('authenticates connection_init with an API key or an identity token', async () => {
    const client = wsClient(gateway, `Bearer ${key}`);
    try {
      const results = await collect<{ data: { viewer: { type: string; scopes: string[] } } }>(
        client,
        'subscription { viewer { type scopes } }',
      );
      expect(results.map((r) => r.data.viewer)).toEqual([{ type: 'apiKey', scopes: ['identities', 'messages'] }]);
    } finally {
      await client.dispose();
    }
    const identity = (
      await graphqlOk<{ identities: { nodes: { id: string }[] } }>(
        gateway,
        '{ identities(first: 1) { nodes { id } } }',
        {},
        key,
      )
    ).identities.nodes[0]!;
    const tokenClient = wsClient(gateway, `Bearer ${await mintToken(identity.id)}`);
    try {
      const results = await collect<{ data: { viewer: { type: string; identityId: string } } }>(
        tokenClient,
        'subscription { viewer { type identityId } }',
      );
      expect(results.map((r) => r.data.viewer)).toEqual([{ type: 'identity', identityId: identity.id }]);
    } finally {
      await tokenClient.dispose();
    }
  });

  it('maps errors of websocket operations the same way', async () => {
    const client = wsClient(gateway, `Bearer ${key}`);
    try {
      const error = (await collect(client, 'subscription { nope }').catch((e: unknown) => e)) as {
        extensions: { code: string };
      }[];
      expect(error.map((e) => e.extensions.code)).toEqual(['BAD_REQUEST']);
    } finally {
      await client.dispose();
    }
  });

  it('closes the socket with 4403 and the error code when connection_init carries no valid credential', async () => {
    for (const authorization of [undefined, 'Bearer mr_live_nope']) {
      let closed: { code: number; reason: string } | undefined;
      const client = wsClient(gateway, authorization, (event) => (closed = event));
      await expect(collect(client, 'subscription { viewer { type } }')).rejects.toBeDefined();
      expect(closed).toMatchObject({ code: 4403, reason: 'UNAUTHENTICATED' });
      await client.dispose();
    }
  });
});
