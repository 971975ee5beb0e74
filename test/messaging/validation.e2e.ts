import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { startMessagingEnv, type MessagingEnv } from './support.js';

let env: MessagingEnv;
let identity: { id: string; inboxId: string; address: string };
let dmId: string;
let path: string;

beforeAll(async () => {
  env = await startMessagingEnv(1);
  identity = await env.createIdentity('validation');
  path = `/v1/identities/${identity.id}`;
  const dm = await env.call('POST', `${path}/conversations/dm`, { peer: env.peers.clients[0]!.inboxId });
  dmId = dm.body.id;
});

afterAll(async () => {
  await env?.close();
});

const randomAddress = () => `0x${randomBytes(20).toString('hex')}`;

function expectProblem(res: { status: number; body: any; headers: Headers }, status: number, code: string) {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
}

describe('validation answers its documented status and code', () => {
  it.each([
    ['a malformed address', { peer: '0x1234' }],
    ['a malformed inbox id', { peer: 'z'.repeat(64) }],
    ['a missing peer', {}],
  ])('DM with %s → 400 VALIDATION_FAILED', async (_, body) => {
    expectProblem(await env.call('POST', `${path}/conversations/dm`, body), 400, 'VALIDATION_FAILED');
  });

  it('DM with an address that is not on XMTP → 422 UNPROCESSABLE', async () => {
    const res = await env.call('POST', `${path}/conversations/dm`, { peer: randomAddress() });
    expectProblem(res, 422, 'UNPROCESSABLE');
    expect(res.body.errors[0].field).toBe('peer');
  });

  it('DM with a well-formed inbox id that does not exist → 422 UNPROCESSABLE', async () => {
    expectProblem(
      await env.call('POST', `${path}/conversations/dm`, { peer: randomBytes(32).toString('hex') }),
      422,
      'UNPROCESSABLE',
    );
  });

  it('group with a malformed member → 400 naming the member', async () => {
    const res = await env.call('POST', `${path}/conversations/group`, {
      members: [env.peers.clients[0]!.inboxId, 'not-a-peer'],
    });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'members.1' })]);
  });

  it('group with more than 250 members → 400', async () => {
    const members = Array.from({ length: 251 }, randomAddress);
    const res = await env.call('POST', `${path}/conversations/group`, { members });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.detail).toMatch(/250/);
  });

  it('group with an unknown permission preset → 400', async () => {
    expectProblem(
      await env.call('POST', `${path}/conversations/group`, { members: [], permissions: 'anarchy' }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('empty, blank and oversize text → 400; a body over the HTTP limit → 413', async () => {
    const send = (content: unknown) => env.call('POST', `${path}/conversations/${dmId}/messages`, { content });
    expectProblem(await send({ type: 'text', text: '' }), 400, 'VALIDATION_FAILED');
    expectProblem(await send({ type: 'text', text: '   ' }), 400, 'VALIDATION_FAILED');
    expectProblem(await send({ type: 'text' }), 400, 'VALIDATION_FAILED');
    const oversize = await send({ type: 'text', text: 'a'.repeat(256 * 1024 + 1) });
    expectProblem(oversize, 400, 'VALIDATION_FAILED');
    expect(oversize.body.errors[0]).toMatchObject({ field: 'content.text' });
    const atLimit = await send({ type: 'text', text: 'é'.repeat(128 * 1024) });
    expect(atLimit.status).toBe(201);
    expectProblem(await send({ type: 'markdown', markdown: 'b'.repeat(256 * 1024 + 1) }), 400, 'VALIDATION_FAILED');
    expectProblem(await send({ type: 'text', text: 'c'.repeat(3 * 1024 * 1024) }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('unknown content type, bad reaction fields and malformed references → 400', async () => {
    const send = (content: unknown) => env.call('POST', `${path}/conversations/${dmId}/messages`, { content });
    expectProblem(await send({ type: 'sticker' }), 400, 'VALIDATION_FAILED');
    expectProblem(await send({ type: 'reply', reference: 'nope', text: 'x' }), 400, 'VALIDATION_FAILED');
    const reaction = await send({
      type: 'reaction',
      reference: 'a'.repeat(64),
      action: 'liked',
      schema: 'emoji',
      content: '👍',
    });
    expectProblem(reaction, 400, 'VALIDATION_FAILED');
    expect(reaction.body.errors.map((e: any) => e.field).sort()).toEqual(['content.action', 'content.schema']);
    expectProblem(
      await env.call('POST', `${path}/conversations/${dmId}/messages`, { text: 'no content wrapper' }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('a reply to a message that is not in the conversation → 422', async () => {
    const res = await env.call('POST', `${path}/conversations/${dmId}/messages`, {
      content: { type: 'reply', reference: 'a'.repeat(64), text: 'x' },
    });
    expectProblem(res, 422, 'UNPROCESSABLE');
  });

  it('unknown conversation → 404 on every route', async () => {
    const unknown = randomBytes(16).toString('hex');
    expectProblem(await env.call('GET', `${path}/conversations/${unknown}`), 404, 'NOT_FOUND');
    expectProblem(await env.call('GET', `${path}/conversations/${unknown}/messages`), 404, 'NOT_FOUND');
    expectProblem(
      await env.call('POST', `${path}/conversations/${unknown}/messages`, { content: { type: 'text', text: 'hi' } }),
      404,
      'NOT_FOUND',
    );
    expectProblem(await env.call('PATCH', `${path}/conversations/${unknown}`, { name: 'x' }), 404, 'NOT_FOUND');
    expectProblem(await env.call('GET', `${path}/conversations/not-hex!`), 404, 'NOT_FOUND');
    expectProblem(
      await env.call('PUT', `${path}/consent`, { entityType: 'conversation', entity: unknown, state: 'allowed' }),
      404,
      'NOT_FOUND',
    );
  });

  it('group-only operations on a DM → 409', async () => {
    expectProblem(await env.call('PATCH', `${path}/conversations/${dmId}`, { name: 'x' }), 409, 'CONFLICT');
    expectProblem(await env.call('POST', `${path}/conversations/${dmId}/leave`), 409, 'CONFLICT');
  });

  it('can-message: none, more than 100, or malformed identifiers → 400', async () => {
    expectProblem(await env.call('POST', `${path}/can-message`, { identifiers: [] }), 400, 'VALIDATION_FAILED');
    expectProblem(
      await env.call('POST', `${path}/can-message`, { identifiers: Array.from({ length: 101 }, randomAddress) }),
      400,
      'VALIDATION_FAILED',
    );
    const bad = await env.call('POST', `${path}/can-message`, { identifiers: [randomAddress(), '0xnope'] });
    expectProblem(bad, 400, 'VALIDATION_FAILED');
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'identifiers.1' })]);
    const hundred = await env.call('POST', `${path}/can-message`, {
      identifiers: Array.from({ length: 100 }, randomAddress),
    });
    expect(hundred.status).toBe(200);
    expect(Object.values(hundred.body.results)).toEqual(Array(100).fill(false));
  });

  it('list filters: bad consent, type, content type, direction and cursor → 400', async () => {
    expectProblem(await env.call('GET', `${path}/conversations?consent=maybe`), 400, 'VALIDATION_FAILED');
    expectProblem(await env.call('GET', `${path}/conversations?type=channel`), 400, 'VALIDATION_FAILED');
    expectProblem(await env.call('GET', `${path}/conversations?cursor=garbage`), 400, 'VALIDATION_FAILED');
    expectProblem(await env.call('GET', `${path}/conversations?limit=101`), 400, 'VALIDATION_FAILED');
    expectProblem(
      await env.call('GET', `${path}/conversations/${dmId}/messages?contentTypes=text,bogus`),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await env.call('GET', `${path}/conversations/${dmId}/messages?direction=sideways`),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await env.call('GET', `${path}/conversations/${dmId}/messages?cursor=garbage`),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('consent: bad entity type, state or inbox id → 400', async () => {
    expectProblem(
      await env.call('PUT', `${path}/consent`, { entityType: 'wallet', entity: dmId, state: 'allowed' }),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await env.call('PUT', `${path}/consent`, { entityType: 'conversation', entity: dmId, state: 'blocked' }),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await env.call('PUT', `${path}/consent`, { entityType: 'inbox', entity: 'abc', state: 'denied' }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('filters conversations by type and creation time', async () => {
    const group = await env.call('POST', `${path}/conversations/group`, { members: [], name: 'solo' });
    expect(group.status).toBe(201);
    const groups = await env.call('GET', `${path}/conversations?type=group`);
    expect(groups.body.items.map((c: any) => c.id)).toEqual([group.body.id]);
    const dms = await env.call('GET', `${path}/conversations?type=dm`);
    expect(dms.body.items.map((c: any) => c.id)).toEqual([dmId]);
    const after = await env.call(
      'GET',
      `${path}/conversations?createdAfter=${encodeURIComponent(group.body.createdAt)}`,
    );
    expect(after.body.items.map((c: any) => c.id)).not.toContain(dmId);
    const page1 = await env.call('GET', `${path}/conversations?limit=1`);
    expect(page1.body.items.map((c: any) => c.id)).toEqual([group.body.id]);
    const page2 = await env.call('GET', `${path}/conversations?limit=1&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items.map((c: any) => c.id)).toEqual([dmId]);
    expect(page2.body.nextCursor).toBeNull();
  });
});

describe('tenant isolation', () => {
  it("tenant B's key on tenant A's identity and conversation routes → 404", async () => {
    const tenantB = await signUpTenant(env.gateway);
    const keyB = (await createApiKey(env.gateway, tenantB.adminToken, ['identities', 'messages'])).key;
    const as = (method: string, url: string, body?: unknown) => env.call(method, url, body, {}, keyB);
    expectProblem(await as('GET', `${path}/conversations`), 404, 'NOT_FOUND');
    expectProblem(await as('GET', `${path}/conversations/${dmId}`), 404, 'NOT_FOUND');
    expectProblem(await as('GET', `${path}/conversations/${dmId}/messages`), 404, 'NOT_FOUND');
    expectProblem(
      await as('POST', `${path}/conversations/${dmId}/messages`, { content: { type: 'text', text: 'intruder' } }),
      404,
      'NOT_FOUND',
    );
    expectProblem(
      await as('POST', `${path}/conversations/dm`, { peer: env.peers.clients[0]!.inboxId }),
      404,
      'NOT_FOUND',
    );
    expectProblem(await as('GET', `${path}/consent`), 404, 'NOT_FOUND');
    expectProblem(await as('POST', `${path}/can-message`, { identifiers: [randomAddress()] }), 404, 'NOT_FOUND');

    // B's own identity cannot reach A's conversation by id either.
    const own = await as('POST', '/v1/identities', { label: 'b' });
    expect(own.status).toBe(201);
    expectProblem(await as('GET', `/v1/identities/${own.body.id}/conversations/${dmId}`), 404, 'NOT_FOUND');
    expectProblem(await as('GET', `/v1/identities/${own.body.id}/conversations/${dmId}/messages`), 404, 'NOT_FOUND');
  });

  it('a key without the messages scope → 403; no credential → 401', async () => {
    const tenant = await signUpTenant(env.gateway);
    const identitiesOnly = (await createApiKey(env.gateway, tenant.adminToken, ['identities'])).key;
    expectProblem(await env.call('GET', `${path}/conversations`, undefined, {}, identitiesOnly), 403, 'FORBIDDEN');
    const anonymous = await fetch(`${env.gateway.url}${path}/conversations`);
    expect(anonymous.status).toBe(401);
    expect(bearer('x').authorization).toBe('Bearer x');
  });
});
