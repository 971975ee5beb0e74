import { mailroom } from '../api/client.js';
import { AsyncSection, EmptyState } from '../components/feedback.js';
import { PageHeader } from '../components/layout.js';
import { UsageChart } from '../components/usage-chart.js';
import { formatPercent, formatRelative, shortId } from '../lib/format.js';
import { Link, useTitle } from '../lib/router.js';
import { useResource } from '../lib/use-resource.js';

function Stat({ label, value, hint }: { label: string; value: string | number; hint?: string }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd>
        <span className="stat-value">{value}</span>
        {hint && <span className="stat-hint">{hint}</span>}
      </dd>
    </div>
  );
}

export function OverviewPage() {
  useTitle('Overview');
  const usage = useResource(() => mailroom.GET('/v1/usage'), []);
  return (
    <>
      <PageHeader title="Overview">
        <p>Usage of the last 14 days (UTC), from the gateway’s counters.</p>
      </PageHeader>
      <AsyncSection resource={usage} loadingLabel="Loading usage…">
        {(u) => (
          <>
            <dl className="stats" aria-label="Key numbers">
              <Stat
                label="Identities"
                value={u.identities.total}
                hint={`${u.identities.active} active${u.identities.broken ? `, ${u.identities.broken} broken` : ''}`}
              />
              <Stat label="Live clients" value={u.liveClients} hint="open on this gateway" />
              <Stat label="Messages sent" value={u.totals.messagesSent} hint="14 days" />
              <Stat label="Messages received" value={u.totals.messagesReceived} hint="14 days" />
              <Stat
                label="Webhook success"
                value={formatPercent(u.webhooks.successRate)}
                hint={
                  u.webhooks.successRate === null
                    ? 'no attempts yet'
                    : `${u.webhooks.succeeded} ok, ${u.webhooks.failed} failed`
                }
              />
            </dl>
            <section className="panel" aria-labelledby="chart-title">
              <h2 id="chart-title">Messages per day</h2>
              <UsageChart daily={u.daily} />
            </section>
            <section className="panel" aria-labelledby="alerts-title">
              <h2 id="alerts-title">Installation budget alerts</h2>
              {u.installationAlerts.length === 0 ? (
                <EmptyState title="No alerts">
                  <p>An alert appears here when an identity’s inbox reaches 8 of its 10 installations.</p>
                </EmptyState>
              ) : (
                <ul className="alerts">
                  {u.installationAlerts.map((a) => (
                    <li key={a.identityId} className="alert">
                      <strong>
                        {a.installationCount} of {a.installationLimit} installations
                      </strong>{' '}
                      on <Link to={`/identities/${a.identityId}`}>{a.label ?? shortId(a.identityId)}</Link>
                      <span className="muted"> · {formatRelative(a.at)}</span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </>
        )}
      </AsyncSection>
    </>
  );
}
