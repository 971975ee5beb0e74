import { Metadata, type ServerWritableStream } from '@grpc/grpc-js';
import type { DevnetStore, GroupMessageInput, WelcomeInput } from '../store/devnet-store.js';
import type { GroupMessageRecord } from '../store/records.js';
import { parseKeyPackageInstallationKey, parseMlsMessageHeader, TlsParseError } from '../tls.js';
import {
  commitLogEntryToProto,
  groupMessageToProto,
  toPageRequest,
  toPagingInfo,
  welcomeToProto,
  type PagingInfoMessage,
} from './convert.js';
import type { StreamRegistry } from './streams.js';
import {
  checkBatchSize,
  invalidArgument,
  MAX_COMMIT_LOG_PUBLISHES,
  MAX_COMMIT_LOG_QUERIES,
  MAX_ITEMS_PER_REQUEST,
  requireBytes,
} from './status.js';

// Request shapes as proto-loader decodes them (only the fields the devnet reads).
interface GroupMessageInputMessage {
  v1?: { data?: Buffer; sender_hmac?: Buffer; should_push?: boolean };
}
interface WelcomeInputMessage {
  v1?: {
    installation_key?: Buffer;
    data?: Buffer;
    hpke_public_key?: Buffer;
    wrapper_algorithm?: string;
    welcome_metadata?: Buffer;
  };
  welcome_pointer?: {
    installation_key?: Buffer;
    welcome_pointer?: Buffer;
    hpke_public_key?: Buffer;
    wrapper_algorithm?: string;
  };
}
interface KeyPackageUploadMessage {
  key_package?: { key_package_tls_serialized?: Buffer };
}
interface GroupFilter {
  group_id?: Buffer;
  id_cursor?: string;
}
interface WelcomeFilter {
  installation_key?: Buffer;
  id_cursor?: string;
}

