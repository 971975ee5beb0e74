import { useState } from 'react';
import type { Schema } from '@mailroom/client';
import { download, mailroom } from '../api/client.js';
import { messageOf } from '../api/problem.js';
import { AsyncSection, EmptyState, ErrorBanner, LoadMore, StatusBadge } from '../components/feedback.js';
import { WriteOnly } from '../components/write-only.js';
import { PageHeader } from '../components/layout.js';
import { formatBytes, formatDateTime, shortId } from '../lib/format.js';
import { messageBody, type AttachmentInfo } from '../lib/message-content.js';
import { Link, navigate, useQueryParam, useTitle } from '../lib/router.js';
import { useResource } from '../lib/use-resource.js';
import { usePagedList } from '../lib/use-paged-list.js';

const FILTERS: { value: string; label: string }[] = [
  { value: 'allowed,unknown', label: 'Inbox and requests' },
  { value: 'allowed', label: 'Allowed' },
  { value: 'unknown', label: 'Requests' },
  { value: 'denied', label: 'Denied' },
  { value: 'allowed,unknown,denied', label: 'All' },
];

type Conversation = Schema<'ConversationResponse'>;
type Message = Schema<'MessageResponse'>;
type Consent = Conversation['consent'];

const CONSENT_TONE: Record<Consent, 'good' | 'bad' | 'neutral'> = {
  allowed: 'good',
  denied: 'bad',
  unknown: 'neutral',
};

function conversationTitle(c: Conversation): string {
  if (c.type === 'group') return c.name || `Group ${shortId(c.id)}`;
  return `DM with ${shortId(c.peerInboxId)}`;
}

function AttachmentItem({
  identityId,
  message,
  attachment,
}: {
  identityId: string;
  message: Message;
  attachment: AttachmentInfo;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const query = attachment.index === null ? '' : `?index=${attachment.index}`;
      const blob = await download(`/v1/identities/${identityId}/messages/${message.id}/attachment${query}`);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = attachment.filename;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="attachment" data-testid="attachment">
      <svg className="attachment-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
        <path d="M4 1.5h5.5L13 5v9.5H4z" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinejoin="round" />
        <path d="M9.5 1.5V5H13" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinejoin="round" />
      </svg>
      <span className="attachment-name">{attachment.filename}</span>
      <span
        className="muted"
        title={attachment.sizeIsEncrypted ? 'Size of the encrypted file as sent over XMTP' : undefined}
      >
        {formatBytes(attachment.size)}
        {attachment.sizeIsEncrypted ? ' encrypted' : ''}
      </span>
      <button
        type="button"
        className="button button-small button-secondary"
        onClick={() => void save()}
        disabled={busy}
      >
        {busy ? 'Downloading…' : 'Download'}
      </button>
      {error && (
        <span className="inline-error" role="alert">
          {error}
        </span>
      )}
    </li>
  );
}

function MessageItem({
  identityId,
  ownInboxId,
  message,
}: {
  identityId: string;
  ownInboxId: string | null;
  message: Message;
}) {
  const body = messageBody(message);
  const mine = message.senderInboxId === ownInboxId;
  return (
    <li
      className={`message ${mine ? 'message-mine' : ''} ${body.kind === 'system' ? 'message-system' : ''}`}
      data-testid="message"
    >
      <div className="message-meta">
        <span>{mine ? 'This identity' : shortId(message.senderInboxId)}</span>
        <time dateTime={message.sentAt}>{formatDateTime(message.sentAt)}</time>
      </div>
      {body.kind === 'text' && <p className="message-text">{body.text}</p>}
      {body.kind === 'reaction' && (
        <p className="message-text">{body.removed ? `Removed reaction ${body.emoji}` : `Reacted ${body.emoji}`}</p>
      )}
      {body.kind === 'system' && <p className="message-text muted">{body.text}</p>}
      {body.kind === 'unsupported' && <p className="message-text muted">{body.text}</p>}
      {body.kind === 'attachments' && (
        <ul className="attachments">
          {body.attachments.map((a, i) => (
            <AttachmentItem key={i} identityId={identityId} message={message} attachment={a} />
          ))}
        </ul>
      )}
    </li>
  );
}

