import { useState } from 'react';
import type { Schema } from '@mailroom/client';
import { mailroom } from '../../api/client.js';
import { messageOf } from '../../api/problem.js';
import { ConfirmButton } from '../../components/confirm.js';
import { ErrorBanner, StatusBadge } from '../../components/feedback.js';
import { formatDateTime, shortId } from '../../lib/format.js';

type InboxState = NonNullable<Schema<'IdentityDetailResponse'>['inboxState']>;

/** Warn this many installations before XMTP's per-inbox limit: each new device or key needs one. */
const INSTALLATION_HEADROOM = 2;

function Meter({ label, value, max, warnAt }: { label: string; value: number | null; max: number; warnAt: number }) {
  const tone = value === null ? 'neutral' : value >= max ? 'bad' : value >= warnAt ? 'warn' : 'good';
  return (
    <div className={`meter meter-${tone}`}>
      <div className="meter-label">
        <span>{label}</span>
        <strong>{value === null ? 'unknown' : `${value} of ${max}`}</strong>
      </div>
      <meter
        min={0}
        max={max}
        low={warnAt}
        high={max - 0.5}
        optimum={0}
        value={value ?? 0}
        aria-label={`${label}: ${value ?? 'unknown'} of ${max}`}
      />
    </div>
  );
}

/**
 * The inbox's installations against XMTP's budget, Mailroom's own marked, and revoking every other one (a lost
 * device or key) after a confirmation.
 */
export function InstallationsSection({
  identityId,
  state,
  onChanged,
}: {
  identityId: string;
  state: InboxState;
  onChanged: () => Promise<void>;
}) {
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const others = state.installations.filter((i) => !i.current).length;
  const left = state.installationLimit - state.installationCount;

  const revokeOthers = async () => {
    setError(null);
    setNotice(null);
    try {
      const answer = await mailroom.POST('/v1/identities/{id}/installations/revoke-others', {
        params: { path: { id: identityId } },
      });
      const count = answer.revoked.length;
      setNotice(
        count === 0
          ? 'There were no other installations to revoke.'
          : `Revoked ${count} other installation${count === 1 ? '' : 's'}.`,
      );
    } catch (e) {
      setError(messageOf(e));
    }
    await onChanged();
  };

  return (
    <section className="panel" aria-labelledby="inbox-title">
      <h2 id="inbox-title">Inbox state</h2>
      <div className="meters">
        <Meter
          label="Installations"
          value={state.installationCount}
          max={state.installationLimit}
          warnAt={state.installationLimit - INSTALLATION_HEADROOM}
        />
        <Meter
          label="Identity updates"
          value={state.identityUpdateCount}
          max={state.identityUpdateLimit}
          warnAt={Math.floor(state.identityUpdateLimit * 0.8)}
        />
      </div>
      <p className="muted" data-testid="installation-budget">
        {left > 0
          ? `${left} of XMTP’s ${state.installationLimit} installations per inbox left.`
          : `No installations left: revoke others before this inbox can be used on another device.`}
      </p>
      <ErrorBanner message={error} />
      {notice && (
        <p className="banner banner-ok" role="status">
          {notice}
        </p>
      )}
      <div className="table-wrap">
        <table className="table stack" aria-label="Installations">
          <thead>
            <tr>
              <th scope="col">Installation</th>
              <th scope="col">Created</th>
              <th scope="col">Held by</th>
            </tr>
          </thead>
          <tbody>
            {state.installations.map((installation) => (
              <tr key={installation.id} data-testid="installation-row" data-current={installation.current}>
                <td data-label="Installation">
                  <code title={installation.id}>{shortId(installation.id, 10)}</code>
                </td>
                <td data-label="Created">{formatDateTime(installation.createdAt)}</td>
                <td data-label="Held by">
                  {installation.current ? (
                    <StatusBadge tone="good">Mailroom (this identity)</StatusBadge>
                  ) : (
                    <span className="muted">another device</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="button-row">
        <ConfirmButton
          label="Revoke other installations"
          title="Revoke every other installation?"
          confirmLabel="Revoke others"
          className="button button-secondary"
          onConfirm={revokeOthers}
        >
          <p>
            {others === 0
              ? 'Mailroom’s installation is the only one right now; any other that appears meanwhile is revoked.'
              : `${others} installation${others === 1 ? '' : 's'} of this inbox stop${others === 1 ? 's' : ''} working; Mailroom’s own keeps working.`}{' '}
            Use it when a device or key may be lost.
          </p>
        </ConfirmButton>
      </div>
    </section>
  );
}
