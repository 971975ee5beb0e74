import { createHash } from 'node:crypto';
import { Journal, type JournalOptions } from './journal.js';
import { firstIndexAbove, pageById, type Page, type PageRequest } from './paging.js';
import type {
  CommitLogRecord,
  DevnetRecord,
  GroupMessageRecord,
  IdentityUpdateRecord,
  WelcomeRecord,
} from './records.js';

export type GroupMessageInput = Omit<GroupMessageRecord, 'kind' | 'id' | 'createdNs'>;
export type WelcomeInput = Omit<WelcomeRecord, 'kind' | 'id' | 'createdNs'>;
export type IdentityUpdateInput = Omit<IdentityUpdateRecord, 'kind' | 'id' | 'createdNs'>;
export type CommitLogInput = Omit<CommitLogRecord, 'kind' | 'id' | 'createdNs'>;

type Listener<T> = (record: T) => void;

interface AddressAssociation {
  inboxId: string;
  associatedBy: number;
  revoked: boolean;
}

/**
 * All devnet state: in memory, optionally backed by a journal in a data directory.
 * Every id sequence is global and strictly increasing, and is restored from the journal on restart.
 */
export class DevnetStore {
  private readonly groupMessages = new Map<string, GroupMessageRecord[]>();
  private readonly groupMessageHashes = new Set<string>();
  private readonly welcomes = new Map<string, WelcomeRecord[]>();
  private readonly welcomeHashes = new Set<string>();
  private readonly keyPackages = new Map<string, Buffer>();
  private readonly inboxLogs = new Map<string, IdentityUpdateRecord[]>();
  private readonly addresses = new Map<string, AddressAssociation[]>();
  private readonly commitLogs = new Map<string, CommitLogRecord[]>();
  private readonly listeners = new Map<string, Set<Listener<GroupMessageRecord | WelcomeRecord>>>();
  private readonly lastIds = { group_message: 0, welcome: 0, identity_update: 0, commit_log: 0 };
  private lastNs = 0n;

  private constructor(private readonly journal: Journal | undefined) {}

  static inMemory(): DevnetStore {
    return new DevnetStore(undefined);
  }

  static open(
    dataDir: string,
    options?: JournalOptions,
  ): { store: DevnetStore; replayed: number; truncatedBytes: number } {
    const { journal, records, truncatedBytes } = Journal.open(dataDir, options);
    const store = new DevnetStore(journal);
    for (const record of records) store.apply(record, true);
    return { store, replayed: records.length, truncatedBytes };
  }

  get persistent(): boolean {
    return this.journal !== undefined;
  }

  close(): void {
    this.listeners.clear();
    this.journal?.close();
  }

  // --- group messages ---

  /** Stores new messages and returns them; an identical resend (same group and bytes) is skipped. */
  addGroupMessages(inputs: readonly GroupMessageInput[]): GroupMessageRecord[] {
    const fresh: GroupMessageRecord[] = [];
    const batchHashes = new Set<string>();
    for (const input of inputs) {
      const hash = contentHash(input.groupId, input.data);
      if (this.groupMessageHashes.has(hash) || batchHashes.has(hash)) continue;
      batchHashes.add(hash);
      fresh.push({ kind: 'group_message', id: this.nextId('group_message'), createdNs: this.nextNs(), ...input });
    }
    this.commit(fresh);
    return fresh;
  }

  queryGroupMessages(groupId: Buffer, page: PageRequest): Page<GroupMessageRecord> {
    return pageById(this.groupMessages.get(hex(groupId)) ?? [], page);
  }

  newestGroupMessage(groupId: Buffer): GroupMessageRecord | undefined {
    return this.groupMessages.get(hex(groupId))?.at(-1);
  }

  // --- welcomes ---

  addWelcomes(inputs: readonly WelcomeInput[]): WelcomeRecord[] {
    const fresh: WelcomeRecord[] = [];
    const batchHashes = new Set<string>();
    for (const input of inputs) {
      const hash = contentHash(input.installationKey, input.data);
      if (this.welcomeHashes.has(hash) || batchHashes.has(hash)) continue;
      batchHashes.add(hash);
      fresh.push({ kind: 'welcome', id: this.nextId('welcome'), createdNs: this.nextNs(), ...input });
    }
    this.commit(fresh);
    return fresh;
  }

  queryWelcomes(installationKey: Buffer, page: PageRequest): Page<WelcomeRecord> {
    return pageById(this.welcomes.get(hex(installationKey)) ?? [], page);
  }

  // --- key packages ---

  putKeyPackage(installationKey: Buffer, keyPackage: Buffer): void {
    this.commit([{ kind: 'key_package', installationKey, keyPackage }]);
  }

  keyPackage(installationKey: Buffer): Buffer | undefined {
    return this.keyPackages.get(hex(installationKey));
  }

  // --- identity ---

  inboxLogLength(inboxId: string): number | undefined {
    return this.inboxLogs.get(inboxId)?.length;
  }

  addIdentityUpdate(input: IdentityUpdateInput): IdentityUpdateRecord {
    const record: IdentityUpdateRecord = {
      kind: 'identity_update',
      id: this.nextId('identity_update'),
      createdNs: this.nextNs(),
      ...input,
    };
    this.commit([record]);
    return record;
  }