function ConversationView({
  identityId,
  ownInboxId,
  conversationId,
  onConsentChanged,
}: {
  identityId: string;
  ownInboxId: string | null;
  conversationId: string;
  onConsentChanged: () => void;
}) {
  const conversation = useResource(
    () =>
      mailroom.GET('/v1/identities/{id}/conversations/{cid}', {
        params: { path: { id: identityId, cid: conversationId } },
      }),
    [identityId, conversationId],
  );
  const messages = useResource(
    () =>
      mailroom.GET('/v1/identities/{id}/conversations/{cid}/messages', {
        params: { path: { id: identityId, cid: conversationId }, query: { limit: 50, direction: 'desc' } },
      }),
    [identityId, conversationId],
  );
  const [consentError, setConsentError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const setConsent = async (c: Conversation, state: Consent) => {
    setSaving(true);
    setConsentError(null);
    try {
      // A DM's consent follows its peer's inbox, so deny blocks the peer everywhere, not just this conversation.
      const body: Schema<'SetConsentDto'> =
        c.type === 'dm' && c.peerInboxId
          ? { entityType: 'inbox', entity: c.peerInboxId, state }
          : { entityType: 'conversation', entity: c.id, state };
      await mailroom.PUT('/v1/identities/{id}/consent', { params: { path: { id: identityId } }, body });
      await conversation.reload();
      onConsentChanged();
    } catch (e) {
      setConsentError(messageOf(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="panel conversation" aria-labelledby="conversation-title">
      <AsyncSection resource={conversation} loadingLabel="Loading the conversation…">
        {(c) => (
          <>
            <div className="conversation-head">
              <h2 id="conversation-title">{conversationTitle(c)}</h2>
              <StatusBadge tone={CONSENT_TONE[c.consent]}>{c.consent}</StatusBadge>
            </div>
            <ErrorBanner message={consentError} />
            <div className="button-row">
              <WriteOnly>
                <button
                  type="button"
                  className="button button-small"
                  disabled={saving || c.consent === 'allowed'}
                  onClick={() => void setConsent(c, 'allowed')}
                >
                  Allow
                </button>
                <button
                  type="button"
                  className="button button-small button-danger"
                  disabled={saving || c.consent === 'denied'}
                  onClick={() => void setConsent(c, 'denied')}
                >
                  {c.type === 'dm' ? 'Deny peer' : 'Deny'}
                </button>
              </WriteOnly>
              <button
                type="button"
                className="button button-small button-secondary"
                onClick={() => void messages.reload()}
                disabled={messages.loading}
              >
                {messages.loading ? 'Refreshing…' : 'Refresh'}
              </button>
            </div>
            {c.type === 'dm' && c.peerInboxId && (
              <p className="muted small">
                Peer inbox <code className="wrap">{c.peerInboxId}</code>
              </p>
            )}
          </>
        )}
      </AsyncSection>
      <h3 className="visually-hidden">Messages</h3>
      <AsyncSection
        resource={messages}
        loadingLabel="Loading messages…"
        isEmpty={(page) => page.items.length === 0}
        empty={
          <EmptyState title="No messages in this conversation yet">
            Send one from your backend (POST …/messages), or press Refresh once the peer has written.
          </EmptyState>
        }
      >
        {(page) => (
          <ol className="messages" aria-label="Messages, oldest first">
            {[...page.items].reverse().map((m) => (
              <MessageItem key={m.id} identityId={identityId} ownInboxId={ownInboxId} message={m} />
            ))}
          </ol>
        )}
      </AsyncSection>
    </section>
  );
}

export function ConversationsPage({ identityId, conversationId }: { identityId: string; conversationId?: string }) {
  const filter = useQueryParam('consent') ?? FILTERS[0]!.value;
  const identity = useResource(
    () => mailroom.GET('/v1/identities/{id}', { params: { path: { id: identityId } } }),
    [identityId],
  );
  const conversations = usePagedList(
    (cursor) =>
      mailroom.GET('/v1/identities/{id}/conversations', {
        params: {
          path: { id: identityId },
          query: { consent: [filter] /* one comma-separated value, as the API reads it */, limit: 50, cursor },
        },
      }),
    [identityId, filter],
  );
  const name = identity.data
    ? (identity.data.label ?? identity.data.externalId ?? shortId(identity.data.id))
    : 'Identity';
  useTitle(`Conversations of ${name}`);
  const query = filter === FILTERS[0]!.value ? '' : `?consent=${encodeURIComponent(filter)}`;

  return (
    <>
      <PageHeader title={`Conversations of ${name}`} back={{ to: `/identities/${identityId}`, label: name }} />
      <div className="split">
        <section className="panel" aria-labelledby="list-title">
          <h2 id="list-title">Conversations</h2>
          <div className="toolbar">
            <label className="field field-inline">
              <span>Consent</span>
              <select
                value={filter}
                onChange={(e) =>
                  navigate(
                    `/identities/${identityId}/conversations${conversationId ? `/${conversationId}` : ''}?consent=${encodeURIComponent(e.target.value)}`,
                  )
                }
              >
                {FILTERS.map((f) => (
                  <option key={f.value} value={f.value}>
                    {f.label}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className="button button-small button-secondary"
              onClick={() => void conversations.reload()}
              disabled={conversations.loading}
            >
              {conversations.loading ? 'Refreshing…' : 'Refresh'}
            </button>
          </div>
          <AsyncSection
            resource={conversations}
            loadingLabel="Loading conversations…"
            isEmpty={(page) => page.items.length === 0}
            empty={
              <EmptyState title="No conversations match this filter">
                New DMs from peers appear under “Requests” until you allow them.
              </EmptyState>
            }
          >
            {(page) => (
              <ul className="conversation-list">
                {page.items.map((c) => (
                  <li key={c.id} data-testid="conversation-row">
                    <Link
                      to={`/identities/${identityId}/conversations/${c.id}${query}`}
                      className={c.id === conversationId ? 'conversation-link active' : 'conversation-link'}
                    >
                      <span className="conversation-name">{conversationTitle(c)}</span>
                      <span className="conversation-meta">
                        <StatusBadge tone={CONSENT_TONE[c.consent]}>{c.consent}</StatusBadge>
                        <span className="muted">{formatDateTime(c.createdAt)}</span>
                      </span>
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </AsyncSection>
          <LoadMore list={conversations} />
        </section>
        {conversationId ? (
          <ConversationView
            identityId={identityId}
            ownInboxId={identity.data?.inboxId ?? null}
            conversationId={conversationId}
            onConsentChanged={() => void conversations.reload()}
          />
        ) : (
          <section className="panel conversation-placeholder">
            <EmptyState title="Pick a conversation">Its messages and consent controls show here.</EmptyState>
          </section>
        )}
      </div>
    </>
  );
}
