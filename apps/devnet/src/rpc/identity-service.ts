import type { DevnetStore } from '../store/devnet-store.js';
import type { IdentityUpdateRecord } from '../store/records.js';
import { MessageWriter } from '../wire.js';
import {
  checkBatchSize,
  invalidArgument,
  MAX_IDENTITY_UPDATES_PER_INBOX,
  MAX_ITEMS_PER_REQUEST,
  notFound,
  resourceExhausted,
} from './status.js';

/** Property under which the request deserializer leaves the IdentityUpdate's raw bytes. */
export const RAW_IDENTITY_UPDATE = '__rawIdentityUpdate';

interface MemberIdentifier {
  kind?: 'ethereum_address' | 'installation_public_key' | 'passkey';
  ethereum_address?: string;
}
interface IdentityAction {
  kind?: 'create_inbox' | 'add' | 'revoke' | 'change_recovery_address';
  create_inbox?: { initial_identifier?: string; initial_identifier_kind?: string };
  add?: { new_member_identifier?: MemberIdentifier };
  revoke?: { member_to_revoke?: MemberIdentifier };
}
interface PublishIdentityUpdateRequest {
  identity_update?: { inbox_id?: string; actions?: IdentityAction[] };
  [RAW_IDENTITY_UPDATE]?: Buffer;
}

const PASSKEY = 'IDENTIFIER_KIND_PASSKEY';

export interface IdentityUpdatesAnswer {
  responses: { inboxId: string; updates: IdentityUpdateRecord[] }[];
}

export function identityHandlers(store: DevnetStore) {
  return {
    /**
     * Trusts the client's signatures (the SDK verifies the whole log when it reads it back) and keeps only
     * the bookkeeping the node itself needs: which inboxes exist and which addresses point where.
     */
    PublishIdentityUpdate(request: PublishIdentityUpdateRequest) {
      const update = request.identity_update;
      const raw = request[RAW_IDENTITY_UPDATE];
      if (!update || !raw) throw invalidArgument('identity_update is required');
      const inboxId = (update.inbox_id ?? '').toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(inboxId)) throw invalidArgument('identity_update.inbox_id must be 64 hex characters');
      const actions = update.actions ?? [];
      if (actions.length === 0) throw invalidArgument('identity_update has no actions');
      checkBatchSize(actions, MAX_ITEMS_PER_REQUEST, 'identity actions');

      const logLength = store.inboxLogLength(inboxId);
      const creates = actions.some((action) => action.kind === 'create_inbox');
      if (creates && logLength !== undefined) throw invalidArgument(`inbox ${inboxId} already exists`);
      if (!creates && logLength === undefined) throw notFound(`inbox ${inboxId} does not exist`);
      if ((logLength ?? 0) >= MAX_IDENTITY_UPDATES_PER_INBOX) {
        throw resourceExhausted(`inbox ${inboxId} reached ${MAX_IDENTITY_UPDATES_PER_INBOX} identity updates`);
      }

      const associated: string[] = [];
      const revoked: string[] = [];
      for (const action of actions) {
        if (action.kind === 'create_inbox') {
          const initial = action.create_inbox;
          if (!initial?.initial_identifier) throw invalidArgument('create_inbox.initial_identifier is required');
          if (initial.initial_identifier_kind !== PASSKEY) associated.push(initial.initial_identifier.toLowerCase());
        } else if (action.kind === 'add' && action.add?.new_member_identifier?.kind === 'ethereum_address') {
          associated.push(action.add.new_member_identifier.ethereum_address!.toLowerCase());
        } else if (action.kind === 'revoke' && action.revoke?.member_to_revoke?.kind === 'ethereum_address') {
          revoked.push(action.revoke.member_to_revoke.ethereum_address!.toLowerCase());
        }
      }
      store.addIdentityUpdate({ inboxId, update: raw, associated, revoked });
      return {};
    },

    GetIdentityUpdates(request: { requests?: { inbox_id?: string; sequence_id?: string }[] }): IdentityUpdatesAnswer {
      checkBatchSize(request.requests, MAX_ITEMS_PER_REQUEST, 'identity update requests');
      return {
        responses: (request.requests ?? []).map((query) => {
          const inboxId = query.inbox_id ?? '';
          const after = Number(query.sequence_id ?? 0);
          if (!Number.isSafeInteger(after) || after < 0) throw invalidArgument('sequence_id is out of range');
          return { inboxId, updates: store.identityUpdatesAfter(inboxId.toLowerCase(), after) };
        }),
      };
    },

    GetInboxIds(request: { requests?: { identifier?: string; identifier_kind?: string }[] }) {
      checkBatchSize(request.requests, MAX_ITEMS_PER_REQUEST, 'identifiers');
      return {
        responses: (request.requests ?? []).map(({ identifier = '', identifier_kind }) => {
          const inboxId = identifier_kind === PASSKEY ? undefined : store.inboxIdForAddress(identifier);
          return { identifier, identifier_kind, ...(inboxId ? { inbox_id: inboxId } : {}) };
        }),
      };
    },

    VerifySmartContractWalletSignatures(request: { signatures?: unknown[] }) {
      checkBatchSize(request.signatures, MAX_ITEMS_PER_REQUEST, 'signatures');
      return {
        responses: (request.signatures ?? []).map(() => ({
          is_valid: false,
          error: 'the devnet cannot verify smart contract wallet signatures',
        })),
      };
    },
  };
}

/** Writes GetIdentityUpdatesResponse by hand so each update goes out as the exact bytes that came in. */
export function encodeIdentityUpdatesAnswer(answer: IdentityUpdatesAnswer): Buffer {
  const message = new MessageWriter();
  for (const response of answer.responses) {
    const responseMessage = new MessageWriter().string(1, response.inboxId);
    for (const record of response.updates) {
      responseMessage.bytes(
        2,
        new MessageWriter().uint64(1, BigInt(record.id)).uint64(2, record.createdNs).bytes(3, record.update).finish(),
      );
    }
    message.bytes(1, responseMessage.finish());
  }
  return message.finish();
}
