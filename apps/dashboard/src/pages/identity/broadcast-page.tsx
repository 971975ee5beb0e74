import { useEffect, useState } from 'react';
import { mailroom } from '../../api/client.js';
import { AsyncSection, EmptyState, LoadMore, StatusBadge } from '../../components/feedback.js';
import { PageHeader } from '../../components/layout.js';
import { formatDateTime, formatRelative, shortId } from '../../lib/format.js';
import { useTitle } from '../../lib/router.js';
import { usePagedList } from '../../lib/use-paged-list.js';
import { useResource } from '../../lib/use-resource.js';
import { broadcastSummary, broadcastTone, type Broadcast } from './broadcasts-section.js';

const POLL_MS = 1500;

const SKIP_REASONS: Record<string, string> = {
  not_on_xmtp: 'not on XMTP',
  denied: 'denied by this identity',
  duplicate: 'repeated in the list',
  self: 'the identity itself',
};

function Progress({ broadcast: b }: { broadcast: Broadcast }) {
  const done = b.total - b.queued;
  return (
    <section className="panel" aria-labelledby="progress-title">
      <h2 id="progress-title">Progress</h2>
      <div className="meter-label">
        <span>
          <StatusBadge tone={broadcastTone(b)}>
            <span data-testid="broadcast-status">{b.status}</span>
          </StatusBadge>
        </span>
        <strong>
          {done} of {b.total} done
        </strong>
      </div>
      <progress
        className="progress"
        max={Math.max(b.total, 1)}
        value={b.total === 0 ? 1 : done}
        aria-label={`${done} of ${b.total} recipients done`}
      />
      <dl className="stats">
        <div className="stat">
          <dt>Sent</dt>
          <dd>
            <span className="stat-value" data-testid="broadcast-sent">
              {b.sent}
            </span>
          </dd>
        </div>
        <div className="stat">
          <dt>Pending</dt>
          <dd>
            <span className="stat-value" data-testid="broadcast-pending">
              {b.queued}
            </span>
          </dd>
        </div>
        <div className="stat">
          <dt>Skipped</dt>
          <dd>
            <span className="stat-value">{b.skipped}</span>
            {Object.entries(b.skippedBy).map(([reason, count]) => (
              <span key={reason} className="stat-hint">
                {count} {SKIP_REASONS[reason] ?? reason}
              </span>
            ))}
          </dd>
        </div>
        <div className="stat">
          <dt>Failed</dt>
          <dd>
            <span className="stat-value" data-testid="broadcast-failed">
              {b.failed}
            </span>
          </dd>
        </div>
      </dl>
      <h3>Message</h3>
      <blockquote className="wrap" data-testid="broadcast-message">
        {b.content.type === 'text' ? b.content.text : b.content.markdown}
      </blockquote>
      <p className="muted">
        {broadcastSummary(b)}. Started {formatDateTime(b.createdAt)}
        {b.completedAt ? `, completed ${formatDateTime(b.completedAt)}.` : '; this page updates while it runs.'}
      </p>
    </section>
  );
}

/** Recipients that failed or were skipped, with the reason; refreshed when the counts change. */
function Problems({ identityId, broadcastId, version }: { identityId: string; broadcastId: string; version: string }) {
  const [status, setStatus] = useState<'failed' | 'skipped'>('failed');
  const recipients = usePagedList(
    (cursor) =>
      mailroom.GET('/v1/identities/{id}/broadcasts/{bid}/recipients', {
        params: { path: { id: identityId, bid: broadcastId }, query: { status, limit: 50, cursor } },
      }),
    [identityId, broadcastId, status, version],
  );
  return (
    <section className="panel" aria-labelledby="problems-title">
      <h2 id="problems-title">Recipients not reached</h2>
      <div className="toolbar">
        <label className="field field-inline">
          <span>Show</span>
          <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            <option value="failed">failed</option>
            <option value="skipped">skipped</option>
          </select>
        </label>
      </div>
      <AsyncSection
        resource={recipients}
        loadingLabel="Loading recipients…"
        isEmpty={(page) => page.items.length === 0}
        empty={
          <EmptyState title={status === 'failed' ? 'No failures' : 'Nobody skipped'}>
            {status === 'failed'
              ? 'Every recipient reached so far got the message. Check the skipped ones too.'
              : 'Every recipient was on XMTP and allowed.'}
          </EmptyState>
        }
      >
        {(page) => (
          <div className="table-wrap">
            <table className="table stack" aria-label={`${status} recipients`}>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Recipient</th>
                  <th scope="col">Reason</th>
                  <th scope="col">When</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((r) => (
                  <tr key={r.position} data-testid="broadcast-problem-row">
                    <td data-label="#">{r.position + 1}</td>
                    <td data-label="Recipient">
                      <code title={r.recipient}>{shortId(r.recipient, 10)}</code>
                    </td>
                    <td data-label="Reason" className="wrap">
                      {r.reason ? (SKIP_REASONS[r.reason] ?? r.reason) : '—'}
                    </td>
                    <td data-label="When">{formatRelative(r.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </AsyncSection>
      <LoadMore list={recipients} />
    </section>
  );
}

/** One broadcast: its progress, polled while it runs, and who was not reached and why. */
export function BroadcastPage({ identityId, broadcastId }: { identityId: string; broadcastId: string }) {
  const broadcast = useResource(
    () =>
      mailroom.GET('/v1/identities/{id}/broadcasts/{bid}', {
        params: { path: { id: identityId, bid: broadcastId } },
      }),
    [identityId, broadcastId],
  );
  useTitle('Broadcast');
  const running = broadcast.data?.status === 'running';
  const { reload } = broadcast;

  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => void reload(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [running, reload]);

  const b = broadcast.data;
  return (
    <>
      <PageHeader title="Broadcast" back={{ to: `/identities/${identityId}`, label: 'Identity' }} />
      <AsyncSection resource={broadcast} loadingLabel="Loading the broadcast…">
        {(data) => <Progress broadcast={data} />}
      </AsyncSection>
      {b && (
        <Problems identityId={identityId} broadcastId={broadcastId} version={`${b.status}:${b.failed}:${b.skipped}`} />
      )}
    </>
  );
}
