import { useState } from 'react';
import { mailroom } from '../api/client.js';
import { messageOf } from '../api/problem.js';
import { ConfirmButton } from '../components/confirm.js';
import { AsyncSection, ErrorBanner, StatusBadge } from '../components/feedback.js';
import { PageHeader } from '../components/layout.js';
import { formatDateTime, shortId } from '../lib/format.js';
import { Link, navigate, useTitle } from '../lib/router.js';
import { useResource } from '../lib/use-resource.js';
import { identityTone } from './identities-page.js';
import { BroadcastsSection } from './identity/broadcasts-section.js';
import { InstallationsSection } from './identity/installations-section.js';
import { PushSection } from './identity/push-section.js';

export function IdentityDetailPage({ id }: { id: string }) {
  const identity = useResource(() => mailroom.GET('/v1/identities/{id}', { params: { path: { id } } }), [id]);
  const [actionError, setActionError] = useState<string | null>(null);
  const name = identity.data
    ? (identity.data.label ?? identity.data.externalId ?? shortId(identity.data.id))
    : 'Identity';
  useTitle(name);

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
              <InstallationsSection identityId={id} state={detail.inboxState} onChanged={identity.reload} />
            ) : (
              <p className="banner">No inbox state: the identity is {detail.status}.</p>
            )}
            <BroadcastsSection identityId={id} active={detail.status === 'active'} />
            <PushSection identityId={id} active={detail.status === 'active'} />
          </>
        )}
      </AsyncSection>
    </>
  );
}
