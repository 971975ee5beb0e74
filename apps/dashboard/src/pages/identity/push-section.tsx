import { useId, useState, type FormEvent } from 'react';
import { MailroomApiError } from '@mailroom/client';
import { mailroom } from '../../api/client.js';
import { ConfirmButton } from '../../components/confirm.js';
import { AsyncSection, EmptyState, ErrorBanner, StatusBadge } from '../../components/feedback.js';
import { SecretOnce } from '../../components/secret-once.js';
import { WriteOnly } from '../../components/write-only.js';
import { formatRelative, shortId } from '../../lib/format.js';
import { useAction, useResource } from '../../lib/use-resource.js';

/** The endpoint, or null when the identity has none (the API answers 404). */
async function pushEndpointOf(id: string) {
  try {
    return await mailroom.GET('/v1/identities/{id}/push-endpoint', { params: { path: { id } } });
  } catch (error) {
    if (error instanceof MailroomApiError && error.status === 404) return null;
    throw error;
  }
}

function PushEndpointForm({
  identityId,
  current,
  onSaved,
}: {
  identityId: string;
  current: { url: string; includeContent: boolean } | null;
  onSaved: (secret: string | undefined) => Promise<void>;
}) {
  const [url, setUrl] = useState(current?.url ?? '');
  const [includeContent, setIncludeContent] = useState(current?.includeContent ?? false);
  const hint = useId();
  const save = useAction((body: { url: string; includeContent: boolean }) =>
    mailroom.PUT('/v1/identities/{id}/push-endpoint', { params: { path: { id: identityId } }, body }),
  );
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const saved = await save.run({ url, includeContent });
    if (saved) await onSaved(saved.secret);
  };
  return (
    <form className="form" onSubmit={(e) => void submit(e)} aria-label="Push endpoint">
      <ErrorBanner message={save.error} />
      <div className="field">
        <label className="field">
          <span>Endpoint URL</span>
          <input
            type="url"
            required
            maxLength={2000}
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://push.example.com/mailroom"
            aria-describedby={hint}
          />
        </label>
        <small id={hint}>Signed like webhooks: each new message for this identity is POSTed here.</small>
      </div>
      <label className="check">
        <input type="checkbox" checked={includeContent} onChange={(e) => setIncludeContent(e.target.checked)} />
        Include the message content (otherwise ids only)
      </label>
      <div className="button-row">
        <button type="submit" className="button" disabled={save.pending}>
          {save.pending ? 'Saving…' : current ? 'Save endpoint' : 'Set push endpoint'}
        </button>
      </div>
    </form>
  );
}

