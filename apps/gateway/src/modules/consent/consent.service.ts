import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@mailroom/persistence';
import { ConsentEntityType, ConsentState } from '@mailroom/xmtp';
import { ConversationAccess } from '../conversations/conversation-access.js';
import { CONSENT_NAMES, consentName, consentState, type ConsentName } from '../conversations/conversation.presenter.js';
import { isInboxId, validationFailed } from '../conversations/identifiers.js';

export type ConsentEntityName = 'conversation' | 'inbox';

export interface ConsentRecord {
  entityType: ConsentEntityName;
  /** A conversation id or an inbox id. */
  entity: string;
  state: ConsentName;
}

@Injectable()
export class ConsentService {
  constructor(private readonly access: ConversationAccess) {}

  /**
   * Explicit consent (allowed or denied) of the identity's conversations, and of the peers of its DMs. Inbox consent
   * set for an inbox the identity has no DM with is stored by XMTP but not listed (libxmtp cannot enumerate it).
   */
  async list(scope: TenantScope, identityId: string): Promise<{ items: ConsentRecord[] }> {
    return this.access.withClient(scope, identityId, async (client) => {
      const conversations = await client.conversations.list({
        consentStates: [ConsentState.Allowed, ConsentState.Denied],
      });
      const items: ConsentRecord[] = conversations.map((c) => ({
        entityType: 'conversation',
        entity: c.id,
        state: consentName(c.consentState()),
      }));
      const peers = [
        ...new Set(
          client.conversations
            .listDms({ consentStates: [ConsentState.Allowed, ConsentState.Unknown, ConsentState.Denied] })
            .map((dm) => dm.peerInboxId),
        ),
      ];
      for (const peer of peers) {
        const state = await client.preferences.getConsentState(ConsentEntityType.InboxId, peer);
        if (state !== ConsentState.Unknown)
          items.push({ entityType: 'inbox', entity: peer, state: consentName(state) });
      }
      return { items };
    });
  }

  /**
   * Sets consent for a conversation or an inbox. Setting an inbox also sets the DM with that inbox, so "deny this
   * peer" hides the DM from default lists (and its later messages from the requests view).
   */
  async set(scope: TenantScope, identityId: string, input: ConsentRecord): Promise<ConsentRecord> {
    if (!CONSENT_NAMES.includes(input.state))
      throw validationFailed([{ field: 'state', message: `must be one of ${CONSENT_NAMES.join(', ')}` }]);
    const state = consentState(input.state);
    if (input.entityType === 'conversation') {
      return this.access.withConversation(
        scope,
        identityId,
        String(input.entity),
        async (conversation, client) => {
          await client.preferences.setConsentStates([
            { entityType: ConsentEntityType.GroupId, entity: conversation.id, state },
          ]);
          return { entityType: 'conversation', entity: conversation.id, state: input.state };
        },
        { write: true },
      );
    }
    if (input.entityType !== 'inbox')
      throw validationFailed([{ field: 'entityType', message: 'must be conversation or inbox' }]);
    if (!isInboxId(input.entity))
      throw validationFailed([{ field: 'entity', message: 'must be an inbox id (64 hex)' }]);
    const inboxId = input.entity.toLowerCase();
    return this.access.withClient(
      scope,
      identityId,
      async (client) => {
        const dm = client.conversations.getDmByInboxId(inboxId);
        await client.preferences.setConsentStates([
          { entityType: ConsentEntityType.InboxId, entity: inboxId, state },
          ...(dm ? [{ entityType: ConsentEntityType.GroupId, entity: dm.id, state }] : []),
        ]);
        return { entityType: 'inbox', entity: inboxId, state: input.state };
      },
      { write: true },
    );
  }
}
