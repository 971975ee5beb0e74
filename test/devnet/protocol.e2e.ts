// Protocol rules and bad input, checked with plain gRPC calls (no SDK) against one devnet.
import { createHash, randomBytes } from 'node:crypto';
import { status, type ClientReadableStream } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger, startDevnet, type Devnet } from '@mailroom/devnet';
import { createTestClients } from '@mailroom/xmtp/testing';
import { call, rawXmtpClients, statusOf, waitFor, type RawXmtpClients } from './support.js';

/** A PrivateMessage header as libxmtp sends it: version 1, wire format 2, 16-byte group id, epoch, content type. */
function mlsMessage(groupId: Buffer, contentType: 1 | 3, body: Buffer = randomBytes(32)): Buffer {
  return Buffer.concat([
    Buffer.from([0, 1, 0, 2, groupId.length]),
    groupId,
    Buffer.alloc(8),
    Buffer.from([contentType]),
    body,
  ]);
}

const send = (raw: RawXmtpClients, ...data: Buffer[]) =>
  call(raw.mls, 'SendGroupMessages', {
    messages: data.map((d) => ({ v1: { data: d, sender_hmac: randomBytes(8), should_push: true } })),
  });

const query = (
  raw: RawXmtpClients,
  groupId: Buffer,
  direction = 'SORT_DIRECTION_ASCENDING',
  idCursor = '0',
  limit = 0,
) => call(raw.mls, 'QueryGroupMessages', { group_id: groupId, paging_info: { direction, limit, id_cursor: idCursor } });

const inboxIdFor = (address: string) => createHash('sha256').update(`${address}1`).digest('hex');
const randomAddress = () => `0x${randomBytes(20).toString('hex')}`;

function createInbox(raw: RawXmtpClients, inboxId: string, address: string) {
  return call(raw.identity, 'PublishIdentityUpdate', {
    identity_update: {
      inbox_id: inboxId,
      client_timestamp_ns: String(BigInt(Date.now()) * 1_000_000n),
      actions: [
        {
          create_inbox: {
            initial_identifier: address,
            nonce: '1',
            initial_identifier_kind: 'IDENTIFIER_KIND_ETHEREUM',
          },
        },
      ],
    },
  });
}

