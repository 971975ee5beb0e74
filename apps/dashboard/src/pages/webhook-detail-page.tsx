import { useState } from 'react';
import type { Schema } from '@mailroom/client';
import { mailroom } from '../api/client.js';
import { messageOf } from '../api/problem.js';
import { ConfirmButton } from '../components/confirm.js';
import { AsyncSection, EmptyState, ErrorBanner, LoadMore, StatusBadge } from '../components/feedback.js';
import { PageHeader } from '../components/layout.js';
import { SecretOnce } from '../components/secret-once.js';
import { useCanWrite } from '../components/admin-role.js';
import { SendTestEventButton } from '../components/send-test-event.js';
import { WriteOnly } from '../components/write-only.js';
import { formatDateTime, formatRelative, shortId } from '../lib/format.js';
import { Link, navigate, useTitle } from '../lib/router.js';
import { useResource } from '../lib/use-resource.js';
import { usePagedList } from '../lib/use-paged-list.js';
import { webhookState } from './webhooks-page.js';

type WebhookDelivery = Schema<'DeliveryResponse'>;

const DELIVERY_TONE: Record<WebhookDelivery['status'], 'good' | 'bad' | 'warn' | 'neutral'> = {
  succeeded: 'good',
  failed: 'bad',
  pending: 'warn',
  sending: 'neutral',
};

const STATUS_FILTERS = ['', 'pending', 'sending', 'succeeded', 'failed'] as const;

function lastAnswer(d: WebhookDelivery): string {
  if (d.lastStatusCode !== null)
    return `HTTP ${d.lastStatusCode}${d.lastDurationMs !== null ? ` in ${d.lastDurationMs} ms` : ''}`;
  return d.lastError ?? '—';
}

