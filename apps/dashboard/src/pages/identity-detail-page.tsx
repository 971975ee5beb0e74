import { useState } from 'react';
import type { Schema } from '@mailroom/client';
import { mailroom } from '../api/client.js';
import { messageOf } from '../api/problem.js';

type InboxState = NonNullable<Schema<'IdentityDetailResponse'>['inboxState']>;
import { ConfirmButton } from '../components/confirm.js';
import { AsyncSection, ErrorBanner, StatusBadge } from '../components/feedback.js';
import { PageHeader } from '../components/layout.js';
import { formatDateTime, shortId } from '../lib/format.js';
import { Link, navigate, useTitle } from '../lib/router.js';
import { useResource } from '../lib/use-resource.js';
import { identityTone } from './identities-page.js';

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

function InboxStatePanel({ state }: { state: InboxState }) {
  return (
    <section className="panel" aria-labelledby="inbox-title">
      <h2 id="inbox-title">Inbox state</h2>
      <div className="meters">
        <Meter label="Installations" value={state.installationCount} max={state.installationLimit} warnAt={8} />
        <Meter
          label="Identity updates"
          value={state.identityUpdateCount}
          max={state.identityUpdateLimit}
          warnAt={200}
        />
      </div>
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
              <tr key={installation.id} data-testid="installation-row">
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
    </section>
  );
}

export function IdentityDetailPage({ id }: { id: string }) {
  const identity = useResource(() => mailroom.GET('/v1/identities/{id}', { params: { path: { id } } }), [id]);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const name = identity.data
    ? (identity.data.label ?? identity.data.externalId ?? shortId(identity.data.id))
    : 'Identity';
  useTitle(name);

  const revokeOthers = async () => {
    setActionError(null);
    setNotice(null);
    try {
      const answer = await mailroom.POST('/v1/identities/{id}/installations/revoke-others', {
        params: { path: { id } },
      });
      const count = answer.revoked.length;
      setNotice(
        count === 0
          ? 'There were no other installations to revoke.'
          : `Revoked ${count} other installation${count === 1 ? '' : 's'}.`,
      );
    } catch (e) {
      setActionError(messageOf(e));
    }
    await identity.reload();
  };

  const remove = async () => {
    setActionError(null);
    try {
      await mailroom.DELETE('/v1/identities/{id}', { params: { path: { id } } });
      navigate('/identities', { replace: true });
    } catch (e) {
      setActionError(messageOf(e));
    }
  };

  return (
    <>
      <PageHeader title={name} back={{ to: '/identities', label: 'Identities' }} />
      <ErrorBanner message={actionError} />
      {notice && (
        <p className="banner banner-ok" role="status">
          {notice}
        </p>
      )}
      <AsyncSection resource={identity} loadingLabel="Loading the identity and its inbox state…">
        {(detail) => (
          <>
            <section className="panel" aria-labelledby="identity-title">
              <h2 id="identity-title">Identity</h2>
              <dl className="facts">
                <dt>Status</dt>
                <dd>
                  <StatusBadge tone={identityTone(detail.status)}>{detail.status}</StatusBadge>
                  {detail.brokenReason && <span className="muted"> {detail.brokenReason}</span>}
                </dd>
                <dt>Address</dt>
                <dd>
                  <code className="wrap">{detail.address}</code>
                </dd>
                <dt>Inbox id</dt>
                <dd>
                  <code className="wrap">{detail.inboxId ?? '—'}</code>
                </dd>
                <dt>Installation</dt>
                <dd>
                  <code className="wrap">{detail.installationId ?? '—'}</code>
                </dd>
                <dt>External id</dt>
                <dd>{detail.externalId ?? '—'}</dd>
                <dt>Created</dt>
                <dd>{formatDateTime(detail.createdAt)}</dd>
              </dl>
              <div className="button-row">
                {detail.status === 'active' && (
                  <Link to={`/identities/${id}/conversations`} className="button">
                    Browse conversations
                  </Link>
                )}
                <ConfirmButton
                  label="Revoke other installations"
                  title="Revoke every other installation?"
                  confirmLabel="Revoke others"
                  className="button button-secondary"
                  disabled={detail.status !== 'active'}
                  onConfirm={revokeOthers}
                >
                  <p>
                    Every installation of this inbox except Mailroom’s own stops working. Use it when a device or key
                    may be lost.
                  </p>
                </ConfirmButton>
                <ConfirmButton
                  label="Delete identity"
                  title={`Delete ${name}?`}
                  confirmLabel="Delete identity"
                  onConfirm={remove}
                >
                  <p>
                    Mailroom revokes its installation on the network, deletes its database and destroys its keys.
                    Messages can no longer be read or sent as this identity. This cannot be undone.
                  </p>
                </ConfirmButton>
              </div>
            </section>
            {detail.inboxState ? (
              <InboxStatePanel state={detail.inboxState} />
            ) : (
              <p className="banner">No inbox state: the identity is {detail.status}.</p>
            )}
          </>
        )}
      </AsyncSection>
    </>
  );
}
