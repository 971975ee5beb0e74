// Every change to devnet state is one record. The in-memory state is built by applying records in order,
// both live and when a journal is replayed after a restart, so ids and timestamps survive restarts.

export interface GroupMessageRecord {
  kind: 'group_message';
  id: number;
  createdNs: bigint;
  groupId: Buffer;
  data: Buffer;
  senderHmac: Buffer;
  shouldPush: boolean;
  isCommit: boolean;
}

export interface WelcomeRecord {
  kind: 'welcome';
  id: number;
  createdNs: bigint;
  installationKey: Buffer;
  /** Welcome bytes, or the welcome pointer bytes when `isPointer`. */
  data: Buffer;
  hpkePublicKey: Buffer;
  wrapperAlgorithm: string;
  welcomeMetadata: Buffer;
  isPointer: boolean;
}

export interface KeyPackageRecord {
  kind: 'key_package';
  installationKey: Buffer;
  keyPackage: Buffer;
}

export interface IdentityUpdateRecord {
  kind: 'identity_update';
  id: number;
  createdNs: bigint;
  inboxId: string;
  /** The serialized IdentityUpdate exactly as the client sent it. */
  update: Buffer;
  /** Lowercase addresses this update associates with the inbox. */
  associated: string[];
  /** Lowercase addresses this update revokes from the inbox. */
  revoked: string[];
}

export interface CommitLogRecord {
  kind: 'commit_log';
  id: number;
  createdNs: bigint;
  groupId: Buffer;
  entry: Buffer;
  signature: Buffer;
  signaturePublicKey: Buffer;
}

export type DevnetRecord =
  GroupMessageRecord | WelcomeRecord | KeyPackageRecord | IdentityUpdateRecord | CommitLogRecord;

const BUFFER_FIELDS = new Set([
  'groupId',
  'data',
  'senderHmac',
  'installationKey',
  'hpkePublicKey',
  'welcomeMetadata',
  'keyPackage',
  'update',
  'entry',
  'signature',
  'signaturePublicKey',
]);
const BIGINT_FIELDS = new Set(['createdNs']);

/** One JSON line; buffers become base64 and bigints decimal strings. */
export function encodeRecord(record: DevnetRecord): string {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (BUFFER_FIELDS.has(key)) out[key] = (value as Buffer).toString('base64');
    else if (BIGINT_FIELDS.has(key)) out[key] = (value as bigint).toString();
    else out[key] = value;
  }
  return JSON.stringify(out);
}

export function decodeRecord(line: string): DevnetRecord {
  const parsed = JSON.parse(line) as Record<string, unknown>;
  for (const key of Object.keys(parsed)) {
    if (BUFFER_FIELDS.has(key)) parsed[key] = Buffer.from(parsed[key] as string, 'base64');
    else if (BIGINT_FIELDS.has(key)) parsed[key] = BigInt(parsed[key] as string);
  }
  if (typeof parsed.kind !== 'string') throw new Error('journal record without kind');
  return parsed as unknown as DevnetRecord;
}