describe('devnet protocol rules', () => {
  let devnet: Devnet;
  let raw: RawXmtpClients;
  const logLines: string[] = [];

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0, logger: createLogger('debug', (line) => logLines.push(line)) });
    raw = rawXmtpClients(devnet.url);
  });

  afterAll(async () => {
    raw?.close();
    await devnet?.stop();
  });

  it('assigns strictly increasing global ids and reads the group id and commit flag from the MLS bytes', async () => {
    const groupA = randomBytes(16);
    const groupB = randomBytes(16);
    await send(raw, mlsMessage(groupA, 3), mlsMessage(groupB, 1), mlsMessage(groupA, 1));
    const a = (await query(raw, groupA)).messages.map((m: any) => m.v1);
    const b = (await query(raw, groupB)).messages.map((m: any) => m.v1);
    expect(a.map((m: any) => Buffer.from(m.group_id).equals(groupA))).toEqual([true, true]);
    expect(a.map((m: any) => m.is_commit ?? false)).toEqual([true, false]);
    expect(Number(a[0].id) + 1).toBe(Number(b[0].id));
    expect(Number(b[0].id) + 1).toBe(Number(a[1].id));
    expect(BigInt(a[0].created_ns)).toBeGreaterThan(BigInt(Date.now() - 60_000) * 1_000_000n);
    expect(BigInt(a[1].created_ns)).toBeGreaterThan(BigInt(a[0].created_ns));
  });

  it('treats an identical resend as a silent no-op', async () => {
    const group = randomBytes(16);
    const data = mlsMessage(group, 1);
    await send(raw, data);
    await send(raw, data);
    await send(raw, data, data);
    expect((await query(raw, group)).messages).toHaveLength(1);
  });

  it('pages with exclusive cursors, unspecified direction meaning descending, and a cursor only on full pages', async () => {
    const group = randomBytes(16);
    await send(raw, ...Array.from({ length: 5 }, () => mlsMessage(group, 1)));
    const all = (await query(raw, group)).messages.map((m: any) => m.v1.id);

    const firstTwo = await query(raw, group, 'SORT_DIRECTION_ASCENDING', '0', 2);
    expect(firstTwo.messages.map((m: any) => m.v1.id)).toEqual(all.slice(0, 2));
    expect(firstTwo.paging_info).toMatchObject({ direction: 'SORT_DIRECTION_ASCENDING', limit: 2, id_cursor: all[1] });
    const rest = await query(raw, group, 'SORT_DIRECTION_ASCENDING', all[1], 10);
    expect(rest.messages.map((m: any) => m.v1.id)).toEqual(all.slice(2));
    expect(rest.paging_info.id_cursor ?? '0').toBe('0');

    const unspecified = await query(raw, group, 'SORT_DIRECTION_UNSPECIFIED', all[3]);
    expect(unspecified.messages.map((m: any) => m.v1.id)).toEqual(all.slice(0, 3).reverse());
    expect(unspecified.paging_info).toMatchObject({ direction: 'SORT_DIRECTION_DESCENDING', limit: 100 });
  });

  it('sends stream headers at once, accepts empty filters, replays then goes live without duplicates', async () => {
    const empty = raw.mls.SubscribeGroupMessages({ filters: [] }) as ClientReadableStream<unknown>;
    empty.on('error', () => undefined); // our own cancel ends it with CANCELLED
    await new Promise<void>((resolve) => empty.once('metadata', () => resolve()));
    empty.cancel();

    const group = randomBytes(16);
    await send(raw, mlsMessage(group, 1), mlsMessage(group, 1));
    const stored = (await query(raw, group)).messages.map((m: any) => m.v1.id);
    const received: string[] = [];
    const stream = raw.mls.SubscribeGroupMessages({
      filters: [
        { group_id: group, id_cursor: stored[0] },
        { group_id: group, id_cursor: '0' }, // a duplicate filter must not double-deliver
      ],
    }) as ClientReadableStream<any>;
    stream.on('data', (message) => received.push(message.v1.id));
    stream.on('error', () => undefined);
    await new Promise<void>((resolve) => stream.once('metadata', () => resolve()));
    await send(raw, mlsMessage(group, 1));
    await waitFor(() => received.length >= 3, 5000, 'replayed and live messages');
    const all = (await query(raw, group)).messages.map((m: any) => m.v1.id);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual(all);
    stream.cancel();
  });

  it('maps addresses to the latest non-revoked inbox and caps an inbox at 256 identity updates', async () => {
    const address = randomAddress();
    const first = inboxIdFor(address);
    await createInbox(raw, first, address);
    const secondAddress = randomAddress();
    const second = inboxIdFor(secondAddress);
    await createInbox(raw, second, secondAddress);
    const change = (inboxId: string, action: object) =>
      call(raw.identity, 'PublishIdentityUpdate', { identity_update: { inbox_id: inboxId, actions: [action] } });
    const lookup = async () =>
      (
        await call(raw.identity, 'GetInboxIds', {
          requests: [
            { identifier: address.toUpperCase().replace('0X', '0x'), identifier_kind: 'IDENTIFIER_KIND_ETHEREUM' },
          ],
        })
      ).responses[0].inbox_id;

    expect(await lookup()).toBe(first);
    await change(second, { add: { new_member_identifier: { ethereum_address: address } } });
    expect(await lookup()).toBe(second);
    await change(second, { revoke: { member_to_revoke: { ethereum_address: address } } });
    expect(await lookup()).toBe(first);

    const updates = await call(raw.identity, 'GetIdentityUpdates', {
      requests: [{ inbox_id: second, sequence_id: '0' }],
    });
    const sequenceIds = updates.responses[0].updates.map((u: any) => BigInt(u.sequence_id));
    expect(sequenceIds).toHaveLength(3);
    expect(sequenceIds[2] > sequenceIds[1] && sequenceIds[1] > sequenceIds[0]).toBe(true);
    const afterFirst = await call(raw.identity, 'GetIdentityUpdates', {
      requests: [{ inbox_id: second, sequence_id: String(sequenceIds[0]) }],
    });
    expect(afterFirst.responses[0].updates).toHaveLength(2);

    for (let i = 3; i < 256; i++)
      await change(second, { add: { new_member_identifier: { installation_public_key: randomBytes(32) } } });
    expect(
      await statusOf(raw.identity, 'PublishIdentityUpdate', {
        identity_update: {
          inbox_id: second,
          actions: [{ add: { new_member_identifier: { installation_public_key: randomBytes(32) } } }],
        },
      }),
    ).toBe(status.RESOURCE_EXHAUSTED);
  });

  it('accepts and returns a message of 25 MiB', async () => {
    const big = rawXmtpClients(devnet.url, { 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
    const group = randomBytes(16);
    const data = mlsMessage(group, 1, randomBytes(25 * 1024 * 1024));
    try {
      await send(big, data);
      const answer = await query(big, group);
      expect(Buffer.from(answer.messages[0].v1.data).equals(data)).toBe(true);
    } finally {
      big.close();
    }
  });

  it('answers bad input with the right status and keeps serving', async () => {
    const garbage = { messages: [{ v1: { data: Buffer.from('not an mls message') } }] };
    expect(await statusOf(raw.mls, 'SendGroupMessages', garbage)).toBe(status.INVALID_ARGUMENT);
    expect(await statusOf(raw.mls, 'SendGroupMessages', { messages: [{ v1: { data: Buffer.alloc(0) } }] })).toBe(
      status.INVALID_ARGUMENT,
    );
    expect(
      await statusOf(raw.mls, 'SendGroupMessages', {
        messages: [{ v1: { data: mlsMessage(randomBytes(16), 1).subarray(0, 12) } }],
      }),
    ).toBe(status.INVALID_ARGUMENT);
    expect(
      await statusOf(raw.mls, 'UploadKeyPackage', { key_package: { key_package_tls_serialized: randomBytes(40) } }),
    ).toBe(status.INVALID_ARGUMENT);
    expect(await statusOf(raw.mls, 'UploadKeyPackage', {})).toBe(status.INVALID_ARGUMENT);
    expect(
      await statusOf(raw.mls, 'SendWelcomeMessages', {
        messages: [{ v1: { installation_key: Buffer.alloc(0), data: randomBytes(8) } }],
      }),
    ).toBe(status.INVALID_ARGUMENT);
    expect(await statusOf(raw.mls, 'QueryWelcomeMessages', { installation_key: Buffer.alloc(0) })).toBe(
      status.INVALID_ARGUMENT,
    );
    expect(await statusOf(raw.mls, 'QueryGroupMessages', {})).toBe(status.INVALID_ARGUMENT);

    const unknownInbox = inboxIdFor(randomAddress());
    expect(
      await statusOf(raw.identity, 'PublishIdentityUpdate', {
        identity_update: {
          inbox_id: unknownInbox,
          actions: [{ add: { new_member_identifier: { installation_public_key: randomBytes(32) } } }],
        },
      }),
    ).toBe(status.NOT_FOUND);
    expect(
      await statusOf(raw.identity, 'PublishIdentityUpdate', { identity_update: { inbox_id: 'nope', actions: [] } }),
    ).toBe(status.INVALID_ARGUMENT);

    const commitEntry = { group_id: randomBytes(16), serialized_commit_log_entry: randomBytes(8) };
    expect(await statusOf(raw.mls, 'BatchPublishCommitLog', { requests: Array(11).fill(commitEntry) })).toBe(
      status.RESOURCE_EXHAUSTED,
    );
    expect(
      await statusOf(raw.mls, 'BatchQueryCommitLog', { requests: Array(21).fill({ group_id: randomBytes(16) }) }),
    ).toBe(status.RESOURCE_EXHAUSTED);
    expect(await statusOf(raw.mls, 'FetchKeyPackages', { installation_keys: Array(1001).fill(randomBytes(32)) })).toBe(
      status.RESOURCE_EXHAUSTED,
    );
    expect(await statusOf(raw.mls, 'RevokeInstallation', {})).toBe(status.UNIMPLEMENTED);
    expect(await statusOf(raw.mls, 'GetIdentityUpdates', {})).toBe(status.UNIMPLEMENTED);

    const welcomeStream = raw.mls.SubscribeWelcomeMessages({
      filters: [{ installation_key: Buffer.alloc(0) }],
    }) as ClientReadableStream<unknown>;
    const streamStatus = await new Promise<number>((resolve) =>
      welcomeStream.on('error', (error: { code: number }) => resolve(error.code)),
    );
    expect(streamStatus).toBe(status.INVALID_ARGUMENT);

    const scw = await call(raw.identity, 'VerifySmartContractWalletSignatures', {
      signatures: [{ account_id: 'eip155:1:0x0', signature: randomBytes(65), hash: randomBytes(32) }],
    });
    expect(scw.responses[0].is_valid ?? false).toBe(false);

    expect(logLines.some((line) => line.includes('WARN devnet: MlsApi.SendGroupMessages INVALID_ARGUMENT'))).toBe(true);
    expect(logLines.some((line) => line.includes('WARN devnet: IdentityApi.PublishIdentityUpdate NOT_FOUND'))).toBe(
      true,
    );
    expect(logLines.some((line) => line.includes('DEBUG devnet: MlsApi.QueryGroupMessages OK'))).toBe(true);

    // After all of that the node still serves real clients.
    const peers = await createTestClients(devnet.url, 1, { inMemoryDb: true });
    expect(peers.clients[0]!.inboxId).toMatch(/^[0-9a-f]{64}$/);
    await peers.cleanup();
  });
});
