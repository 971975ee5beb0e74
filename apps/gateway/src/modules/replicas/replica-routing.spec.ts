import { describe, expect, it, jest } from '@jest/globals';
import { ForwardingSeal } from './forwarding-seal.js';
import { identityIdsOf } from './graphql-identity-args.js';
import { IdentityHolders } from './identity-holders.js';

const ID = '8f14e45f-ceea-4e67-a0b3-2f0f0e1b6c11';
const OTHER = '1679091c-5a88-4faf-8fb1-c4b0d9c3a1d2';

describe('identityIdsOf', () => {
  it('collects identityId arguments given as literals, variables and inside input objects', () => {
    expect(identityIdsOf({ query: `{ conversations(identityId: "${ID}") { nodes { id } } }` })).toEqual(new Set([ID]));
    expect(
      identityIdsOf({
        query:
          'mutation ($id: String!, $cid: String!) { sendMessage(identityId: $id, conversationId: $cid, content: { type: "text", text: "x" }) { id } }',
        variables: { id: ID, cid: 'c' },
      }),
    ).toEqual(new Set([ID]));
    expect(
      identityIdsOf({
        query: 'mutation ($in: SomeInput!) { doIt(input: $in) { id } }',
        variables: { in: { nested: { identityId: OTHER } } },
      }),
    ).toEqual(new Set([OTHER]));
    expect(identityIdsOf({ query: `{ identity(id: "${ID}") { id } }` })).toEqual(new Set([ID]));
    // GET /graphql: variables arrive as JSON text in the query string.
    expect(
      identityIdsOf({
        query: 'query ($id: String!) { consent(identityId: $id) { state } }',
        variables: JSON.stringify({ id: ID }),
      }),
    ).toEqual(new Set([ID]));
  });

  it('reports two identities when an operation names two (it is then served where it lands)', () => {
    expect(
      identityIdsOf({
        query: `{ a: consent(identityId: "${ID}") { state } b: consent(identityId: "${OTHER}") { state } }`,
      })?.size,
    ).toBe(2);
  });

  it('routes nothing for documents that do not parse, subscriptions, or a missing query', () => {
    expect(identityIdsOf({ query: '{ broken(' })).toBeUndefined();
    expect(identityIdsOf({ query: `subscription { messageReceived(identityId: "${ID}") { id } }` })).toBeUndefined();
    expect(identityIdsOf({})).toBeUndefined();
  });
});

describe('ForwardingSeal', () => {
  const seal = new ForwardingSeal('a deployment secret of enough length');

  it('accepts its own seal for the same request, recently made', () => {
    const now = 1_800_000_000_000;
    expect(
      seal.verify(
        seal.seal('POST', '/v1/identities/x/messages', now),
        'POST',
        '/v1/identities/x/messages',
        now + 1_000,
      ),
    ).toBe(true);
  });

  it('refuses forged, stale, foreign or re-targeted seals', () => {
    const now = 1_800_000_000_000;
    const value = seal.seal('GET', '/v1/identities/x', now);
    expect(seal.verify('http://10.0.0.2:3000', 'GET', '/v1/identities/x', now)).toBe(false);
    expect(seal.verify(value, 'GET', '/v1/identities/y', now)).toBe(false);
    expect(seal.verify(value, 'POST', '/v1/identities/x', now)).toBe(false);
    expect(seal.verify(value, 'GET', '/v1/identities/x', now + 120_000)).toBe(false);
    expect(new ForwardingSeal('another deployment').verify(value, 'GET', '/v1/identities/x', now)).toBe(false);
    expect(seal.verify(undefined, 'GET', '/v1/identities/x', now)).toBe(false);
  });
});

describe('IdentityHolders', () => {
  it('asks Postgres once per identity within the cache window, and again after it or after forget()', async () => {
    let now = 0;
    const query = jest.fn(async () => ({ rows: [{ application_name: 'mailroom http://10.0.0.2:3000' }] }));
    const holders = new IdentityHolders({ query }, 2_000, () => now);
    await expect(Promise.all([holders.ownerOf(ID), holders.ownerOf(ID)])).resolves.toEqual([
      'http://10.0.0.2:3000',
      'http://10.0.0.2:3000',
    ]);
    now = 1_999;
    await holders.ownerOf(ID);
    expect(query).toHaveBeenCalledTimes(1);
    now = 2_001;
    await holders.ownerOf(ID);
    expect(query).toHaveBeenCalledTimes(2);
    holders.forget(ID);
    await holders.ownerOf(ID);
    expect(query).toHaveBeenCalledTimes(3);
  });

  it('does not remember a failed lookup, and ignores sessions that are not replicas', async () => {
    const query = jest
      .fn<() => Promise<{ rows: Record<string, unknown>[] }>>()
      .mockRejectedValueOnce(new Error('database down'))
      .mockResolvedValue({ rows: [{ application_name: 'psql' }] });
    const holders = new IdentityHolders({ query });
    await expect(holders.ownerOf(ID)).rejects.toThrow('database down');
    await expect(holders.ownerOf(ID)).resolves.toBeUndefined();
    expect(query).toHaveBeenCalledTimes(2);
  });
});
