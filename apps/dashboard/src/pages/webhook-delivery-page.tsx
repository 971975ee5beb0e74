import { useEffect, useState } from 'react';
import type { Schema } from '@mailroom/client';
import { mailroom } from '../api/client.js';
import { useCanWrite } from '../components/admin-role.js';
import { AsyncSection, EmptyState, ErrorBanner, StatusBadge } from '../components/feedback.js';
import { PageHeader } from '../components/layout.js';
import { SendTestEventButton } from '../components/send-test-event.js';
import { formatDateTime } from '../lib/format.js';
import { useTitle } from '../lib/router.js';
import { useAction, useResource } from '../lib/use-resource.js';

type Delivery = Schema<'DeliveryResponse'>;
type Attempt = Schema<'DeliveryAttemptResponse'>;

const STATUS_TONE: Record<Delivery['status'], 'good' | 'bad' | 'warn' | 'neutral'> = {
  succeeded: 'good',
  failed: 'bad',
  pending: 'warn',
  sending: 'neutral',
};

const OUTCOME_TONE: Record<Attempt['outcome'], 'good' | 'bad' | 'warn' | 'neutral'> = {
  succeeded: 'good',
  failed: 'bad',
  interrupted: 'warn',
  in_flight: 'neutral',
};

/** The body exactly as sent, indented for reading when it is JSON. */
function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function AttemptView({ attempt }: { attempt: Attempt }) {
  return (
    <li className="attempt" data-testid="delivery-attempt">
      <h3>
        Attempt {attempt.number}{' '}
        <StatusBadge tone={OUTCOME_TONE[attempt.outcome]}>{attempt.outcome.replace('_', ' ')}</StatusBadge>
      </h3>
      <dl className="facts">
        <dt>Started</dt>
        <dd>{formatDateTime(attempt.startedAt)}</dd>
        <dt>Receiver answered</dt>
        <dd data-testid="attempt-status">{attempt.statusCode === null ? '—' : `HTTP ${attempt.statusCode}`}</dd>
        <dt>Took</dt>
        <dd>{attempt.durationMs === null ? '—' : `${attempt.durationMs} ms`}</dd>
        {attempt.error && (
          <>
            <dt>Error</dt>
            <dd className="wrap">{attempt.error}</dd>
          </>
        )}
      </dl>
      <h4>Headers sent</h4>
      {attempt.requestHeaders ? (
        <div className="table-wrap">
          <table className="table" data-testid="attempt-headers">
            <tbody>
              {Object.entries(attempt.requestHeaders).map(([name, value]) => (
                <tr key={name}>
                  <th scope="row">
                    <code>{name}</code>
                  </th>
                  <td className="wrap">
                    <code>{value}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No request left Mailroom on this attempt.</p>
      )}
      <h4>Start of the receiver’s answer</h4>
      {attempt.responseBody ? (
        <pre className="code-block" data-testid="attempt-response">
          {attempt.responseBody}
        </pre>
      ) : (
        <p className="muted">Empty, or no answer.</p>
      )}
    </li>
  );
}

export function WebhookDeliveryPage({ webhookId, deliveryId }: { webhookId: string; deliveryId: string }) {
  useTitle('Webhook delivery');
  const canWrite = useCanWrite();
  const path = { id: webhookId, did: deliveryId };
  const delivery = useResource(
    () => mailroom.GET('/v1/webhooks/{id}/deliveries/{did}', { params: { path } }),
    [webhookId, deliveryId],
  );
  const retry = useAction(() => mailroom.POST('/v1/webhooks/{id}/deliveries/{did}/retry', { params: { path } }));
  const [polls, setPolls] = useState(0);

  // A delivery on its way (a test event just sent, a retry) settles within seconds: follow it for a while.
  const status = delivery.data?.status;
  const reload = delivery.reload;
  useEffect(() => {
    if ((status !== 'pending' && status !== 'sending') || polls >= 30) return;
    const timer = setTimeout(() => {
      setPolls((n) => n + 1);
      void reload();
    }, 1000);
    return () => clearTimeout(timer);
  }, [status, polls, reload]);

  const retryNow = async () => {
    if (await retry.run()) {
      setPolls(0);
      await delivery.reload();
    }
  };

  return (
    <>
      <PageHeader title="Delivery" back={{ to: `/webhooks/${webhookId}`, label: 'Webhook' }}>
        <p>What Mailroom sent to your endpoint for one event, and what the endpoint answered, attempt by attempt.</p>
      </PageHeader>
      <AsyncSection resource={delivery} loadingLabel="Loading the delivery…">
        {(d) => (
          <>
            <section className="panel" aria-labelledby="delivery-title">
              <h2 id="delivery-title">
                <code>{d.eventType}</code> <StatusBadge tone={STATUS_TONE[d.status]}>{d.status}</StatusBadge>
              </h2>
              <dl className="facts">
                <dt>Event id</dt>
                <dd>
                  <code>{d.eventId}</code>
                </dd>
                <dt>Created</dt>
                <dd>{formatDateTime(d.createdAt)}</dd>
                <dt>Attempts</dt>
                <dd>{d.attempts}</dd>
                {d.nextAttemptAt && (
                  <>
                    <dt>Next attempt</dt>
                    <dd>{formatDateTime(d.nextAttemptAt)}</dd>
                  </>
                )}
                {d.succeededAt && (
                  <>
                    <dt>Succeeded</dt>
                    <dd>{formatDateTime(d.succeededAt)}</dd>
                  </>
                )}
              </dl>
              <ErrorBanner message={retry.error} />
              <div className="button-row">
                {canWrite && d.status !== 'succeeded' && d.status !== 'sending' && (
                  <button type="button" className="button" onClick={() => void retryNow()} disabled={retry.pending}>
                    {retry.pending ? 'Retrying…' : 'Retry now'}
                  </button>
                )}
                <button type="button" className="button button-secondary" onClick={() => void delivery.reload()}>
                  Refresh
                </button>
                <SendTestEventButton webhookId={webhookId} />
              </div>
            </section>
            <section className="panel" aria-labelledby="body-title">
              <h2 id="body-title">Body as sent</h2>
              {d.body !== null ? (
                <pre className="code-block" data-testid="delivery-body">
                  {prettyBody(d.body)}
                </pre>
              ) : (
                <EmptyState title="The body is no longer kept">
                  The retention sweep removed it {d.bodyPurgedAt ? `on ${formatDateTime(d.bodyPurgedAt)}` : ''} after
                  the delivery succeeded.
                </EmptyState>
              )}
            </section>
            <section className="panel" aria-labelledby="attempts-title">
              <h2 id="attempts-title">Attempts</h2>
              {d.attemptLog.length === 0 ? (
                <EmptyState title="Not sent yet">
                  The dispatcher picks it up within moments; Refresh to see the first attempt.
                </EmptyState>
              ) : (
                <ol className="attempts">
                  {d.attemptLog.map((attempt) => (
                    <AttemptView key={attempt.number} attempt={attempt} />
                  ))}
                </ol>
              )}
            </section>
          </>
        )}
      </AsyncSection>
    </>
  );
}