function Deliveries({ webhookId }: { webhookId: string }) {
  const canWrite = useCanWrite();
  const [status, setStatus] = useState<(typeof STATUS_FILTERS)[number]>('');
  const deliveries = usePagedList(
    (cursor) =>
      mailroom.GET('/v1/webhooks/{id}/deliveries', {
        params: { path: { id: webhookId }, query: { limit: 50, status: status || undefined, cursor } },
      }),
    [webhookId, status],
  );
  const [retryError, setRetryError] = useState<string | null>(null);
  const [retrying, setRetrying] = useState<string | null>(null);

  const retry = async (id: string) => {
    setRetrying(id);
    setRetryError(null);
    try {
      await mailroom.POST('/v1/webhooks/{id}/deliveries/{did}/retry', { params: { path: { id: webhookId, did: id } } });
    } catch (e) {
      setRetryError(messageOf(e));
    } finally {
      setRetrying(null);
    }
    await deliveries.reload();
  };

  return (
    <section className="panel" aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Deliveries</h2>
      <div className="toolbar">
        <label className="field field-inline">
          <span>Status</span>
          <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            {STATUS_FILTERS.map((s) => (
              <option key={s} value={s}>
                {s || 'any'}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button button-small button-secondary"
          onClick={() => void deliveries.reload()}
          disabled={deliveries.loading}
        >
          {deliveries.loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <ErrorBanner message={retryError} />
      <AsyncSection
        resource={deliveries}
        loadingLabel="Loading deliveries…"
        isEmpty={(page) => page.items.length === 0}
        empty={
          <EmptyState title="No deliveries yet">
            Each event sent to this endpoint shows here with its attempts.
          </EmptyState>
        }
      >
        {(page) => (
          <div className="table-wrap">
            <table className="table stack">
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last answer</th>
                  <th scope="col">Next attempt</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((d) => (
                  <tr key={d.id} data-testid="delivery-row" data-status={d.status}>
                    <td data-label="Event">
                      <Link to={`/webhooks/${webhookId}/deliveries/${d.id}`}>
                        <code>{d.eventType}</code>
                      </Link>
                      <div className="muted small" title={d.eventId}>
                        {shortId(d.eventId, 10)} · {formatRelative(d.createdAt)}
                      </div>
                    </td>
                    <td data-label="Status">
                      <StatusBadge tone={DELIVERY_TONE[d.status]}>{d.status}</StatusBadge>
                    </td>
                    <td data-label="Attempts" data-testid="delivery-attempts">
                      {d.attempts}
                    </td>
                    <td data-label="Last answer">{lastAnswer(d)}</td>
                    <td data-label="Next attempt">{d.status === 'pending' ? formatDateTime(d.nextAttemptAt) : '—'}</td>
                    <td data-label="" className="actions">
                      {(d.status === 'failed' || d.status === 'pending') && canWrite && (
                        <button
                          type="button"
                          className="button button-small"
                          onClick={() => void retry(d.id)}
                          disabled={retrying === d.id}
                          aria-label={`Retry delivery ${shortId(d.eventId, 10)} now`}
                        >
                          {retrying === d.id ? 'Retrying…' : 'Retry now'}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </AsyncSection>
      <LoadMore list={deliveries} />
    </section>
  );
}

export function WebhookDetailPage({ id }: { id: string }) {
  const webhook = useResource(() => mailroom.GET('/v1/webhooks/{id}', { params: { path: { id } } }), [id]);
  const [secret, setSecret] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  useTitle(webhook.data ? `Webhook ${webhook.data.url}` : 'Webhook');

  const act = async (work: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await work();
    } catch (e) {
      setActionError(messageOf(e));
    }
  };
  const rotate = () =>
    act(async () => {
      const answer = await mailroom.POST('/v1/webhooks/{id}/rotate-secret', { params: { path: { id } } });
      setSecret(answer.secret);
    });
  const setEnabled = (enabled: boolean) =>
    act(async () => {
      await mailroom.PATCH('/v1/webhooks/{id}', { params: { path: { id } }, body: { enabled } });
      await webhook.reload();
    });
  const remove = () =>
    act(async () => {
      await mailroom.DELETE('/v1/webhooks/{id}', { params: { path: { id } } });
      navigate('/webhooks', { replace: true });
    });

  return (
    <>
      <PageHeader title="Webhook endpoint" back={{ to: '/webhooks', label: 'Webhooks' }} />
      <ErrorBanner message={actionError} />
      {secret && <SecretOnce label="New signing secret" value={secret} onDismiss={() => setSecret(null)} />}
      <AsyncSection resource={webhook} loadingLabel="Loading the endpoint…">
        {(w) => {
          const state = webhookState(w);
          return (
            <section className="panel" aria-labelledby="endpoint-title">
              <h2 id="endpoint-title" className="wrap">
                {w.url}
              </h2>
              <dl className="facts">
                <dt>State</dt>
                <dd>
                  <StatusBadge tone={state.tone}>{state.label}</StatusBadge>
                </dd>
                <dt>Events</dt>
                <dd>{w.events.join(', ')}</dd>
                <dt>Failures in a row</dt>
                <dd>{w.consecutiveFailures}</dd>
                <dt>Created</dt>
                <dd>{formatDateTime(w.createdAt)}</dd>
              </dl>
              <div className="button-row">
                <WriteOnly>
                  {w.enabled ? (
                    <button type="button" className="button button-secondary" onClick={() => void setEnabled(false)}>
                      Pause
                    </button>
                  ) : (
                    <button type="button" className="button" onClick={() => void setEnabled(true)}>
                      Resume
                    </button>
                  )}
                </WriteOnly>
                {w.enabled && <SendTestEventButton webhookId={w.id} />}
                <ConfirmButton
                  label="Rotate secret"
                  title="Rotate the signing secret?"
                  confirmLabel="Rotate"
                  className="button button-secondary"
                  onConfirm={rotate}
                >
                  <p>
                    The current secret stops signing immediately. Update your receiver with the new one, which is shown
                    once.
                  </p>
                </ConfirmButton>
                <ConfirmButton
                  label="Delete endpoint"
                  title="Delete this endpoint?"
                  confirmLabel="Delete"
                  onConfirm={remove}
                >
                  <p>The endpoint and its delivery log are deleted. Pending deliveries are not sent.</p>
                </ConfirmButton>
              </div>
            </section>
          );
        }}
      </AsyncSection>
      <Deliveries webhookId={id} />
    </>
  );
}