function PushDeliveries({ identityId, version }: { identityId: string; version: string }) {
  const deliveries = useResource(
    () => mailroom.GET('/v1/identities/{id}/push-endpoint/deliveries', { params: { path: { id: identityId } } }),
    [identityId, version],
  );
  return (
    <div className="subsection">
      <h3>Recent deliveries</h3>
      <AsyncSection
        resource={deliveries}
        loadingLabel="Loading push deliveries…"
        isEmpty={(page) => page.items.length === 0}
        empty={
          <EmptyState title="No push deliveries yet">
            Each message this identity receives is sent to the endpoint and shows here.
          </EmptyState>
        }
      >
        {(page) => (
          <div className="table-wrap">
            <table className="table stack" aria-label="Push deliveries">
              <thead>
                <tr>
                  <th scope="col">Message</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last answer</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((d) => (
                  <tr key={d.id} data-testid="push-delivery-row">
                    <td data-label="Message">
                      <code title={d.messageId}>{shortId(d.messageId, 8)}</code>
                      <div className="muted small">{formatRelative(d.createdAt)}</div>
                    </td>
                    <td data-label="Status">
                      <StatusBadge tone={d.status === 'succeeded' ? 'good' : d.status === 'failed' ? 'bad' : 'neutral'}>
                        {d.status}
                      </StatusBadge>
                    </td>
                    <td data-label="Attempts">{d.attempts}</td>
                    <td data-label="Last answer">
                      {d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : (d.lastError ?? '—')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </AsyncSection>
    </div>
  );
}

/** Topics and HMAC keys for a self-run XMTP push server: read from the identity's client, so loaded on request. */
function PushTopics({ identityId }: { identityId: string }) {
  const [shown, setShown] = useState(false);
  const topics = useResource(
    async () =>
      shown ? mailroom.GET('/v1/identities/{id}/push-topics', { params: { path: { id: identityId } } }) : null,
    [identityId, shown],
  );
  if (!shown)
    return (
      <div className="button-row subsection">
        <button type="button" className="button button-secondary" onClick={() => setShown(true)}>
          Show push topics
        </button>
      </div>
    );
  return (
    <div className="subsection">
      <h3>Push topics</h3>
      <AsyncSection resource={topics} loadingLabel="Reading the topics from the identity’s XMTP client…">
        {(t) =>
          t && (
            <>
              <dl className="facts">
                <dt>Welcome topic</dt>
                <dd>
                  <code className="wrap" data-testid="welcome-topic">
                    {t.welcomeTopic}
                  </code>
                </dd>
                <dt>Conversations</dt>
                <dd>{t.conversations.length}</dd>
              </dl>
              {t.conversations.length > 0 && (
                <div className="table-wrap">
                  <table className="table stack" aria-label="Conversation topics">
                    <thead>
                      <tr>
                        <th scope="col">Topic</th>
                        <th scope="col">HMAC key epochs</th>
                      </tr>
                    </thead>
                    <tbody>
                      {t.conversations.map((c) => (
                        <tr key={c.conversationId}>
                          <td data-label="Topic">
                            <code className="wrap">{c.topic}</code>
                          </td>
                          <td data-label="HMAC key epochs">{c.hmacKeys.map((k) => k.epoch).join(', ') || '—'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </>
          )
        }
      </AsyncSection>
    </div>
  );
}

/** The identity's push endpoint: set, change or stop it, its recent deliveries, and the raw push topics. */
export function PushSection({ identityId, active }: { identityId: string; active: boolean }) {
  const endpoint = useResource(() => pushEndpointOf(identityId), [identityId]);
  const [secret, setSecret] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const remove = useAction(() =>
    mailroom.DELETE('/v1/identities/{id}/push-endpoint', { params: { path: { id: identityId } } }),
  );

  const saved = async (newSecret: string | undefined) => {
    if (newSecret) setSecret(newSecret);
    setEditing(false);
    await endpoint.reload();
  };

  return (
    <section className="panel" aria-labelledby="push-title">
      <h2 id="push-title">Push notifications</h2>
      {secret && <SecretOnce label="Push signing secret" value={secret} onDismiss={() => setSecret(null)} />}
      <ErrorBanner message={remove.error} />
      <AsyncSection resource={endpoint} loadingLabel="Loading the push endpoint…">
        {(e) =>
          e === null ? (
            <>
              <EmptyState title="No push endpoint">
                {active
                  ? 'Set an HTTPS endpoint below to be notified of every message this identity receives.'
                  : 'Push needs an active identity.'}
              </EmptyState>
              {active && (
                <WriteOnly>
                  <PushEndpointForm identityId={identityId} current={null} onSaved={saved} />
                </WriteOnly>
              )}
            </>
          ) : (
            <>
              <dl className="facts">
                <dt>Endpoint</dt>
                <dd>
                  <code className="wrap" data-testid="push-endpoint-url">
                    {e.url}
                  </code>
                </dd>
                <dt>State</dt>
                <dd>
                  <StatusBadge tone={e.enabled ? 'good' : 'bad'}>{e.enabled ? 'enabled' : 'disabled'}</StatusBadge>
                  {e.disabledReason && <span className="muted"> {e.disabledReason}</span>}
                </dd>
                <dt>Content</dt>
                <dd>{e.includeContent ? 'included' : 'ids only'}</dd>
                <dt>Updated</dt>
                <dd>{formatRelative(e.updatedAt)}</dd>
              </dl>
              {editing ? (
                <PushEndpointForm identityId={identityId} current={e} onSaved={saved} />
              ) : (
                <WriteOnly>
                  <div className="button-row">
                    {active && (
                      <button type="button" className="button button-secondary" onClick={() => setEditing(true)}>
                        Change endpoint
                      </button>
                    )}
                    <ConfirmButton
                      label="Stop push"
                      title="Stop push notifications?"
                      confirmLabel="Stop push"
                      onConfirm={async () => {
                        await remove.run();
                        await endpoint.reload();
                      }}
                    >
                      <p>The endpoint is removed with its signing secret and delivery log.</p>
                    </ConfirmButton>
                  </div>
                </WriteOnly>
              )}
              <PushDeliveries identityId={identityId} version={e.updatedAt} />
            </>
          )
        }
      </AsyncSection>
      {active && <PushTopics identityId={identityId} />}
    </section>
  );
}
