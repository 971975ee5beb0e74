import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DevnetStore } from './devnet-store.js';
import type { GroupMessageRecord } from './records.js';

const group = Buffer.from('aa'.repeat(16), 'hex');
const message = (data: string) => ({
  groupId: group,
  data: Buffer.from(data),
  senderHmac: Buffer.from('h'),
  shouldPush: true,
  isCommit: false,
});
const ascending = { direction: 'ascending' as const, cursor: 0, limit: 100 };

describe('DevnetStore', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'devnet-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('skips identical resends and keeps ids and timestamps strictly increasing', () => {
    const store = DevnetStore.inMemory();
    const stored = store.addGroupMessages([message('a'), message('b'), message('a')]);
    expect(stored.map((r) => r.id)).toEqual([1, 2]);
    expect(store.addGroupMessages([message('b')])).toEqual([]);
    expect(stored[1]!.createdNs).toBeGreaterThan(stored[0]!.createdNs);
  });

  it('notifies live listeners after storing and stops after unsubscribe', () => {
    const store = DevnetStore.inMemory();
    const seen: GroupMessageRecord[] = [];
    const stop = store.onGroupMessage(group, (record) => seen.push(record));
    store.addGroupMessages([message('x')]);
    stop();
    store.addGroupMessages([message('y')]);
    expect(seen.map((r) => r.data.toString())).toEqual(['x']);
  });

  it('resolves an address to its latest non-revoked inbox', () => {
    const store = DevnetStore.inMemory();
    const update = Buffer.from('raw');
    store.addIdentityUpdate({ inboxId: 'one', update, associated: ['0xabc'], revoked: [] });
    store.addIdentityUpdate({ inboxId: 'two', update, associated: ['0xdef'], revoked: [] });
    store.addIdentityUpdate({ inboxId: 'two', update, associated: ['0xabc'], revoked: [] });
    expect(store.inboxIdForAddress('0xABC')).toBe('two');
    store.addIdentityUpdate({ inboxId: 'two', update, associated: [], revoked: ['0xabc'] });
    expect(store.inboxIdForAddress('0xabc')).toBe('one');
    expect(store.identityUpdatesAfter('two', 2).map((r) => r.id)).toEqual([3, 4]);
  });

  it('restores the whole state from its journal and never reuses ids', () => {
    const first = DevnetStore.open(dir).store;
    first.addGroupMessages([message('a'), message('b')]);
    first.addWelcomes([
      {
        installationKey: group,
        data: Buffer.from('w'),
        hpkePublicKey: Buffer.from('k'),
        wrapperAlgorithm: 'X',
        welcomeMetadata: Buffer.alloc(0),
        isPointer: false,
      },
    ]);
    first.putKeyPackage(Buffer.from('i1'), Buffer.from('kp1'));
    first.putKeyPackage(Buffer.from('i1'), Buffer.from('kp2'));
    first.addIdentityUpdate({ inboxId: 'one', update: Buffer.from('u'), associated: ['0xabc'], revoked: [] });
    first.addCommitLogEntries([
      { groupId: group, entry: Buffer.from('e'), signature: Buffer.from('s'), signaturePublicKey: Buffer.from('p') },
    ]);
    const lastNs = first.queryGroupMessages(group, ascending).items[1]!.createdNs;
    first.close();

    const { store: second, replayed } = DevnetStore.open(dir);
    expect(replayed).toBe(7);
    expect(second.queryGroupMessages(group, ascending).items.map((r) => r.data.toString())).toEqual(['a', 'b']);
    expect(second.queryWelcomes(group, ascending).items).toHaveLength(1);
    expect(second.keyPackage(Buffer.from('i1'))?.toString()).toBe('kp2');
    expect(second.inboxIdForAddress('0xabc')).toBe('one');
    expect(second.queryCommitLog(group, ascending).items[0]!.signaturePublicKey.toString()).toBe('p');
    expect(second.addGroupMessages([message('a')])).toEqual([]); // resend detection survives too

    const [next] = second.addGroupMessages([message('c')]);
    expect(next!.id).toBe(3);
    expect(next!.createdNs).toBeGreaterThan(lastNs);
    second.close();
  });

  it('drops a torn last line and refuses a second open of the same directory', () => {
    const store = DevnetStore.open(dir).store;
    store.addGroupMessages([message('a')]);
    expect(() => DevnetStore.open(dir)).toThrow(/already open/);
    store.close();
    appendFileSync(path.join(dir, 'devnet.journal'), '{"kind":"group_mes');
    const reopened = DevnetStore.open(dir);
    expect(reopened.replayed).toBe(1);
    expect(reopened.truncatedBytes).toBe(Buffer.byteLength('{"kind":"group_mes'));
    expect(readFileSync(path.join(dir, 'devnet.journal'), 'utf8').endsWith('\n')).toBe(true);
    reopened.store.close();
  });
});