export function mlsHandlers(store: DevnetStore, streams: StreamRegistry) {
  return {
    SendGroupMessages(request: { messages?: GroupMessageInputMessage[] }) {
      checkBatchSize(request.messages, MAX_ITEMS_PER_REQUEST, 'group messages');
      const inputs = (request.messages ?? []).map((message, index): GroupMessageInput => {
        const data = requireBytes(message.v1?.data, `messages[${index}].v1.data`);
        const header = parseOrReject(
          () => parseMlsMessageHeader(data),
          `messages[${index}] is not an MLS group message`,
        );
        return {
          groupId: header.groupId,
          data,
          senderHmac: Buffer.from(message.v1?.sender_hmac ?? []),
          shouldPush: message.v1?.should_push ?? false,
          isCommit: header.isCommit,
        };
      });
      store.addGroupMessages(inputs);
      return {};
    },

    SendWelcomeMessages(request: { messages?: WelcomeInputMessage[] }) {
      checkBatchSize(request.messages, MAX_ITEMS_PER_REQUEST, 'welcome messages');
      const inputs = (request.messages ?? []).map((message, index) => toWelcomeInput(message, index));
      store.addWelcomes(inputs);
      return {};
    },

    UploadKeyPackage(request: KeyPackageUploadMessage) {
      storeKeyPackage(store, request);
      return {};
    },

    RegisterInstallation(request: KeyPackageUploadMessage) {
      return { installation_key: storeKeyPackage(store, request) };
    },

    FetchKeyPackages(request: { installation_keys?: Buffer[] }) {
      checkBatchSize(request.installation_keys, MAX_ITEMS_PER_REQUEST, 'installation keys');
      return {
        key_packages: (request.installation_keys ?? []).map((key) => ({
          key_package_tls_serialized: key.length > 0 ? (store.keyPackage(key) ?? Buffer.alloc(0)) : Buffer.alloc(0),
        })),
      };
    },

    QueryGroupMessages(request: { group_id?: Buffer; paging_info?: PagingInfoMessage }) {
      const groupId = requireBytes(request.group_id, 'group_id');
      const pageRequest = toPageRequest(request.paging_info);
      const page = store.queryGroupMessages(groupId, pageRequest);
      return {
        messages: page.items.map((record) => groupMessageToProto(record)),
        paging_info: toPagingInfo(pageRequest, page),
      };
    },

    QueryWelcomeMessages(request: { installation_key?: Buffer; paging_info?: PagingInfoMessage }) {
      const installationKey = requireBytes(request.installation_key, 'installation_key');
      const pageRequest = toPageRequest(request.paging_info);
      const page = store.queryWelcomes(installationKey, pageRequest);
      return { messages: page.items.map(welcomeToProto), paging_info: toPagingInfo(pageRequest, page) };
    },

    GetNewestGroupMessage(request: { group_ids?: Buffer[]; include_content?: boolean }) {
      checkBatchSize(request.group_ids, MAX_ITEMS_PER_REQUEST, 'group ids');
      return {
        responses: (request.group_ids ?? []).map((groupId) => {
          const newest = groupId.length > 0 ? store.newestGroupMessage(groupId) : undefined;
          return newest ? { group_message: groupMessageToProto(newest, request.include_content ?? false) } : {};
        }),
      };
    },

    BatchPublishCommitLog(request: {
      requests?: {
        group_id?: Buffer;
        serialized_commit_log_entry?: Buffer;
        signature?: { bytes?: Buffer; public_key?: Buffer };
      }[];
    }) {
      checkBatchSize(request.requests, MAX_COMMIT_LOG_PUBLISHES, 'commit log publishes');
      const inputs = (request.requests ?? []).map((entry, index) => ({
        groupId: requireBytes(entry.group_id, `requests[${index}].group_id`),
        entry: requireBytes(entry.serialized_commit_log_entry, `requests[${index}].serialized_commit_log_entry`),
        signature: Buffer.from(entry.signature?.bytes ?? []),
        signaturePublicKey: Buffer.from(entry.signature?.public_key ?? []),
      }));
      store.addCommitLogEntries(inputs);
      return {};
    },

    BatchQueryCommitLog(request: { requests?: { group_id?: Buffer; paging_info?: PagingInfoMessage }[] }) {
      checkBatchSize(request.requests, MAX_COMMIT_LOG_QUERIES, 'commit log queries');
      const queries = (request.requests ?? []).map((query, index) => ({
        groupId: requireBytes(query.group_id, `requests[${index}].group_id`),
        pageRequest: toPageRequest(query.paging_info, true),
      }));
      return {
        responses: queries.map(({ groupId, pageRequest }) => {
          const page = store.queryCommitLog(groupId, pageRequest);
          return {
            group_id: groupId,
            commit_log_entries: page.items.map(commitLogEntryToProto),
            paging_info: toPagingInfo(pageRequest, page),
          };
        }),
      };
    },

    SubscribeGroupMessages(call: ServerWritableStream<{ filters?: GroupFilter[] }, unknown>) {
      const filters = call.request.filters ?? [];
      checkBatchSize(filters, MAX_ITEMS_PER_REQUEST, 'subscription filters');
      const cursors = lowestCursorPerTopic(
        filters.map((f, i) => [requireBytes(f.group_id, `filters[${i}].group_id`), f.id_cursor]),
      );
      streamTopics(call, streams, cursors, {
        replay: (groupId, after) => store.queryGroupMessages(groupId, everythingAfter(after)).items,
        listen: (groupId, deliver) => store.onGroupMessage(groupId, deliver),
        toProto: (record: GroupMessageRecord) => groupMessageToProto(record),
      });
    },

    SubscribeWelcomeMessages(call: ServerWritableStream<{ filters?: WelcomeFilter[] }, unknown>) {
      const filters = call.request.filters ?? [];
      if (filters.length === 0) throw invalidArgument('at least one welcome filter is required');
      checkBatchSize(filters, MAX_ITEMS_PER_REQUEST, 'subscription filters');
      const cursors = lowestCursorPerTopic(
        filters.map((f, i) => [requireBytes(f.installation_key, `filters[${i}].installation_key`), f.id_cursor]),
      );
      streamTopics(call, streams, cursors, {
        replay: (key, after) => store.queryWelcomes(key, everythingAfter(after)).items,
        listen: (key, deliver) => store.onWelcome(key, deliver),
        toProto: welcomeToProto,
      });
    },
  };
}

