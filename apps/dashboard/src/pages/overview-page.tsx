import { mailroom } from '../api/client.js';
import { AsyncSection, EmptyState } from '../components/feedback.js';
import { PageHeader } from '../components/layout.js';
import { UsageChart } from '../components/usage-chart.js';
import { formatPercent, formatRelative, shortId } from '../lib/format.js';
import { Link, useTitle } from '../lib/router.js';
import { useResource } from '../lib/use-resource.js';

/** One key number: its value, a short qualifier and a visible one-line explanation of what it counts. */
function Stat({
  id,
  label,
  value,
  hint,
  meaning,
}: {
  id: string;
  label: string;
  value: string | number;
  hint?: string;
  meaning: string;
}) {
  return (
    <div className="stat">
      <dt id={`${id}-label`}>{label}</dt>
      <dd aria-describedby={`${id}-meaning`}>
        <span className="stat-value">{value}</span>
        {hint && <span className="stat-hint">{hint}</span>}
        <span className="stat-meaning" id={`${id}-meaning`}>
          {meaning}
        </span>
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
                id="stat-identities"
                label="Identities"
                value={u.identities.total}
                hint={`${u.identities.active} active${u.identities.broken ? `, ${u.identities.broken} broken` : ''}`}
                meaning="Hosted identities of this tenant that are not deleted; a broken one needs attention."
              />
              <Stat
                id="stat-live"
                label="Live clients"
                value={u.liveClients}
                hint="open on this gateway"
                meaning="Identities with an XMTP client open in this gateway process right now."
              />
              <Stat
                id="stat-sent"
                label="Messages sent"
                value={u.totals.messagesSent}
                hint="14 days"
                meaning="Messages and attachments your identities sent through the API."
              />
              <Stat
                id="stat-received"
                label="Messages received"
                value={u.totals.messagesReceived}
                hint="14 days"
                meaning="Messages others sent to your identities, each counted once when the gateway first sees it (stream, sync or API read)."
              />
              <Stat
                id="stat-webhooks"
                label="Webhook success"
                value={formatPercent(u.webhooks.successRate)}
                hint={
                  u.webhooks.successRate === null
                    ? 'no attempts yet'
                    : `${u.webhooks.succeeded} ok, ${u.webhooks.failed} failed`
                }
                meaning="Share of webhook delivery attempts your endpoints answered with a 2xx status."
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
