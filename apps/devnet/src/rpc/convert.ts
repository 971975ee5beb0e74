// Conversions between decoded protobuf objects (proto-loader: keepCase, longs as strings, enums as names)
// and store records.
import { MAX_PAGE_SIZE, type Page, type PageRequest } from '../store/paging.js';
import type { CommitLogRecord, GroupMessageRecord, WelcomeRecord } from '../store/records.js';
import { invalidArgument } from './status.js';

export interface PagingInfoMessage {
  direction?: string;
  limit?: number;
  id_cursor?: string;
}

const ASCENDING = 'SORT_DIRECTION_ASCENDING';
const DESCENDING = 'SORT_DIRECTION_DESCENDING';

/** Unspecified direction means descending; a limit of 0 or above 100 means 100, as on the real node. */
export function toPageRequest(info: PagingInfoMessage | undefined, forceAscending = false): PageRequest {
  const limit = !info?.limit || info.limit > MAX_PAGE_SIZE ? MAX_PAGE_SIZE : info.limit;
  const cursor = Number(info?.id_cursor ?? 0);
  if (!Number.isSafeInteger(cursor) || cursor < 0) throw invalidArgument('paging_info.id_cursor is out of range');
  const direction = forceAscending || info?.direction === ASCENDING ? 'ascending' : 'descending';
  return { direction, limit, cursor };
}

export function toPagingInfo(request: PageRequest, page: Page<unknown>): PagingInfoMessage {
  return {
    direction: request.direction === 'ascending' ? ASCENDING : DESCENDING,
    limit: request.limit,
    id_cursor: String(page.nextCursor),
  };
}

export function groupMessageToProto(record: GroupMessageRecord, includeContent = true) {
  return {
    v1: {
      id: String(record.id),
      created_ns: record.createdNs.toString(),
      group_id: record.groupId,
      ...(includeContent ? { data: record.data, sender_hmac: record.senderHmac, should_push: record.shouldPush } : {}),
      is_commit: record.isCommit,
    },
  };
}

export function welcomeToProto(record: WelcomeRecord) {
  const common = {
    id: String(record.id),
    created_ns: record.createdNs.toString(),
    installation_key: record.installationKey,
    hpke_public_key: record.hpkePublicKey,
    wrapper_algorithm: record.wrapperAlgorithm,
  };
  if (record.isPointer) return { welcome_pointer: { ...common, welcome_pointer: record.data } };
  return { v1: { ...common, data: record.data, welcome_metadata: record.welcomeMetadata } };
}

export function commitLogEntryToProto(record: CommitLogRecord) {
  return {
    sequence_id: String(record.id),
    serialized_commit_log_entry: record.entry,
    signature: { bytes: record.signature, public_key: record.signaturePublicKey },
  };
}