function parseOrReject<T>(parse: () => T, message: string): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof TlsParseError) throw invalidArgument(`${message}: ${error.message}`);
    throw error;
  }
}

function storeKeyPackage(store: DevnetStore, request: KeyPackageUploadMessage): Buffer {
  const keyPackage = requireBytes(
    request.key_package?.key_package_tls_serialized,
    'key_package.key_package_tls_serialized',
  );
  const installationKey = parseOrReject(() => parseKeyPackageInstallationKey(keyPackage), 'key package does not parse');
  store.putKeyPackage(installationKey, keyPackage);
  return installationKey;
}

function toWelcomeInput(message: WelcomeInputMessage, index: number): WelcomeInput {
  if (message.v1) {
    return {
      installationKey: requireBytes(message.v1.installation_key, `messages[${index}].v1.installation_key`),
      data: requireBytes(message.v1.data, `messages[${index}].v1.data`),
      hpkePublicKey: Buffer.from(message.v1.hpke_public_key ?? []),
      wrapperAlgorithm: message.v1.wrapper_algorithm ?? 'WELCOME_WRAPPER_ALGORITHM_UNSPECIFIED',
      welcomeMetadata: Buffer.from(message.v1.welcome_metadata ?? []),
      isPointer: false,
    };
  }
  if (message.welcome_pointer) {
    const pointer = message.welcome_pointer;
    return {
      installationKey: requireBytes(pointer.installation_key, `messages[${index}].welcome_pointer.installation_key`),
      data: requireBytes(pointer.welcome_pointer, `messages[${index}].welcome_pointer.welcome_pointer`),
      hpkePublicKey: Buffer.from(pointer.hpke_public_key ?? []),
      wrapperAlgorithm: pointer.wrapper_algorithm ?? 'WELCOME_POINTER_WRAPPER_ALGORITHM_UNSPECIFIED',
      welcomeMetadata: Buffer.alloc(0),
      isPointer: true,
    };
  }
  throw invalidArgument(`messages[${index}] has no version`);
}

function everythingAfter(cursor: number) {
  return { direction: 'ascending' as const, cursor, limit: Number.MAX_SAFE_INTEGER };
}

/** Duplicate filters for one topic collapse into one, starting from the lowest cursor. */
function lowestCursorPerTopic(filters: [Buffer, string | undefined][]): Map<string, { topic: Buffer; cursor: number }> {
  const byTopic = new Map<string, { topic: Buffer; cursor: number }>();
  for (const [topic, rawCursor] of filters) {
    const cursor = Number(rawCursor ?? 0);
    if (!Number.isSafeInteger(cursor) || cursor < 0) throw invalidArgument('id_cursor is out of range');
    const key = topic.toString('hex');
    const known = byTopic.get(key);
    if (!known || cursor < known.cursor) byTopic.set(key, { topic, cursor });
  }
  return byTopic;
}

interface TopicSource<R extends { id: number }> {
  replay(topic: Buffer, after: number): R[];
  listen(topic: Buffer, deliver: (record: R) => void): () => void;
  toProto(record: R): unknown;
}

/**
 * Headers go out first (tonic clients wait for them before the stream counts as open), then stored
 * records after each cursor, then live records. Replay and listener registration happen in one tick,
 * and a per-topic high-water mark drops anything already sent, so nothing is missed or sent twice.
 */
function streamTopics<R extends { id: number }>(
  call: ServerWritableStream<unknown, unknown>,
  streams: StreamRegistry,
  cursors: Map<string, { topic: Buffer; cursor: number }>,
  source: TopicSource<R>,
): void {
  call.sendMetadata(new Metadata());
  const unsubscribes: (() => void)[] = [];
  const stop = () => {
    for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
    streams.remove(call);
  };
  streams.add(call, stop);
  call.on('cancelled', stop);
  call.on('close', stop);
  call.on('error', stop);
  for (const { topic, cursor } of cursors.values()) {
    let highWater = cursor;
    for (const record of source.replay(topic, cursor)) {
      call.write(source.toProto(record));
      highWater = record.id;
    }
    unsubscribes.push(
      source.listen(topic, (record) => {
        if (record.id <= highWater) return;
        highWater = record.id;
        call.write(source.toProto(record));
      }),
    );
  }
}