  identityUpdatesAfter(inboxId: string, sequenceId: number): IdentityUpdateRecord[] {
    const log = this.inboxLogs.get(inboxId) ?? [];
    return log.slice(firstIndexAbove(log, sequenceId));
  }

  /** The latest association of the address that has not been revoked. */
  inboxIdForAddress(address: string): string | undefined {
    const history = this.addresses.get(address.toLowerCase()) ?? [];
    for (let i = history.length - 1; i >= 0; i--) if (!history[i]!.revoked) return history[i]!.inboxId;
    return undefined;
  }

  // --- commit log ---

  addCommitLogEntries(inputs: readonly CommitLogInput[]): CommitLogRecord[] {
    const records = inputs.map((input): CommitLogRecord => ({
      kind: 'commit_log',
      id: this.nextId('commit_log'),
      createdNs: this.nextNs(),
      ...input,
    }));
    this.commit(records);
    return records;
  }

  queryCommitLog(groupId: Buffer, page: PageRequest): Page<CommitLogRecord> {
    return pageById(this.commitLogs.get(hex(groupId)) ?? [], page);
  }

  // --- live delivery ---

  /** Calls `listener` for every group message stored from now on in the group. Returns the unsubscribe function. */
  onGroupMessage(groupId: Buffer, listener: Listener<GroupMessageRecord>): () => void {
    return this.listen(`g:${hex(groupId)}`, listener as Listener<GroupMessageRecord | WelcomeRecord>);
  }

  onWelcome(installationKey: Buffer, listener: Listener<WelcomeRecord>): () => void {
    return this.listen(`w:${hex(installationKey)}`, listener as Listener<GroupMessageRecord | WelcomeRecord>);
  }

  stats(): Record<string, number> {
    return { ...this.lastIds, keyPackages: this.keyPackages.size, inboxes: this.inboxLogs.size };
  }

  // --- internals ---

  /** Journal first (so an acknowledged write is durable), then make it visible and notify streams. */
  private commit(records: readonly DevnetRecord[]): void {
    if (records.length === 0) return;
    this.journal?.append(records);
    for (const record of records) this.apply(record, false);
    for (const record of records) {
      if (record.kind === 'group_message') this.emit(`g:${hex(record.groupId)}`, record);
      else if (record.kind === 'welcome') this.emit(`w:${hex(record.installationKey)}`, record);
    }
  }

  private apply(record: DevnetRecord, replaying: boolean): void {
    if ('createdNs' in record && record.createdNs > this.lastNs) this.lastNs = record.createdNs;
    switch (record.kind) {
      case 'group_message':
        if (replaying) this.restoreId('group_message', record.id);
        append(this.groupMessages, hex(record.groupId), record);
        this.groupMessageHashes.add(contentHash(record.groupId, record.data));
        break;
      case 'welcome':
        if (replaying) this.restoreId('welcome', record.id);
        append(this.welcomes, hex(record.installationKey), record);
        this.welcomeHashes.add(contentHash(record.installationKey, record.data));
        break;
      case 'key_package':
        this.keyPackages.set(hex(record.installationKey), record.keyPackage);
        break;
      case 'identity_update':
        if (replaying) this.restoreId('identity_update', record.id);
        append(this.inboxLogs, record.inboxId, record);
        for (const address of record.revoked) {
          for (const association of this.addresses.get(address) ?? []) {
            if (association.inboxId === record.inboxId) association.revoked = true;
          }
        }
        for (const address of record.associated) {
          append(this.addresses, address, { inboxId: record.inboxId, associatedBy: record.id, revoked: false });
        }
        break;
      case 'commit_log':
        if (replaying) this.restoreId('commit_log', record.id);
        append(this.commitLogs, hex(record.groupId), record);
        break;
      default:
        throw new Error(`unknown devnet record kind ${(record as { kind: string }).kind}`);
    }
  }

  private listen(topic: string, listener: Listener<GroupMessageRecord | WelcomeRecord>): () => void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(topic) === set) this.listeners.delete(topic);
    };
  }

  private emit(topic: string, record: GroupMessageRecord | WelcomeRecord): void {
    const set = this.listeners.get(topic);
    if (!set) return;
    for (const listener of [...set]) listener(record);
  }

  private nextId(sequence: keyof DevnetStore['lastIds']): number {
    return ++this.lastIds[sequence];
  }

  /** Live records got their id from nextId; replayed ones move the sequence forward and must be in order. */
  private restoreId(sequence: keyof DevnetStore['lastIds'], id: number): void {
    if (id <= this.lastIds[sequence])
      throw new Error(`journal out of order: ${sequence} id ${id} after ${this.lastIds[sequence]}`);
    this.lastIds[sequence] = id;
  }

  /** Server clock in ns, strictly increasing even within one millisecond and across restarts. */
  private nextNs(): bigint {
    const now = BigInt(Date.now()) * 1_000_000n;
    this.lastNs = now > this.lastNs ? now : this.lastNs + 1n;
    return this.lastNs;
  }
}

function hex(bytes: Buffer): string {
  return bytes.toString('hex');
}

function contentHash(scope: Buffer, data: Buffer): string {
  return createHash('sha256').update(scope).update(data).digest('base64');
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
